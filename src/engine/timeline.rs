//! One timeline: a pure, event-driven history from all-up at t = 0 to the
//! horizon, following docs/semantics.md. Next-event time advance: the clock holds
//! one pending time per slot (instance process, failover timers, domains, common
//! causes, deploys, maintenance) and the loop jumps to the earliest.
//!
//! A `Sim` is built once per chunk of timelines and reset between timelines, so
//! the loop allocates nothing.

use super::clock::Clock;
use super::compiled::{Compiled, SlotKind, TierC, NONE};
use super::sampler::Sampler;
use crate::stats::{fixed, Acc, SURV_POINTS};
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::VecDeque;

const INF: f64 = f64::INFINITY;

#[derive(Clone, Copy, Default)]
struct Inst {
    /// Own process up.
    up: bool,
    /// Failed unnoticed (unmonitored standby): not being repaired.
    latent: bool,
    unplanned: u16,
    planned: u16,
    /// Current ageing speed (age units per second).
    speed: f64,
    /// Remaining age while frozen (speed 0).
    age_left: f64,
    /// Age units this up period lasts in total (its sampled lifetime), so the age
    /// already survived is `life − remaining` (used by `resample_memoryless`).
    life: f64,
    /// Active-active rotation state: 0 normal, 1 detecting, 2 stuck, 3 removed.
    aa: u8,
    /// Active-passive: the active slot it fills, or NONE for a standby.
    role: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Serving,
    Detecting,
    Switching,
    Failed,
    WaitRepair,
    FalseSwitch,
    FalseManual,
}

#[derive(Clone, Copy)]
struct ApSlot {
    active: u32,
    phase: Phase,
    cand: u32,
    latent_hit: bool,
}

#[derive(Clone, Copy, Default)]
struct TierS {
    avail: u32,
    detecting: u32,
    stuck: u32,
    overloaded: bool,
    ccf_active: bool,
    ccf_next: f64,
    last_loss: u16,
    up: bool,
    down_since: f64,
    down_time: f64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DPhase {
    Idle,
    Batch,
    Bake,
    WaitDetect,
}

#[derive(Clone, Copy)]
struct DepS {
    phase: DPhase,
    bad: bool,
    detected: bool,
    batch: u32,
    hit_end: u32,
    next_arrival: f64,
}

#[derive(Clone, Copy)]
struct MaintS {
    busy: bool,
    idx: u32,
    next_arrival: f64,
}

/// Reusable state of one timeline. `Clone` copies the full state (residual clocks
/// included), which importance splitting uses to branch a history.
#[derive(Clone)]
pub struct Sim<'a> {
    c: &'a Compiled,
    clock: Clock,
    inst: Vec<Inst>,
    tiers: Vec<TierS>,
    ap: Vec<Vec<ApSlot>>,
    dom_down: Vec<bool>,
    dep: Vec<DepS>,
    mnt: Vec<MaintS>,
    crews_busy: u32,
    queue: VecDeque<u32>,
    rng: Xoshiro256PlusPlus,
    now: f64,
    // service state and integrals
    svc_up: bool,
    svc_success: f64,
    svc_degraded: bool,
    svc_cause: u16,
    last_t: f64,
    outage_start: f64,
    down_total: f64,
    degraded_total: f64,
    loss_total: f64,
    outages: u64,
    first_outage: f64,
    failovers: u64,
    lost_writes: f64,
    cause_time: Vec<f64>,
    /// Outage durations of the current timeline (reused buffer).
    pending_durations: Vec<f64>,
    events: u64,
    deploys_started: u64,
    deploys_bad: u64,
    deploys_skipped: u64,
}

impl<'a> Sim<'a> {
    pub fn new(c: &'a Compiled) -> Sim<'a> {
        use rand::SeedableRng;
        Sim {
            c,
            clock: Clock::new(c.slots.len().max(1)),
            inst: vec![Inst::default(); c.n_inst],
            tiers: vec![TierS::default(); c.tiers.len()],
            ap: c
                .tiers
                .iter()
                .map(|t| {
                    if t.active_passive {
                        vec![
                            ApSlot {
                                active: 0,
                                phase: Phase::Serving,
                                cand: NONE,
                                latent_hit: false
                            };
                            t.k as usize
                        ]
                    } else {
                        Vec::new()
                    }
                })
                .collect(),
            dom_down: vec![false; c.domains.len()],
            dep: vec![
                DepS {
                    phase: DPhase::Idle,
                    bad: false,
                    detected: false,
                    batch: 0,
                    hit_end: 0,
                    next_arrival: INF,
                };
                c.deploys.len()
            ],
            mnt: vec![
                MaintS {
                    busy: false,
                    idx: 0,
                    next_arrival: INF
                };
                c.maint.len()
            ],
            crews_busy: 0,
            queue: VecDeque::new(),
            rng: Xoshiro256PlusPlus::seed_from_u64(0),
            now: 0.0,
            svc_up: true,
            svc_success: 1.0,
            svc_degraded: false,
            svc_cause: 0,
            last_t: 0.0,
            outage_start: 0.0,
            down_total: 0.0,
            degraded_total: 0.0,
            loss_total: 0.0,
            outages: 0,
            first_outage: INF,
            failovers: 0,
            lost_writes: 0.0,
            cause_time: vec![0.0; c.causes.len()],
            pending_durations: Vec::new(),
            events: 0,
            deploys_started: 0,
            deploys_bad: 0,
            deploys_skipped: 0,
        }
    }

    /// Simulates one timeline with `rng` and adds its figures to `acc`.
    pub fn run(&mut self, rng: Xoshiro256PlusPlus, acc: &mut Acc) {
        self.rng = rng;
        self.reset();
        let h = self.c.horizon;
        loop {
            let (slot, t) = self.clock.min();
            if t >= h {
                break;
            }
            self.now = t;
            self.events += 1;
            self.dispatch(slot);
            self.refresh();
        }
        self.finish(acc);
    }

    // ------------------------------------------ stepping API (importance splitting)

    /// Starts a timeline at t = 0, all up, drawing from `rng`.
    pub fn begin(&mut self, rng: Xoshiro256PlusPlus) {
        self.rng = rng;
        self.reset();
    }

    /// Processes the next event; returns false (and does nothing) once the next
    /// event is at or past the horizon.
    pub fn step(&mut self) -> bool {
        let (slot, t) = self.clock.min();
        if t >= self.c.horizon {
            return false;
        }
        self.now = t;
        self.events += 1;
        self.dispatch(slot);
        self.refresh();
        true
    }

    /// Replaces the random stream (for a branched copy of this history).
    pub fn reseed(&mut self, rng: Xoshiro256PlusPlus) {
        self.rng = rng;
    }

    /// Redraws pending clocks from their law given the state, so that copies of a
    /// state (importance splitting) diverge at once without changing the law of the
    /// future: exponential instance failures, repairs in progress and domain
    /// failures/repairs (memoryless: a fresh draw), and Weibull instance failures
    /// (conditioned on the age already survived: (T/s)^k = (a/s)^k + Exp(1)).
    /// Other clocks keep their pre-sampled times.
    pub fn resample_memoryless(&mut self) {
        use super::sampler::Sampler;
        let c = self.c;
        let now = self.now;
        for i in 0..c.n_inst {
            let t = &c.tiers[c.inst_tier[i] as usize];
            let pending = self.clock.get(i);
            let inst = self.inst[i];
            if inst.up {
                // remaining age units of this up period
                let remaining = if inst.speed > 0.0 {
                    if !pending.is_finite() {
                        continue;
                    }
                    (pending - now) * inst.speed
                } else {
                    inst.age_left
                };
                if !remaining.is_finite() {
                    continue;
                }
                let new_remaining = match &t.fail {
                    Some(Sampler::Exp(m)) => {
                        let e: f64 = self.rng.sample(rand_distr::Exp1);
                        self.inst[i].life = inst.life - remaining + m * e;
                        m * e
                    }
                    Some(Sampler::Weibull { scale, inv_shape }) => {
                        let a = (inst.life - remaining).max(0.0);
                        let e: f64 = self.rng.sample(rand_distr::Exp1);
                        let k = 1.0 / inv_shape;
                        let life = scale * ((a / scale).powf(k) + e).powf(*inv_shape);
                        self.inst[i].life = life;
                        (life - a).max(0.0)
                    }
                    _ => continue,
                };
                if inst.speed > 0.0 {
                    self.clock.set(i, now + new_remaining / inst.speed);
                } else {
                    self.inst[i].age_left = new_remaining;
                }
            } else {
                if !pending.is_finite() || inst.latent {
                    continue; // queued for a crew or unnoticed
                }
                if let Some(Sampler::Exp(m)) = &t.repair {
                    let e: f64 = self.rng.sample(rand_distr::Exp1);
                    self.clock.set(i, now + m * e);
                }
            }
        }
        for (di, d) in c.domains.iter().enumerate() {
            let slot = d.slot as usize;
            if !self.clock.get(slot).is_finite() {
                continue;
            }
            let s = if self.dom_down[di] {
                &d.repair
            } else {
                &d.fail
            };
            if let Some(Sampler::Exp(m)) = s {
                let e: f64 = self.rng.sample(rand_distr::Exp1);
                self.clock.set(slot, now + m * e);
            }
        }
    }

    /// Current simulated time (seconds).
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Whether the service is up now.
    pub fn service_up(&self) -> bool {
        self.svc_up
    }

    /// Instance losses the service can still absorb now: the minimum over tiers
    /// of available instances minus required ones, and -1 while any tier is down.
    /// (A domain failure can take several at once.)
    pub fn margin(&self) -> i64 {
        let mut m = i64::MAX;
        for ti in 0..self.tiers.len() {
            let (up, _, _) = self.tier_status(ti);
            let slack = if up {
                self.tiers[ti].avail as i64 - self.c.tiers[ti].k as i64
            } else {
                -1
            };
            m = m.min(slack.max(-1));
        }
        if !self.svc_up {
            -1
        } else if m == i64::MAX {
            0
        } else {
            m
        }
    }

    /// (downtime in seconds, outages) of the history so far, with an outage still
    /// open counted up to the horizon, as `run` would report at the horizon once no
    /// event remains before it.
    pub fn downtime_and_outages_at_horizon(&self) -> (f64, u64) {
        if self.svc_up {
            (self.down_total, self.outages)
        } else {
            let d = self.c.horizon - self.outage_start;
            if d > 0.0 {
                (self.down_total + d, self.outages + 1)
            } else {
                (self.down_total, self.outages)
            }
        }
    }

    /// Downtime (seconds) and count of the outages completed so far.
    pub fn completed_outages(&self) -> (f64, u64) {
        (self.down_total, self.outages)
    }

    /// Durations of the outages completed so far, in order.
    pub fn outage_durations(&self) -> &[f64] {
        &self.pending_durations
    }

    /// Length of the outage open now, clipped at the horizon (0 when up).
    pub fn open_outage_at_horizon(&self) -> f64 {
        if self.svc_up {
            0.0
        } else {
            (self.c.horizon - self.outage_start).max(0.0)
        }
    }

    /// Jumps processed so far in this timeline.
    pub fn events(&self) -> u64 {
        self.events
    }

    fn reset(&mut self) {
        let c = self.c;
        self.clock.clear();
        self.now = 0.0;
        self.crews_busy = 0;
        self.queue.clear();
        self.svc_up = true;
        self.svc_success = 1.0;
        self.svc_degraded = false;
        self.svc_cause = 0;
        self.last_t = 0.0;
        self.down_total = 0.0;
        self.degraded_total = 0.0;
        self.loss_total = 0.0;
        self.outages = 0;
        self.first_outage = INF;
        self.failovers = 0;
        self.lost_writes = 0.0;
        self.cause_time.iter_mut().for_each(|x| *x = 0.0);
        self.events = 0;
        self.deploys_started = 0;
        self.deploys_bad = 0;
        self.deploys_skipped = 0;
        for (ti, t) in c.tiers.iter().enumerate() {
            self.tiers[ti] = TierS {
                avail: t.n,
                up: true,
                last_loss: t.cause_fail,
                ..TierS::default()
            };
            for j in 0..t.n {
                let i = (t.first + j) as usize;
                let role = if t.active_passive && j < t.k { j } else { NONE };
                self.inst[i] = Inst {
                    up: true,
                    role,
                    ..Inst::default()
                };
            }
            for (j, s) in self.ap[ti].iter_mut().enumerate() {
                *s = ApSlot {
                    active: t.first + j as u32,
                    phase: Phase::Serving,
                    cand: NONE,
                    latent_hit: false,
                };
            }
        }
        for ti in 0..c.tiers.len() {
            // Overload can hold from the start when load > n.
            let t = &c.tiers[ti];
            self.tiers[ti].overloaded = t.overload_mult.is_some() && (t.n as f64) < t.load;
            for j in 0..t.n {
                self.start_up((t.first + j) as usize, true);
            }
            if let Some((every, _)) = &t.ccf {
                let next = every.sample(&mut self.rng);
                self.tiers[ti].ccf_next = next;
                self.clock.set_raw(t.ccf_slot as usize, next);
            }
            if let Some(fa) = &t.false_alarm {
                for j in 0..t.k {
                    let x = fa.sample(&mut self.rng);
                    self.clock.set_raw((t.fa_slot0 + j) as usize, x);
                }
            }
        }
        for (di, d) in c.domains.iter().enumerate() {
            self.dom_down[di] = false;
            if let Some(f) = &d.fail {
                let x = f.sample(&mut self.rng);
                self.clock.set_raw(d.slot as usize, x);
            }
        }
        for (di, d) in c.deploys.iter().enumerate() {
            let first = self.first_arrival(&d.every, d.fixed);
            self.dep[di] = DepS {
                phase: DPhase::Idle,
                bad: false,
                detected: false,
                batch: 0,
                hit_end: 0,
                next_arrival: first,
            };
            self.clock.set_raw(d.slot as usize, first);
        }
        for (mi, m) in c.maint.iter().enumerate() {
            let first = self.first_arrival(&m.every, m.fixed);
            self.mnt[mi] = MaintS {
                busy: false,
                idx: 0,
                next_arrival: first,
            };
            self.clock.set_raw(m.slot as usize, first);
        }
        self.clock.rebuild();
    }

    /// A fixed period starts at a uniformly random phase; otherwise a renewal draw.
    fn first_arrival(&mut self, every: &Sampler, fixed: bool) -> f64 {
        let x = every.sample(&mut self.rng);
        if fixed {
            x * self.rng.random::<f64>()
        } else {
            x
        }
    }

    // ---------------------------------------------------------------- instances

    #[inline]
    fn available(&self, i: usize) -> bool {
        let s = &self.inst[i];
        s.up && s.unplanned == 0 && s.planned == 0
    }

    #[inline]
    fn tier_of(&self, i: usize) -> usize {
        self.c.inst_tier[i] as usize
    }

    fn target_speed(&self, i: usize) -> f64 {
        let ti = self.tier_of(i);
        let t = &self.c.tiers[ti];
        let mut s = t.base_speed;
        if t.active_passive && self.inst[i].role == NONE {
            s *= t.standby_factor;
        }
        if self.tiers[ti].overloaded {
            if let Some(m) = t.overload_mult {
                s *= m;
            }
        }
        s
    }

    /// Starts an up period: a fresh time to failure, in age units.
    fn start_up(&mut self, i: usize, initial: bool) {
        let t = &self.c.tiers[self.tier_of(i)];
        let age = match &t.fail {
            Some(f) => f.sample(&mut self.rng),
            None => INF,
        };
        let speed = self.target_speed(i);
        let inst = &mut self.inst[i];
        inst.up = true;
        inst.latent = false;
        inst.speed = speed;
        let when = if speed > 0.0 {
            self.now + age / speed
        } else {
            INF
        };
        inst.age_left = if speed > 0.0 { 0.0 } else { age };
        inst.life = age;
        if initial {
            self.clock.set_raw(i, when);
        } else {
            self.clock.set(i, when);
        }
    }

    /// Re-times the pending failure after a change of ageing speed (exact ageing:
    /// the remaining age is kept, only the rate at which it is used changes).
    fn apply_speed(&mut self, i: usize) {
        let new = self.target_speed(i);
        let old = self.inst[i].speed;
        if !self.inst[i].up {
            self.inst[i].speed = new;
            return;
        }
        if new == old {
            return;
        }
        let remaining = if old > 0.0 {
            (self.clock.get(i) - self.now) * old
        } else {
            self.inst[i].age_left
        };
        self.inst[i].speed = new;
        if new > 0.0 {
            self.clock.set(i, self.now + remaining / new);
        } else {
            self.inst[i].age_left = remaining;
            self.clock.set(i, INF);
        }
    }

    fn request_repair(&mut self, i: usize) {
        if let Some(crews) = self.c.crews {
            if self.crews_busy >= crews {
                self.queue.push_back(i as u32);
                self.clock.set(i, INF);
                return;
            }
            self.crews_busy += 1;
        }
        let t = &self.c.tiers[self.tier_of(i)];
        let r = t
            .repair
            .as_ref()
            .expect("a tier that fails has a repair distribution");
        let d = r.sample(&mut self.rng);
        self.clock.set(i, self.now + d);
    }

    fn proc_event(&mut self, i: usize) {
        if self.inst[i].up {
            let was = self.available(i);
            self.inst[i].up = false;
            let ti = self.tier_of(i);
            let t = &self.c.tiers[ti];
            if t.active_passive && !t.monitoring && self.inst[i].role == NONE {
                // Nobody notices a dead standby: no repair until a failover finds it.
                self.inst[i].latent = true;
                self.clock.set(i, INF);
            } else {
                self.request_repair(i);
            }
            if was {
                self.lost(i, t.cause_fail, false);
            }
        } else {
            // Repair complete: free the crew for the next in line.
            if self.c.crews.is_some() {
                self.crews_busy -= 1;
                if let Some(j) = self.queue.pop_front() {
                    self.request_repair(j as usize);
                }
            }
            self.start_up(i, false);
            if self.available(i) {
                self.gained(i);
            }
        }
    }

    fn add_hold(&mut self, i: usize, planned: bool, cause: u16) {
        let was = self.available(i);
        if planned {
            self.inst[i].planned += 1;
        } else {
            self.inst[i].unplanned += 1;
        }
        if was {
            self.lost(i, cause, planned);
        }
    }

    fn remove_hold(&mut self, i: usize, planned: bool) {
        if planned {
            self.inst[i].planned -= 1;
        } else {
            self.inst[i].unplanned -= 1;
        }
        if self.available(i) {
            self.gained(i);
        }
    }

    fn lost(&mut self, i: usize, cause: u16, planned: bool) {
        let ti = self.tier_of(i);
        self.tiers[ti].avail -= 1;
        self.tiers[ti].last_loss = cause;
        self.update_overload(ti);
        let t = &self.c.tiers[ti];
        if t.active_passive {
            self.ap_lost(ti, i, planned);
        } else if t.failover_logic && !planned {
            self.aa_lost(ti, i);
        }
    }

    fn gained(&mut self, i: usize) {
        let ti = self.tier_of(i);
        self.tiers[ti].avail += 1;
        self.update_overload(ti);
        let t = &self.c.tiers[ti];
        if t.active_passive {
            self.ap_gained(ti, i);
        } else if t.failover_logic {
            self.aa_gained(ti, i);
        }
    }

    fn update_overload(&mut self, ti: usize) {
        let t = &self.c.tiers[ti];
        if t.overload_mult.is_none() {
            return;
        }
        let over = (self.tiers[ti].avail as f64) < t.load;
        if over != self.tiers[ti].overloaded {
            self.tiers[ti].overloaded = over;
            for i in t.first..t.first + t.n {
                self.apply_speed(i as usize);
            }
        }
    }

    // ------------------------------------------------------------ active-active

    fn aa_slot(&self, ti: usize, i: usize) -> usize {
        let t = &self.c.tiers[ti];
        (t.aa_slot0 + (i as u32 - t.first)) as usize
    }

    fn aa_lost(&mut self, ti: usize, i: usize) {
        let t = &self.c.tiers[ti];
        if t.detection.is_zero() {
            self.aa_decide(ti, i);
        } else {
            self.inst[i].aa = 1;
            self.tiers[ti].detecting += 1;
            let d = t.detection.sample(&mut self.rng);
            let s = self.aa_slot(ti, i);
            self.clock.set(s, self.now + d);
        }
    }

    /// Detection over: removed from rotation with probability `coverage`.
    fn aa_decide(&mut self, ti: usize, i: usize) {
        let t = &self.c.tiers[ti];
        let s = self.aa_slot(ti, i);
        if self.rng.random::<f64>() < t.coverage {
            self.inst[i].aa = 3;
            self.clock.set(s, INF);
        } else {
            self.inst[i].aa = 2;
            self.tiers[ti].stuck += 1;
            let when = match &t.manual {
                Some(m) => self.now + m.sample(&mut self.rng),
                None => INF,
            };
            self.clock.set(s, when);
        }
    }

    fn aa_timer(&mut self, i: usize) {
        let ti = self.tier_of(i);
        match self.inst[i].aa {
            1 => {
                self.tiers[ti].detecting -= 1;
                self.aa_decide(ti, i);
            }
            2 => {
                self.tiers[ti].stuck -= 1;
                self.inst[i].aa = 3;
                let s = self.aa_slot(ti, i);
                self.clock.set(s, INF);
            }
            _ => unreachable!("an active-active timer is only pending while detecting or stuck"),
        }
    }

    fn aa_gained(&mut self, ti: usize, i: usize) {
        match self.inst[i].aa {
            1 => self.tiers[ti].detecting -= 1,
            2 => self.tiers[ti].stuck -= 1,
            _ => {}
        }
        if self.inst[i].aa == 1 || self.inst[i].aa == 2 {
            let s = self.aa_slot(ti, i);
            self.clock.set(s, INF);
        }
        self.inst[i].aa = 0;
    }

    // ----------------------------------------------------------- active-passive

    fn ap_timer_slot(&self, ti: usize, s: usize) -> usize {
        (self.c.tiers[ti].ap_slot0 as usize) + s
    }

    fn set_ap_timer(&mut self, ti: usize, s: usize, when: f64) {
        let slot = self.ap_timer_slot(ti, s);
        self.clock.set(slot, when);
    }

    /// A standby the tier believes healthy, not reserved by another slot:
    /// available, or failed unnoticed (latent) and otherwise unheld.
    fn find_standby(&self, ti: usize) -> Option<usize> {
        let t = &self.c.tiers[ti];
        (t.first..t.first + t.n).map(|j| j as usize).find(|&j| {
            let s = &self.inst[j];
            s.role == NONE
                && !self.ap[ti].iter().any(|sl| sl.cand == j as u32)
                && (self.available(j) || (s.latent && s.unplanned == 0 && s.planned == 0))
        })
    }

    /// A believed-healthy standby that really is available; latent failures found
    /// on the way are discovered (their repair starts).
    fn take_standby(&mut self, ti: usize, s: usize) -> Option<usize> {
        while let Some(b) = self.find_standby(ti) {
            if self.available(b) {
                return Some(b);
            }
            self.inst[b].latent = false;
            self.request_repair(b);
            self.ap[ti][s].latent_hit = true;
        }
        None
    }

    fn ap_lost(&mut self, ti: usize, i: usize, planned: bool) {
        let role = self.inst[i].role;
        if role != NONE {
            let s = role as usize;
            match self.ap[ti][s].phase {
                Phase::Serving => self.start_failover(ti, s, planned),
                Phase::FalseSwitch => self.ap[ti][s].phase = Phase::Switching,
                Phase::FalseManual => self.start_failover(ti, s, planned),
                _ => {}
            }
        } else {
            for s in 0..self.ap[ti].len() {
                if self.ap[ti][s].cand == i as u32 {
                    self.ap[ti][s].cand = NONE;
                    match self.ap[ti][s].phase {
                        Phase::Switching => self.start_failover(ti, s, false),
                        Phase::FalseSwitch => {
                            self.ap[ti][s].phase = Phase::Serving;
                            self.set_ap_timer(ti, s, INF);
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn start_failover(&mut self, ti: usize, s: usize, planned: bool) {
        self.ap[ti][s].cand = NONE;
        self.ap[ti][s].latent_hit = false;
        if planned {
            // A drained active hands over gracefully: no detection, no coverage coin.
            self.promote_attempt(ti, s);
            return;
        }
        if self.find_standby(ti).is_none() {
            self.ap[ti][s].phase = Phase::WaitRepair;
            self.set_ap_timer(ti, s, INF);
            return;
        }
        let t = &self.c.tiers[ti];
        if t.detection.is_zero() {
            self.detection_end(ti, s);
        } else {
            self.ap[ti][s].phase = Phase::Detecting;
            let d = t.detection.sample(&mut self.rng);
            self.set_ap_timer(ti, s, self.now + d);
        }
    }

    fn detection_end(&mut self, ti: usize, s: usize) {
        let t = &self.c.tiers[ti];
        if self.rng.random::<f64>() < t.coverage {
            self.promote_attempt(ti, s);
        } else {
            self.ap[ti][s].phase = Phase::Failed;
            let when = match &t.manual {
                Some(m) => self.now + m.sample(&mut self.rng),
                None => INF,
            };
            self.set_ap_timer(ti, s, when);
        }
    }

    fn promote_attempt(&mut self, ti: usize, s: usize) {
        match self.take_standby(ti, s) {
            None => {
                self.ap[ti][s].phase = Phase::WaitRepair;
                self.set_ap_timer(ti, s, INF);
            }
            Some(b) => {
                self.ap[ti][s].cand = b as u32;
                self.ap[ti][s].phase = Phase::Switching;
                let t = &self.c.tiers[ti];
                if t.switchover.is_zero() {
                    self.switch_end(ti, s);
                } else {
                    let d = t.switchover.sample(&mut self.rng);
                    self.set_ap_timer(ti, s, self.now + d);
                }
            }
        }
    }

    /// `b` takes over slot `s`; the old active becomes a standby.
    fn swap_active(&mut self, ti: usize, s: usize, b: usize) {
        let old = self.ap[ti][s].active as usize;
        self.inst[old].role = NONE;
        self.inst[b].role = s as u32;
        self.ap[ti][s].active = b as u32;
        self.ap[ti][s].cand = NONE;
        self.ap[ti][s].phase = Phase::Serving;
        self.set_ap_timer(ti, s, INF);
        self.apply_speed(old);
        self.apply_speed(b);
    }

    fn count_failover(&mut self, ti: usize) {
        self.failovers += 1;
        if let Some(l) = &self.c.tiers[ti].lag {
            self.lost_writes += l.sample(&mut self.rng);
        }
    }

    fn switch_end(&mut self, ti: usize, s: usize) {
        let b = self.ap[ti][s].cand as usize;
        self.swap_active(ti, s, b);
        self.count_failover(ti);
    }

    fn ap_timer(&mut self, ti: usize, s: usize) {
        match self.ap[ti][s].phase {
            Phase::Detecting => self.detection_end(ti, s),
            Phase::Switching | Phase::FalseSwitch => self.switch_end(ti, s),
            Phase::Failed => {
                // The operator promotes a healthy standby, or waits for a repair.
                match self.take_standby(ti, s) {
                    Some(b) => {
                        self.swap_active(ti, s, b);
                        self.count_failover(ti);
                    }
                    None => {
                        self.ap[ti][s].phase = Phase::WaitRepair;
                        self.set_ap_timer(ti, s, INF);
                    }
                }
            }
            Phase::FalseManual => {
                self.ap[ti][s].phase = Phase::Serving;
                self.set_ap_timer(ti, s, INF);
                let a = self.ap[ti][s].active as usize;
                if !self.available(a) {
                    self.start_failover(ti, s, false);
                }
            }
            Phase::Serving | Phase::WaitRepair => {
                unreachable!("no active-passive timer is pending while serving or waiting")
            }
        }
    }

    fn ap_gained(&mut self, ti: usize, i: usize) {
        let role = self.inst[i].role;
        if role != NONE {
            let s = role as usize;
            match self.ap[ti][s].phase {
                Phase::Detecting | Phase::Switching | Phase::Failed | Phase::WaitRepair => {
                    // The old active is back: it resumes, the failover is off.
                    self.ap[ti][s].cand = NONE;
                    self.ap[ti][s].phase = Phase::Serving;
                    self.set_ap_timer(ti, s, INF);
                }
                _ => {}
            }
        } else if let Some(s) = (0..self.ap[ti].len())
            .find(|&s| matches!(self.ap[ti][s].phase, Phase::WaitRepair | Phase::Failed))
        {
            // A slot is waiting: this instance serves at once.
            self.swap_active(ti, s, i);
        }
    }

    fn false_alarm(&mut self, ti: usize, s: usize) {
        let t = &self.c.tiers[ti];
        let fa = t
            .false_alarm
            .as_ref()
            .expect("false-alarm slot implies a false_alarm distribution");
        let next = self.now + fa.sample(&mut self.rng);
        let slot = (t.fa_slot0 as usize) + s;
        self.clock.set(slot, next);
        let active = self.ap[ti][s].active as usize;
        if self.ap[ti][s].phase != Phase::Serving || !self.available(active) {
            return;
        }
        if self.find_standby(ti).is_none() {
            return;
        }
        if self.rng.random::<f64>() < t.coverage {
            if let Some(b) = self.take_standby(ti, s) {
                self.ap[ti][s].cand = b as u32;
                self.ap[ti][s].phase = Phase::FalseSwitch;
                if t.switchover.is_zero() {
                    self.switch_end(ti, s);
                } else {
                    let d = t.switchover.sample(&mut self.rng);
                    self.set_ap_timer(ti, s, self.now + d);
                }
            }
        } else {
            self.ap[ti][s].phase = Phase::FalseManual;
            let d = match &t.false_manual {
                Some(m) => m.sample(&mut self.rng),
                None => 0.0,
            };
            self.set_ap_timer(ti, s, self.now + d);
        }
    }

    // ------------------------------------------------- domains, causes, deploys

    fn domain_event(&mut self, di: usize) {
        let d = &self.c.domains[di];
        if !self.dom_down[di] {
            self.dom_down[di] = true;
            for k in 0..d.members.len() {
                self.add_hold(d.members[k] as usize, false, d.cause);
            }
            let r = d
                .repair
                .as_ref()
                .expect("a domain that fails has a repair distribution");
            let x = r.sample(&mut self.rng);
            self.clock.set(d.slot as usize, self.now + x);
        } else {
            self.dom_down[di] = false;
            for k in 0..d.members.len() {
                self.remove_hold(d.members[k] as usize, false);
            }
            let f = d
                .fail
                .as_ref()
                .expect("domain slot implies a failure distribution");
            let x = f.sample(&mut self.rng);
            self.clock.set(d.slot as usize, self.now + x);
        }
    }

    fn ccf_event(&mut self, ti: usize) {
        let t: &TierC = &self.c.tiers[ti];
        let (every, repair) = t.ccf.as_ref().expect("ccf slot implies a common cause");
        if !self.tiers[ti].ccf_active {
            self.tiers[ti].ccf_active = true;
            self.tiers[ti].ccf_next = self.now + every.sample(&mut self.rng);
            for i in t.first..t.first + t.n {
                self.add_hold(i as usize, false, t.cause_ccf);
            }
            let x = repair.sample(&mut self.rng);
            self.clock.set(t.ccf_slot as usize, self.now + x);
        } else {
            self.tiers[ti].ccf_active = false;
            for i in t.first..t.first + t.n {
                self.remove_hold(i as usize, false);
            }
            // Events that arrived while this one was active are ignored.
            let mut next = self.tiers[ti].ccf_next;
            while next <= self.now {
                next += every.sample(&mut self.rng);
            }
            self.tiers[ti].ccf_next = next;
            self.clock.set(t.ccf_slot as usize, next);
        }
    }

    fn start_batch(&mut self, di: usize) {
        let d = &self.c.deploys[di];
        let st = self.dep[di];
        let (a, b) = d.batches[st.batch as usize];
        let cause = if st.bad { d.cause_bad } else { d.cause_good };
        let hold = st.bad || !d.step.is_zero();
        if hold {
            for k in a..b {
                self.add_hold(d.targets[k as usize] as usize, !st.bad, cause);
            }
        }
        if st.bad {
            self.dep[di].hit_end = b;
        }
        self.dep[di].phase = DPhase::Batch;
        let x = d.step.sample(&mut self.rng);
        self.clock.set(d.slot as usize, self.now + x);
    }

    fn deploy_event(&mut self, di: usize) {
        let d = &self.c.deploys[di];
        match self.dep[di].phase {
            DPhase::Idle => {
                let bad = self.rng.random::<f64>() < d.bad_p;
                let next = self.dep[di].next_arrival + d.every.sample(&mut self.rng);
                self.dep[di] = DepS {
                    phase: DPhase::Batch,
                    bad,
                    detected: false,
                    batch: 0,
                    hit_end: 0,
                    next_arrival: next,
                };
                self.deploys_started += 1;
                if bad {
                    self.deploys_bad += 1;
                    let x = d.detect.sample(&mut self.rng);
                    self.clock.set(d.detect_slot as usize, self.now + x);
                }
                if d.batches.is_empty() {
                    self.batches_done(di);
                } else {
                    self.start_batch(di);
                }
            }
            DPhase::Batch => {
                let st = self.dep[di];
                if !st.bad && !d.step.is_zero() {
                    let (a, b) = d.batches[st.batch as usize];
                    for k in a..b {
                        self.remove_hold(d.targets[k as usize] as usize, true);
                    }
                }
                let nb = st.batch + 1;
                if st.batch == 0 && d.bake.is_some() && (nb as usize) < d.batches.len() {
                    self.dep[di].phase = DPhase::Bake;
                    let x = d
                        .bake
                        .as_ref()
                        .map(|b| b.sample(&mut self.rng))
                        .unwrap_or(0.0);
                    self.clock.set(d.slot as usize, self.now + x);
                } else if (nb as usize) < d.batches.len() {
                    self.dep[di].batch = nb;
                    self.start_batch(di);
                } else {
                    self.batches_done(di);
                }
            }
            DPhase::Bake => {
                self.dep[di].batch += 1;
                self.start_batch(di);
            }
            DPhase::WaitDetect => unreachable!("no progress event while waiting for detection"),
        }
    }

    fn batches_done(&mut self, di: usize) {
        if self.dep[di].bad {
            self.dep[di].phase = DPhase::WaitDetect;
            self.clock.set(self.c.deploys[di].slot as usize, INF);
        } else {
            self.deploy_finished(di);
        }
    }

    fn deploy_detect(&mut self, di: usize) {
        let d = &self.c.deploys[di];
        if !self.dep[di].detected {
            // Noticed: nothing more is deployed; roll back.
            self.dep[di].detected = true;
            self.dep[di].phase = DPhase::WaitDetect;
            self.clock.set(d.slot as usize, INF);
            let x = d.rollback.sample(&mut self.rng);
            self.clock.set(d.detect_slot as usize, self.now + x);
        } else {
            for k in 0..self.dep[di].hit_end {
                self.remove_hold(d.targets[k as usize] as usize, false);
            }
            self.clock.set(d.detect_slot as usize, INF);
            self.deploy_finished(di);
        }
    }

    fn deploy_finished(&mut self, di: usize) {
        let d = &self.c.deploys[di];
        let mut next = self.dep[di].next_arrival;
        while next <= self.now {
            self.deploys_skipped += 1;
            next += d.every.sample(&mut self.rng);
        }
        self.dep[di] = DepS {
            phase: DPhase::Idle,
            bad: false,
            detected: false,
            batch: 0,
            hit_end: 0,
            next_arrival: next,
        };
        self.clock.set(d.slot as usize, next);
    }

    fn maint_event(&mut self, mi: usize) {
        let m = &self.c.maint[mi];
        if m.targets.is_empty() {
            let next = self.mnt[mi].next_arrival + m.every.sample(&mut self.rng);
            self.mnt[mi].next_arrival = next;
            self.clock.set(m.slot as usize, next);
            return;
        }
        let st = self.mnt[mi];
        if !st.busy {
            self.mnt[mi].busy = true;
            self.mnt[mi].idx = 0;
            self.mnt[mi].next_arrival = st.next_arrival + m.every.sample(&mut self.rng);
            if m.rolling {
                self.add_hold(m.targets[0] as usize, true, m.cause);
            } else {
                for k in 0..m.targets.len() {
                    self.add_hold(m.targets[k] as usize, true, m.cause);
                }
            }
            let x = m.duration.sample(&mut self.rng);
            self.clock.set(m.slot as usize, self.now + x);
        } else if m.rolling && (st.idx as usize + 1) < m.targets.len() {
            self.remove_hold(m.targets[st.idx as usize] as usize, true);
            self.mnt[mi].idx += 1;
            self.add_hold(m.targets[st.idx as usize + 1] as usize, true, m.cause);
            let x = m.duration.sample(&mut self.rng);
            self.clock.set(m.slot as usize, self.now + x);
        } else {
            if m.rolling {
                self.remove_hold(m.targets[st.idx as usize] as usize, true);
            } else {
                for k in 0..m.targets.len() {
                    self.remove_hold(m.targets[k] as usize, true);
                }
            }
            let mut next = self.mnt[mi].next_arrival;
            while next <= self.now {
                next += m.every.sample(&mut self.rng);
            }
            self.mnt[mi] = MaintS {
                busy: false,
                idx: 0,
                next_arrival: next,
            };
            self.clock.set(m.slot as usize, next);
        }
    }

    #[inline]
    fn dispatch(&mut self, slot: usize) {
        match self.c.slots[slot] {
            SlotKind::Proc(i) => self.proc_event(i as usize),
            SlotKind::AaTimer(i) => self.aa_timer(i as usize),
            SlotKind::Domain(d) => self.domain_event(d as usize),
            SlotKind::Ccf(t) => self.ccf_event(t as usize),
            SlotKind::ApTimer(t, s) => self.ap_timer(t as usize, s as usize),
            SlotKind::FalseAlarm(t, s) => self.false_alarm(t as usize, s as usize),
            SlotKind::Deploy(d) => self.deploy_event(d as usize),
            SlotKind::DeployDetect(d) => self.deploy_detect(d as usize),
            SlotKind::Maint(m) => self.maint_event(m as usize),
        }
    }

    // ------------------------------------------------------ service and figures

    /// (up, share of requests served, degraded) of tier `ti` now.
    #[inline]
    fn tier_status(&self, ti: usize) -> (bool, f64, bool) {
        let t = &self.c.tiers[ti];
        let s = &self.tiers[ti];
        if t.active_passive {
            let serving = self.ap[ti]
                .iter()
                .filter(|x| x.phase == Phase::Serving)
                .count() as u32;
            let up = serving == t.k;
            (up, serving as f64 / t.k as f64, false)
        } else {
            let dead = s.detecting + s.stuck;
            let up = s.avail >= t.k && (t.retries || dead == 0);
            // Full capacity is the common case: no division on the hot path.
            let avail = s.avail as f64;
            let cap = if avail >= t.load { 1.0 } else { avail / t.load };
            let share = if t.retries || dead == 0 {
                cap
            } else {
                cap * s.avail as f64 / (s.avail + dead) as f64
            };
            (up, share, up && (share < 1.0 || dead > 0))
        }
    }

    fn tier_reason(&self, ti: usize) -> u16 {
        let t = &self.c.tiers[ti];
        let s = &self.tiers[ti];
        if t.active_passive {
            for sl in &self.ap[ti] {
                match sl.phase {
                    Phase::Serving => continue,
                    Phase::Detecting => return t.cause_detect,
                    Phase::Switching => return t.cause_switch,
                    Phase::Failed => return t.cause_failed,
                    Phase::WaitRepair => {
                        return if sl.latent_hit {
                            t.cause_latent
                        } else {
                            s.last_loss
                        };
                    }
                    Phase::FalseSwitch | Phase::FalseManual => return t.cause_false,
                }
            }
            s.last_loss
        } else if s.avail < t.k {
            s.last_loss
        } else if s.detecting > 0 {
            t.cause_detect
        } else {
            t.cause_failed
        }
    }

    /// Integrates the figures over [last event, now) and takes the new state.
    fn refresh(&mut self) {
        let now = self.now;
        let mut up = true;
        let mut success = 1.0;
        let mut degraded = false;
        let mut reason = 0u16;
        for ti in 0..self.tiers.len() {
            let (tu, share, deg) = self.tier_status(ti);
            let ts = &mut self.tiers[ti];
            if tu != ts.up {
                if tu {
                    ts.down_time += now - ts.down_since;
                } else {
                    ts.down_since = now;
                }
                ts.up = tu;
            }
            if !tu && up {
                up = false;
                reason = self.tier_reason(ti);
            }
            success *= share;
            degraded |= deg;
        }
        let dt = now - self.last_t;
        if dt > 0.0 {
            if !self.svc_up {
                self.cause_time[self.svc_cause as usize] += dt;
            }
            self.loss_total += (1.0 - self.svc_success) * dt;
            if self.svc_degraded {
                self.degraded_total += dt;
            }
        }
        if self.svc_up && !up {
            self.outage_start = now;
        } else if !self.svc_up && up {
            self.end_outage(now);
        }
        self.svc_up = up;
        self.svc_success = success;
        self.svc_degraded = degraded && up;
        self.svc_cause = reason;
        self.last_t = now;
    }

    fn end_outage(&mut self, now: f64) {
        let d = now - self.outage_start;
        if d > 0.0 {
            self.outages += 1;
            self.down_total += d;
            if self.first_outage == INF {
                self.first_outage = self.outage_start;
            }
            self.pending_durations.push(d);
        }
    }

    fn finish(&mut self, acc: &mut Acc) {
        let h = self.c.horizon;
        self.now = h;
        // Integrate the last interval, and clip an open outage at the horizon.
        let dt = h - self.last_t;
        if dt > 0.0 {
            if !self.svc_up {
                self.cause_time[self.svc_cause as usize] += dt;
            }
            self.loss_total += (1.0 - self.svc_success) * dt;
            if self.svc_degraded {
                self.degraded_total += dt;
            }
        }
        if !self.svc_up {
            self.end_outage(h);
        }
        acc.n += 1;
        acc.events += self.events;
        acc.down.add(fixed(self.down_total / h));
        acc.degraded.add(fixed(self.degraded_total / h));
        acc.req_loss.add(fixed(self.loss_total / h));
        acc.outages.add(self.outages);
        acc.failovers.add(self.failovers);
        acc.lost.add(fixed(self.lost_writes / h));
        for ti in 0..self.tiers.len() {
            let ts = &self.tiers[ti];
            let td = ts.down_time + if ts.up { 0.0 } else { h - ts.down_since };
            acc.tier_down[ti].add(fixed(td / h));
        }
        for (k, &x) in self.cause_time.iter().enumerate() {
            if x > 0.0 {
                acc.cause[k] += fixed(x / h) as u128;
            }
        }
        for &d in &self.pending_durations {
            acc.add_outage_duration(d);
        }
        self.pending_durations.clear();
        if self.outages > 0 {
            acc.had_outage += 1;
            let j = ((self.first_outage / h) * SURV_POINTS as f64) as usize;
            acc.first[j.min(SURV_POINTS - 1)] += 1;
        }
        acc.deploys_started += self.deploys_started;
        acc.deploys_bad += self.deploys_bad;
        acc.deploys_skipped += self.deploys_skipped;
    }
}

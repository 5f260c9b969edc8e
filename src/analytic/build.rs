//! The exact continuous-time Markov chain of a scenario whose times are all
//! exponential (or zero).
//!
//! The chain is the engine's own state machine (docs/semantics.md) with every
//! timer replaced by its exponential rate: the transition rules below are a port of
//! `engine::timeline` without clocks or random numbers. A probabilistic decision
//! (failover coverage) forks the successor state with its probability; a zero
//! time takes effect at once, inside the same transition. States are explored
//! breadth-first from all-up. Instances of one active-active tier under the same
//! domain are exchangeable, so with unlimited repair crews their states are kept
//! sorted (lumping: the chain counts them instead of naming them).
//!
//! Deploys (every strategy, bad deploys with detection and rollback, skipped
//! arrivals) and maintenance are part of the chain when their times are
//! exponential. Refused (with a one-line reason): any time that matters and is
//! neither exponential nor zero, fixed schedules, and chains beyond
//! [`MAX_STATES`].

use super::ctmc::{self, Chain};
use crate::model::{Dist, Mode, Scenario, Standby, HOUR, YEAR};
use crate::results::Prediction;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast multiplicative hasher for the state index (keys are our own states,
/// not adversarial input).
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Largest chain the builder enumerates.
pub const MAX_STATES: usize = 200_000;

const NONE: u16 = u16::MAX;

/// The chain of a scenario, in hours.
#[derive(Clone, Debug)]
pub struct Built {
    pub chain: Chain,
    /// Per state: failed components (instance processes down, domains down,
    /// active common-cause events); 0 only for all-up. A transition to a higher
    /// level is a failure event (the importance function of rare-event methods).
    pub level: Vec<u32>,
    pub horizon_h: f64,
}

/// Exact figures of a Markovian scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Exact {
    pub states: usize,
    /// Steady-state availability.
    pub availability: f64,
    /// Steady-state outages per year.
    pub outages_per_year: f64,
    /// Mean time to the first outage from all-up, hours.
    pub mttf_h: f64,
    /// Steady-state mean outage duration, hours.
    pub mdt_h: f64,
    /// Mean availability over [0, H] from all-up (what a run estimates).
    pub availability_horizon: f64,
    /// Expected outages in [0, H] from all-up.
    pub outages_horizon: f64,
    pub p_outage_within_horizon: f64,
    pub solve_ms: f64,
}

// ------------------------------------------------------------------ the model

/// A time in the chain: an exponential rate per hour, or instantaneous.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Time {
    Zero,
    Rate(f64),
}

fn time(what: &str, d: &Dist) -> Result<Time, String> {
    match d {
        d if d.is_zero() => Ok(Time::Zero),
        Dist::Exponential { mean } if *mean > 0.0 => Ok(Time::Rate(HOUR / mean)),
        other => Err(format!("{what} is {}, not exponential", family(other))),
    }
}

/// A time that must be a proper exponential (a process rate).
fn rate(what: &str, d: &Dist) -> Result<f64, String> {
    match time(what, d)? {
        Time::Rate(r) => Ok(r),
        Time::Zero => Err(format!("{what} is zero")),
    }
}

fn family(d: &Dist) -> &'static str {
    match d {
        Dist::Fixed(_) => "fixed",
        Dist::Exponential { .. } => "exponential",
        Dist::Weibull { .. } => "Weibull",
        Dist::LogNormal { .. } => "lognormal",
        Dist::Gamma { .. } => "gamma",
        Dist::Uniform { .. } => "uniform",
        Dist::Empirical(_) => "empirical",
    }
}

struct TierM {
    first: usize,
    n: usize,
    k: usize,
    load: f64,
    ap: bool,
    /// Failure rate per hour at speed 1 (None: never fails on its own).
    lam: Option<f64>,
    mu: f64,
    base_speed: f64,
    standby_factor: f64,
    overload: Option<f64>,
    failover_logic: bool,
    detection: Time,
    coverage: f64,
    switchover: Time,
    manual: Option<Time>,
    false_manual: Option<Time>,
    retries: bool,
    monitoring: bool,
    false_alarm: Option<f64>,
    /// (arrival rate, repair rate) of common-cause events.
    ccf: Option<(f64, f64)>,
}

struct DomM {
    /// (failure rate, repair rate); None: never fails.
    rates: Option<(f64, f64)>,
    members: Vec<usize>,
}

struct DepM {
    /// Arrival rate of deploys (Poisson).
    rate: f64,
    bad_p: f64,
    step: Time,
    detect: Time,
    rollback: Time,
    bake: Option<Time>,
    targets: Vec<usize>,
    batches: Vec<(usize, usize)>,
}

struct MntM {
    rate: f64,
    duration: f64,
    rolling: bool,
    targets: Vec<usize>,
}

struct Model {
    deps: Vec<DepM>,
    mnts: Vec<MntM>,
    tiers: Vec<TierM>,
    doms: Vec<DomM>,
    inst_tier: Vec<usize>,
    crews: Option<usize>,
    /// Exchangeable groups (sorted within each group when lumping).
    groups: Vec<Vec<usize>>,
}

impl Model {
    fn new(s: &Scenario) -> Result<Model, String> {
        let mut tiers = Vec::new();
        let mut inst_tier = Vec::new();
        let mut first = 0;
        for (ti, t) in s.tiers.iter().enumerate() {
            let name = &t.name;
            let f = &t.failover;
            let ap = t.mode == Mode::ActivePassive;
            let lam = match &t.failure {
                Some(d) => Some(rate(&format!("tier {name}: failure"), d)?),
                None => None,
            };
            let mu = match (&t.failure, &t.repair) {
                (Some(_), Some(r)) => rate(&format!("tier {name}: repair"), r)?,
                (_, Some(r)) => rate(&format!("tier {name}: repair"), r).unwrap_or(0.0),
                _ => 0.0,
            };
            let beta = t.common_cause.as_ref().and_then(|c| c.beta).unwrap_or(0.0);
            let ccf = match &t.common_cause {
                Some(c) => Some((
                    rate(&format!("tier {name}: common cause arrivals"), &c.every)?,
                    rate(&format!("tier {name}: common cause repair"), &c.repair)?,
                )),
                None => None,
            };
            let failover_logic = ap || !(f.detection.is_zero() && f.coverage >= 1.0);
            let opt_time = |what: &str, d: &Option<Dist>| -> Result<Option<Time>, String> {
                d.as_ref()
                    .map(|d| time(&format!("tier {name}: {what}"), d))
                    .transpose()
            };
            let false_alarm = if ap {
                match &f.false_alarm {
                    Some(d) => Some(rate(&format!("tier {name}: false_alarm"), d)?),
                    None => None,
                }
            } else {
                None
            };
            let (detection, switchover, manual, false_manual) = if failover_logic {
                (
                    time(&format!("tier {name}: detection"), &f.detection)?,
                    if ap {
                        time(&format!("tier {name}: switchover"), &f.switchover)?
                    } else {
                        Time::Zero
                    },
                    opt_time("manual_recovery", &f.manual_recovery)?,
                    if false_alarm.is_some() {
                        opt_time(
                            "manual recovery after a false alarm",
                            &f.manual_recovery.clone().or(t.repair.clone()),
                        )?
                    } else {
                        None
                    },
                )
            } else {
                (Time::Zero, Time::Zero, None, None)
            };
            tiers.push(TierM {
                first,
                n: t.instances as usize,
                k: t.required as usize,
                load: t.effective_load(),
                ap,
                lam,
                mu,
                base_speed: 1.0 - beta,
                standby_factor: if ap {
                    match f.standby {
                        Standby::Hot => 1.0,
                        Standby::Warm => f.warm_factor,
                        Standby::Cold => 0.0,
                    }
                } else {
                    1.0
                },
                overload: t.overload_multiplier,
                failover_logic,
                detection,
                coverage: f.coverage,
                switchover,
                manual,
                false_manual,
                retries: f.retries,
                monitoring: f.standby_monitoring,
                false_alarm,
                ccf,
            });
            for _ in 0..t.instances {
                inst_tier.push(ti);
            }
            first += t.instances as usize;
        }
        let mut doms: Vec<DomM> = Vec::new();
        for d in &s.domains {
            let l = &s.levels[d.level];
            let rates = match (&l.failure, &l.repair) {
                (Some(f), Some(r)) => Some((
                    rate(&format!("domain {}: failure", d.name), f)?,
                    rate(&format!("domain {}: repair", d.name), r)?,
                )),
                _ => None,
            };
            doms.push(DomM {
                rates,
                members: Vec::new(),
            });
        }
        let mut idx = 0;
        let mut leaf = Vec::new();
        for t in &s.tiers {
            for p in &t.placement {
                if let Some(d) = p {
                    for a in s.domain_path(*d) {
                        doms[a].members.push(idx);
                    }
                }
                leaf.push(*p);
                idx += 1;
            }
        }
        let crews = s.simulation.repair_crews.map(|c| c as usize);
        let targets = |ts: &[usize]| -> Vec<usize> {
            ts.iter()
                .flat_map(|&t| tiers[t].first..tiers[t].first + tiers[t].n)
                .collect()
        };
        let mut deps = Vec::new();
        for (k, d) in s.deploys.iter().enumerate() {
            let what = |x: &str| format!("deploy #{}: {x}", k + 1);
            if matches!(d.every, Dist::Fixed(_)) {
                return Err(what("a fixed schedule (every) is not exponential"));
            }
            let tg = targets(&d.tiers);
            let n = tg.len();
            let mut batches = Vec::new();
            let push = |from: usize, size: usize, b: &mut Vec<(usize, usize)>| {
                let size = size.max(1);
                let mut a = from;
                while a < n {
                    b.push((a, (a + size).min(n)));
                    a += size;
                }
            };
            let mut bake = None;
            match &d.strategy {
                crate::model::Strategy::AllAtOnce => push(0, n, &mut batches),
                crate::model::Strategy::Rolling { batch } => push(0, *batch as usize, &mut batches),
                crate::model::Strategy::Canary {
                    canary,
                    bake: bk,
                    batch,
                } => {
                    let c = (*canary as usize).min(n);
                    batches.push((0, c));
                    push(c, batch.map(|b| b as usize).unwrap_or(n), &mut batches);
                    bake = Some(time(&what("bake"), bk)?);
                }
            }
            deps.push(DepM {
                rate: rate(&what("every"), &d.every)?,
                bad_p: d.bad_probability,
                step: time(&what("step"), &d.step)?,
                detect: time(&what("detect"), &d.detect)?,
                rollback: time(&what("rollback"), &d.rollback)?,
                bake,
                targets: tg,
                batches,
            });
        }
        let mut mnts = Vec::new();
        for (k, m) in s.maintenance.iter().enumerate() {
            let what = |x: &str| format!("maintenance #{}: {x}", k + 1);
            if matches!(m.every, Dist::Fixed(_)) {
                return Err(what("a fixed schedule (every) is not exponential"));
            }
            mnts.push(MntM {
                rate: rate(&what("every"), &m.every)?,
                duration: rate(&what("duration"), &m.duration)?,
                rolling: m.rolling,
                targets: targets(&m.tiers),
            });
        }
        // Lumping: the instances of an active-active tier under the same leaf
        // domain are exchangeable (the repair queue is relabelled with them).
        let mut groups: Vec<Vec<usize>> = Vec::new();
        {
            let mut by: HashMap<(usize, Option<usize>), usize> = HashMap::new();
            for (i, &ti) in inst_tier.iter().enumerate() {
                if tiers[ti].ap {
                    continue;
                }
                let g = *by.entry((ti, leaf[i])).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[g].push(i);
            }
            // Deploys and maintenance name instances (batches, rolling order):
            // those instances are not exchangeable.
            let mut named = vec![false; inst_tier.len()];
            for t in deps
                .iter()
                .map(|d| &d.targets)
                .chain(mnts.iter().map(|m| &m.targets))
            {
                for &i in t {
                    named[i] = true;
                }
            }
            for g in groups.iter_mut() {
                g.retain(|&i| !named[i]);
            }
            groups.retain(|g| g.len() > 1);
        }
        Ok(Model {
            deps,
            mnts,
            tiers,
            doms,
            inst_tier,
            crews,
            groups,
        })
    }
}

// ------------------------------------------------------------------ the state

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
struct Inst {
    up: bool,
    latent: bool,
    in_repair: bool,
    unplanned: u8,
    planned: u8,
    /// Active-passive slot served, or NONE.
    role: u16,
    /// Active-active failover: 0 none/removed, 1 detecting, 2 stuck.
    aa: u8,
}

impl std::hash::Hash for Inst {
    /// One word per instance: hashing the state index is the builder's hot path.
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(
            self.up as u64
                | (self.latent as u64) << 1
                | (self.in_repair as u64) << 2
                | (self.unplanned as u64) << 8
                | (self.planned as u64) << 16
                | (self.role as u64) << 24
                | (self.aa as u64) << 40,
        );
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Phase {
    Serving,
    Detecting,
    Switching,
    Failed,
    WaitRepair,
    FalseSwitch,
    FalseManual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Slot {
    phase: Phase,
    active: u16,
    cand: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
enum DPhase {
    #[default]
    Idle,
    Batch,
    Bake,
    WaitDetect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
struct DepSt {
    phase: DPhase,
    bad: bool,
    detected: bool,
    batch: u16,
    hit_end: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct St {
    dep: Vec<DepSt>,
    /// Maintenance window under way, and the instance it holds (rolling).
    mnt: Vec<Option<u16>>,
    inst: Vec<Inst>,
    dom_down: Vec<bool>,
    ccf: Vec<bool>,
    slots: Vec<Vec<Slot>>,
    queue: Vec<u16>,
}

/// Random decisions of one transition, explored exhaustively: each call to
/// [`Tape::coin`] beyond the replayed prefix takes the first possible branch and
/// records the other for a later replay.
struct Tape {
    prefix: Vec<bool>,
    taken: Vec<bool>,
    prob: f64,
    pending: Vec<Vec<bool>>,
}

impl Tape {
    fn coin(&mut self, p: f64) -> bool {
        let pos = self.taken.len();
        let c = if pos < self.prefix.len() {
            self.prefix[pos]
        } else {
            let c = p > 0.0;
            let other_possible = if c { p < 1.0 } else { p > 0.0 };
            if other_possible {
                let mut alt = self.taken.clone();
                alt.push(!c);
                self.pending.push(alt);
            }
            c
        };
        self.taken.push(c);
        self.prob *= if c { p } else { 1.0 - p };
        c
    }
}

/// The transition rules (a port of engine::timeline without clocks).
struct Step<'a> {
    m: &'a Model,
    s: St,
    tape: &'a mut Tape,
}

impl Step<'_> {
    fn available(&self, i: usize) -> bool {
        let x = &self.s.inst[i];
        x.up && x.unplanned == 0 && x.planned == 0
    }

    fn request_repair(&mut self, i: usize) {
        if let Some(c) = self.m.crews {
            let busy = self.s.inst.iter().filter(|x| x.in_repair).count();
            if busy >= c {
                self.s.queue.push(i as u16);
                return;
            }
        }
        self.s.inst[i].in_repair = true;
    }

    fn proc_event(&mut self, i: usize) {
        let ti = self.m.inst_tier[i];
        if self.s.inst[i].up {
            let was = self.available(i);
            self.s.inst[i].up = false;
            let t = &self.m.tiers[ti];
            if t.ap && !t.monitoring && self.s.inst[i].role == NONE {
                self.s.inst[i].latent = true;
            } else {
                self.request_repair(i);
            }
            if was {
                self.lost(i, false);
            }
        } else {
            self.s.inst[i].in_repair = false;
            if self.m.crews.is_some() && !self.s.queue.is_empty() {
                let j = self.s.queue.remove(0) as usize;
                self.request_repair(j);
            }
            self.s.inst[i].up = true;
            self.s.inst[i].latent = false;
            if self.available(i) {
                self.gained(i);
            }
        }
    }

    fn add_hold(&mut self, i: usize, planned: bool) {
        let was = self.available(i);
        if planned {
            self.s.inst[i].planned += 1;
        } else {
            self.s.inst[i].unplanned += 1;
        }
        if was {
            self.lost(i, planned);
        }
    }

    fn remove_hold(&mut self, i: usize, planned: bool) {
        if planned {
            self.s.inst[i].planned -= 1;
        } else {
            self.s.inst[i].unplanned -= 1;
        }
        if self.available(i) {
            self.gained(i);
        }
    }

    fn lost(&mut self, i: usize, planned: bool) {
        let ti = self.m.inst_tier[i];
        let t = &self.m.tiers[ti];
        if t.ap {
            self.ap_lost(ti, i, planned);
        } else if t.failover_logic && !planned {
            if t.detection == Time::Zero {
                self.aa_decide(ti, i);
            } else {
                self.s.inst[i].aa = 1;
            }
        }
    }

    fn gained(&mut self, i: usize) {
        let ti = self.m.inst_tier[i];
        let t = &self.m.tiers[ti];
        if t.ap {
            self.ap_gained(ti, i);
        } else if t.failover_logic {
            self.s.inst[i].aa = 0;
        }
    }

    fn aa_decide(&mut self, ti: usize, i: usize) {
        let t = &self.m.tiers[ti];
        if self.tape.coin(t.coverage) {
            self.s.inst[i].aa = 0;
        } else {
            self.s.inst[i].aa = 2;
            if t.manual == Some(Time::Zero) {
                self.s.inst[i].aa = 0;
            }
        }
    }

    fn aa_timer(&mut self, i: usize) {
        let ti = self.m.inst_tier[i];
        match self.s.inst[i].aa {
            1 => self.aa_decide(ti, i),
            _ => self.s.inst[i].aa = 0,
        }
    }

    // active-passive

    fn find_standby(&self, ti: usize) -> Option<usize> {
        let t = &self.m.tiers[ti];
        (t.first..t.first + t.n).find(|&j| {
            let x = &self.s.inst[j];
            x.role == NONE
                && !self.s.slots[ti].iter().any(|sl| sl.cand == j as u16)
                && (self.available(j) || (x.latent && x.unplanned == 0 && x.planned == 0))
        })
    }

    fn take_standby(&mut self, ti: usize) -> Option<usize> {
        while let Some(b) = self.find_standby(ti) {
            if self.available(b) {
                return Some(b);
            }
            self.s.inst[b].latent = false;
            self.request_repair(b);
        }
        None
    }

    fn ap_lost(&mut self, ti: usize, i: usize, planned: bool) {
        let role = self.s.inst[i].role;
        if role != NONE {
            let s = role as usize;
            match self.s.slots[ti][s].phase {
                Phase::Serving | Phase::FalseManual => self.start_failover_as(ti, s, planned),
                Phase::FalseSwitch => self.s.slots[ti][s].phase = Phase::Switching,
                _ => {}
            }
        } else {
            for s in 0..self.s.slots[ti].len() {
                if self.s.slots[ti][s].cand == i as u16 {
                    self.s.slots[ti][s].cand = NONE;
                    match self.s.slots[ti][s].phase {
                        Phase::Switching => self.start_failover(ti, s),
                        Phase::FalseSwitch => self.s.slots[ti][s].phase = Phase::Serving,
                        _ => {}
                    }
                }
            }
        }
    }

    fn start_failover(&mut self, ti: usize, s: usize) {
        self.start_failover_as(ti, s, false);
    }

    fn start_failover_as(&mut self, ti: usize, s: usize, planned: bool) {
        self.s.slots[ti][s].cand = NONE;
        if planned {
            // A drained active hands over gracefully: no detection, no coin.
            self.promote_attempt(ti, s);
            return;
        }
        if self.find_standby(ti).is_none() {
            self.s.slots[ti][s].phase = Phase::WaitRepair;
            return;
        }
        if self.m.tiers[ti].detection == Time::Zero {
            self.detection_end(ti, s);
        } else {
            self.s.slots[ti][s].phase = Phase::Detecting;
        }
    }

    fn detection_end(&mut self, ti: usize, s: usize) {
        let t = &self.m.tiers[ti];
        if self.tape.coin(t.coverage) {
            self.promote_attempt(ti, s);
        } else {
            self.s.slots[ti][s].phase = Phase::Failed;
            if t.manual == Some(Time::Zero) {
                self.ap_timer(ti, s);
            }
        }
    }

    fn promote_attempt(&mut self, ti: usize, s: usize) {
        match self.take_standby(ti) {
            None => self.s.slots[ti][s].phase = Phase::WaitRepair,
            Some(b) => {
                self.s.slots[ti][s].cand = b as u16;
                self.s.slots[ti][s].phase = Phase::Switching;
                if self.m.tiers[ti].switchover == Time::Zero {
                    self.swap_active(ti, s, b);
                }
            }
        }
    }

    fn swap_active(&mut self, ti: usize, s: usize, b: usize) {
        let old = self.s.slots[ti][s].active as usize;
        self.s.inst[old].role = NONE;
        self.s.inst[b].role = s as u16;
        self.s.slots[ti][s] = Slot {
            phase: Phase::Serving,
            active: b as u16,
            cand: NONE,
        };
    }

    fn ap_timer(&mut self, ti: usize, s: usize) {
        match self.s.slots[ti][s].phase {
            Phase::Detecting => self.detection_end(ti, s),
            Phase::Switching | Phase::FalseSwitch => {
                let b = self.s.slots[ti][s].cand as usize;
                self.swap_active(ti, s, b);
            }
            Phase::Failed => match self.take_standby(ti) {
                Some(b) => self.swap_active(ti, s, b),
                None => self.s.slots[ti][s].phase = Phase::WaitRepair,
            },
            Phase::FalseManual => {
                self.s.slots[ti][s].phase = Phase::Serving;
                let a = self.s.slots[ti][s].active as usize;
                if !self.available(a) {
                    self.start_failover(ti, s);
                }
            }
            Phase::Serving | Phase::WaitRepair => {}
        }
    }

    fn ap_gained(&mut self, ti: usize, i: usize) {
        let role = self.s.inst[i].role;
        if role != NONE {
            let s = role as usize;
            if matches!(
                self.s.slots[ti][s].phase,
                Phase::Detecting | Phase::Switching | Phase::Failed | Phase::WaitRepair
            ) {
                self.s.slots[ti][s].cand = NONE;
                self.s.slots[ti][s].phase = Phase::Serving;
            }
        } else if let Some(s) = (0..self.s.slots[ti].len())
            .find(|&s| matches!(self.s.slots[ti][s].phase, Phase::WaitRepair | Phase::Failed))
        {
            self.swap_active(ti, s, i);
        }
    }

    fn false_alarm(&mut self, ti: usize, s: usize) {
        let active = self.s.slots[ti][s].active as usize;
        if self.s.slots[ti][s].phase != Phase::Serving || !self.available(active) {
            return;
        }
        if self.find_standby(ti).is_none() {
            return;
        }
        let t = &self.m.tiers[ti];
        if self.tape.coin(t.coverage) {
            if let Some(b) = self.take_standby(ti) {
                self.s.slots[ti][s].cand = b as u16;
                self.s.slots[ti][s].phase = Phase::FalseSwitch;
                if t.switchover == Time::Zero {
                    self.swap_active(ti, s, b);
                }
            }
        } else {
            self.s.slots[ti][s].phase = Phase::FalseManual;
            if matches!(t.false_manual, None | Some(Time::Zero)) {
                self.ap_timer(ti, s);
            }
        }
    }

    fn domain_event(&mut self, d: usize) {
        let members = self.m.doms[d].members.clone();
        if !self.s.dom_down[d] {
            self.s.dom_down[d] = true;
            for i in members {
                self.add_hold(i, false);
            }
        } else {
            self.s.dom_down[d] = false;
            for i in members {
                self.remove_hold(i, false);
            }
        }
    }

    fn ccf_event(&mut self, ti: usize) {
        let (a, n) = (self.m.tiers[ti].first, self.m.tiers[ti].n);
        if !self.s.ccf[ti] {
            self.s.ccf[ti] = true;
            for i in a..a + n {
                self.add_hold(i, false);
            }
        } else {
            self.s.ccf[ti] = false;
            for i in a..a + n {
                self.remove_hold(i, false);
            }
        }
    }

    // deploys and maintenance

    fn start_batch(&mut self, di: usize) {
        let d = &self.m.deps[di];
        let st = self.s.dep[di];
        let (a, b) = d.batches[st.batch as usize];
        if st.bad || d.step != Time::Zero {
            for k in a..b {
                let i = self.m.deps[di].targets[k];
                self.add_hold(i, !st.bad);
            }
        }
        if st.bad {
            self.s.dep[di].hit_end = b as u16;
        }
        self.s.dep[di].phase = DPhase::Batch;
        if self.m.deps[di].step == Time::Zero {
            self.deploy_progress(di);
        }
    }

    /// The deploy's progress timer: an arrival (idle), a batch done, a bake done.
    fn deploy_progress(&mut self, di: usize) {
        let d = &self.m.deps[di];
        match self.s.dep[di].phase {
            DPhase::Idle => {
                let bad = self.tape.coin(d.bad_p);
                self.s.dep[di] = DepSt {
                    phase: DPhase::Batch,
                    bad,
                    ..DepSt::default()
                };
                let detect_now = bad && self.m.deps[di].detect == Time::Zero;
                if self.m.deps[di].batches.is_empty() {
                    self.batches_done(di);
                } else {
                    self.start_batch(di);
                }
                if detect_now && self.s.dep[di].bad && !self.s.dep[di].detected {
                    self.deploy_detect(di);
                }
            }
            DPhase::Batch => {
                let st = self.s.dep[di];
                if !st.bad && d.step != Time::Zero {
                    let (a, b) = d.batches[st.batch as usize];
                    for k in a..b {
                        let i = self.m.deps[di].targets[k];
                        self.remove_hold(i, true);
                    }
                }
                let d = &self.m.deps[di];
                let nb = st.batch as usize + 1;
                if st.batch == 0 && d.bake.is_some() && nb < d.batches.len() {
                    self.s.dep[di].phase = DPhase::Bake;
                    if d.bake == Some(Time::Zero) {
                        self.deploy_progress(di);
                    }
                } else if nb < d.batches.len() {
                    self.s.dep[di].batch = nb as u16;
                    self.start_batch(di);
                } else {
                    self.batches_done(di);
                }
            }
            DPhase::Bake => {
                self.s.dep[di].batch += 1;
                self.start_batch(di);
            }
            DPhase::WaitDetect => {}
        }
    }

    fn batches_done(&mut self, di: usize) {
        if self.s.dep[di].bad {
            self.s.dep[di].phase = DPhase::WaitDetect;
        } else {
            self.s.dep[di] = DepSt::default();
        }
    }

    fn deploy_detect(&mut self, di: usize) {
        if !self.s.dep[di].detected {
            self.s.dep[di].detected = true;
            self.s.dep[di].phase = DPhase::WaitDetect;
            if self.m.deps[di].rollback == Time::Zero {
                self.deploy_detect(di);
            }
        } else {
            for k in 0..self.s.dep[di].hit_end as usize {
                let i = self.m.deps[di].targets[k];
                self.remove_hold(i, false);
            }
            self.s.dep[di] = DepSt::default();
        }
    }

    fn maint_event(&mut self, mi: usize) {
        let m = &self.m.mnts[mi];
        if m.targets.is_empty() {
            return;
        }
        match self.s.mnt[mi] {
            None => {
                self.s.mnt[mi] = Some(0);
                if m.rolling {
                    let i = m.targets[0];
                    self.add_hold(i, true);
                } else {
                    for k in 0..self.m.mnts[mi].targets.len() {
                        let i = self.m.mnts[mi].targets[k];
                        self.add_hold(i, true);
                    }
                }
            }
            Some(idx) if m.rolling && (idx as usize + 1) < m.targets.len() => {
                let (a, b) = (m.targets[idx as usize], m.targets[idx as usize + 1]);
                self.remove_hold(a, true);
                self.s.mnt[mi] = Some(idx + 1);
                self.add_hold(b, true);
            }
            Some(idx) => {
                if m.rolling {
                    let i = m.targets[idx as usize];
                    self.remove_hold(i, true);
                } else {
                    for k in 0..self.m.mnts[mi].targets.len() {
                        let i = self.m.mnts[mi].targets[k];
                        self.remove_hold(i, true);
                    }
                }
                self.s.mnt[mi] = None;
            }
        }
    }
}

/// One exponential event of a state.
#[derive(Clone, Copy, Debug)]
enum Ev {
    Proc(usize),
    AaTimer(usize),
    ApTimer(usize, usize),
    FalseAlarm(usize, usize),
    Domain(usize),
    Ccf(usize),
    Deploy(usize),
    DeployDetect(usize),
    Maint(usize),
}

fn tier_avail(m: &Model, s: &St, ti: usize) -> usize {
    let t = &m.tiers[ti];
    (t.first..t.first + t.n)
        .filter(|&i| s.inst[i].up && s.inst[i].unplanned == 0 && s.inst[i].planned == 0)
        .count()
}

fn speed(m: &Model, s: &St, i: usize) -> f64 {
    let ti = m.inst_tier[i];
    let t = &m.tiers[ti];
    let mut v = t.base_speed;
    if t.ap && s.inst[i].role == NONE {
        v *= t.standby_factor;
    }
    if let Some(mult) = t.overload {
        if (tier_avail(m, s, ti) as f64) < t.load {
            v *= mult;
        }
    }
    v
}

fn events(m: &Model, s: &St) -> Vec<(Ev, f64)> {
    let mut out = Vec::new();
    for (i, x) in s.inst.iter().enumerate() {
        let t = &m.tiers[m.inst_tier[i]];
        if x.up {
            if let Some(l) = t.lam {
                let r = l * speed(m, s, i);
                if r > 0.0 {
                    out.push((Ev::Proc(i), r));
                }
            }
        } else if x.in_repair {
            out.push((Ev::Proc(i), t.mu));
        }
        match x.aa {
            1 => {
                if let Time::Rate(r) = t.detection {
                    out.push((Ev::AaTimer(i), r));
                }
            }
            2 => {
                if let Some(Time::Rate(r)) = t.manual {
                    out.push((Ev::AaTimer(i), r));
                }
            }
            _ => {}
        }
    }
    for (ti, t) in m.tiers.iter().enumerate() {
        for (j, sl) in s.slots[ti].iter().enumerate() {
            let r = match sl.phase {
                Phase::Detecting => Some(t.detection),
                Phase::Switching | Phase::FalseSwitch => Some(t.switchover),
                Phase::Failed => t.manual,
                Phase::FalseManual => t.false_manual,
                Phase::Serving | Phase::WaitRepair => None,
            };
            if let Some(Time::Rate(r)) = r {
                out.push((Ev::ApTimer(ti, j), r));
            }
            if let Some(fa) = t.false_alarm {
                out.push((Ev::FalseAlarm(ti, j), fa));
            }
        }
        if let Some((a, r)) = t.ccf {
            out.push((Ev::Ccf(ti), if s.ccf[ti] { r } else { a }));
        }
    }
    for (d, dm) in m.doms.iter().enumerate() {
        if let Some((f, r)) = dm.rates {
            out.push((Ev::Domain(d), if s.dom_down[d] { r } else { f }));
        }
    }
    for (k, d) in m.deps.iter().enumerate() {
        let st = &s.dep[k];
        let progress = match st.phase {
            DPhase::Idle => Some(Time::Rate(d.rate)),
            DPhase::Batch => Some(d.step),
            DPhase::Bake => d.bake,
            DPhase::WaitDetect => None,
        };
        if let Some(Time::Rate(r)) = progress {
            out.push((Ev::Deploy(k), r));
        }
        if st.bad {
            let t = if st.detected { d.rollback } else { d.detect };
            if let Time::Rate(r) = t {
                out.push((Ev::DeployDetect(k), r));
            }
        }
    }
    for (k, mm) in m.mnts.iter().enumerate() {
        let r = if s.mnt[k].is_some() {
            mm.duration
        } else {
            mm.rate
        };
        out.push((Ev::Maint(k), r));
    }
    out
}

/// Every outcome of event `ev` in state `s`, with its probability.
fn outcomes(m: &Model, s: &St, ev: Ev) -> Vec<(f64, St)> {
    let mut out = Vec::new();
    let mut todo = vec![Vec::new()];
    while let Some(prefix) = todo.pop() {
        let mut tape = Tape {
            prefix,
            taken: Vec::new(),
            prob: 1.0,
            pending: Vec::new(),
        };
        let mut st = Step {
            m,
            s: s.clone(),
            tape: &mut tape,
        };
        match ev {
            Ev::Proc(i) => st.proc_event(i),
            Ev::AaTimer(i) => st.aa_timer(i),
            Ev::ApTimer(ti, j) => st.ap_timer(ti, j),
            Ev::FalseAlarm(ti, j) => st.false_alarm(ti, j),
            Ev::Domain(d) => st.domain_event(d),
            Ev::Ccf(ti) => st.ccf_event(ti),
            Ev::Deploy(k) => st.deploy_progress(k),
            Ev::DeployDetect(k) => st.deploy_detect(k),
            Ev::Maint(k) => st.maint_event(k),
        }
        let next = st.s;
        todo.extend(tape.pending.drain(..));
        if tape.prob > 0.0 {
            out.push((tape.prob, next));
        }
    }
    out
}

fn service_up(m: &Model, s: &St) -> bool {
    m.tiers.iter().enumerate().all(|(ti, t)| {
        if t.ap {
            s.slots[ti].iter().all(|sl| sl.phase == Phase::Serving)
        } else {
            let dead = (t.first..t.first + t.n)
                .filter(|&i| s.inst[i].aa != 0)
                .count();
            tier_avail(m, s, ti) >= t.k && (t.retries || dead == 0)
        }
    })
}

fn level(s: &St) -> u32 {
    (s.inst.iter().filter(|x| !x.up).count()
        + s.dom_down.iter().filter(|&&d| d).count()
        + s.ccf.iter().filter(|&&c| c).count()
        + s.dep.iter().filter(|d| d.hit_end > 0).count()
        + s.mnt.iter().filter(|m| m.is_some()).count()) as u32
}

/// Relabels exchangeable instances so that equal situations share one state:
/// within each group, instances are ordered by (state, place in the repair queue).
fn canonical(m: &Model, mut s: St) -> St {
    if m.groups.is_empty() {
        return s;
    }
    if s.queue.is_empty() {
        // No queue to relabel: sorting each group's states is enough.
        for g in &m.groups {
            if g.windows(2).all(|w| s.inst[w[0]] <= s.inst[w[1]]) {
                continue;
            }
            let mut v: Vec<Inst> = g.iter().map(|&i| s.inst[i]).collect();
            v.sort();
            for (k, &i) in g.iter().enumerate() {
                s.inst[i] = v[k];
            }
        }
        return s;
    }
    let mut qpos = vec![usize::MAX; s.inst.len()];
    for (p, &i) in s.queue.iter().enumerate() {
        qpos[i as usize] = p;
    }
    let mut relabel: Vec<u16> = (0..s.inst.len() as u16).collect();
    let mut changed = false;
    for g in &m.groups {
        if g.windows(2)
            .all(|w| (s.inst[w[0]], qpos[w[0]]) <= (s.inst[w[1]], qpos[w[1]]))
        {
            continue;
        }
        let mut order: Vec<usize> = g.clone();
        order.sort_by_key(|&i| (s.inst[i], qpos[i]));
        let old: Vec<Inst> = g.iter().map(|&i| s.inst[i]).collect();
        for (slot, &from) in g.iter().zip(&order) {
            if *slot != from {
                changed = true;
            }
            relabel[from] = *slot as u16;
        }
        for (k, &from) in order.iter().enumerate() {
            s.inst[g[k]] = old[g.iter().position(|&x| x == from).expect("member")];
        }
    }
    if changed {
        for q in s.queue.iter_mut() {
            *q = relabel[*q as usize];
        }
    }
    s
}

fn initial(m: &Model) -> St {
    let mut inst = Vec::new();
    for t in &m.tiers {
        for j in 0..t.n {
            inst.push(Inst {
                up: true,
                role: if t.ap && j < t.k { j as u16 } else { NONE },
                ..Inst::default()
            });
        }
    }
    St {
        dep: vec![DepSt::default(); m.deps.len()],
        mnt: vec![None; m.mnts.len()],
        inst,
        dom_down: vec![false; m.doms.len()],
        ccf: vec![false; m.tiers.len()],
        slots: m
            .tiers
            .iter()
            .map(|t| {
                if t.ap {
                    (0..t.k)
                        .map(|j| Slot {
                            phase: Phase::Serving,
                            active: (t.first + j) as u16,
                            cand: NONE,
                        })
                        .collect()
                } else {
                    Vec::new()
                }
            })
            .collect(),
        queue: Vec::new(),
    }
}

/// A rough count of the joint states, to refuse absurd models before exploring.
fn upper_bound(m: &Model) -> f64 {
    let mut b = 1.0f64;
    for d in &m.doms {
        if d.rates.is_some() {
            b *= 2.0;
        }
    }
    for t in &m.tiers {
        if t.ccf.is_some() {
            b *= 2.0;
        }
        let per = if t.failover_logic { 4.0 } else { 2.0 };
        b *= (per as f64).powi(t.n.min(64) as i32);
    }
    b
}

/// Builds the chain of `s`, or says why it cannot.
pub fn build(s: &Scenario) -> Result<Built, String> {
    let m = Model::new(s)?;
    if m.inst_tier.len() > 4096 {
        return Err(format!(
            "{} instances is too many for the exact Markov model",
            m.inst_tier.len()
        ));
    }
    if m.groups.is_empty() && upper_bound(&m) > 1e12 {
        return Err(format!(
            "the exact Markov model would have up to {:.1e} states (limit {MAX_STATES})",
            upper_bound(&m)
        ));
    }
    let start = canonical(&m, initial(&m));
    let mut index: FastMap<St, usize> = FastMap::default();
    let mut states = vec![start.clone()];
    index.insert(start, 0);
    let mut trans = Vec::new();
    let mut k = 0;
    while k < states.len() {
        let s = states[k].clone();
        for (ev, r) in events(&m, &s) {
            for (p, next) in outcomes(&m, &s, ev) {
                let next = canonical(&m, next);
                let j = match index.get(&next) {
                    Some(&j) => j,
                    None => {
                        if states.len() >= MAX_STATES {
                            return Err(format!(
                                "the exact Markov model has more than {MAX_STATES} states"
                            ));
                        }
                        states.push(next.clone());
                        index.insert(next, states.len() - 1);
                        states.len() - 1
                    }
                };
                trans.push((k, j, r * p));
            }
        }
        k += 1;
    }
    let up = states.iter().map(|s| service_up(&m, s)).collect();
    let level = states.iter().map(level).collect();
    Ok(Built {
        chain: Chain::new(states.len(), 0, up, trans),
        level,
        horizon_h: s.simulation.horizon / HOUR,
    })
}

/// Solves the chain of `s`: steady state, MTTF, and the horizon figures.
pub fn solve(s: &Scenario) -> Result<Exact, String> {
    let t0 = std::time::Instant::now();
    let b = build(s)?;
    let c = &b.chain;
    let pi = ctmc::steady_state(c)?;
    let (a, f) = ctmc::steady_measures(c, &pi);
    let mttf = ctmc::mttf(c)?;
    let down: Vec<f64> = c.up.iter().map(|&u| if u { 0.0 } else { 1.0 }).collect();
    let h = b.horizon_h;
    let ints = ctmc::horizon_integrals(c, &pi, h, &[down, c.rate_to_down()])?;
    let p = ctmc::p_outage_within(c, h);
    let year_h = YEAR / HOUR;
    Ok(Exact {
        states: c.n,
        availability: a,
        outages_per_year: f * year_h,
        mttf_h: mttf,
        mdt_h: if f > 0.0 { (1.0 - a) / f } else { 0.0 },
        availability_horizon: 1.0 - ints[0] / h,
        outages_horizon: ints[1],
        p_outage_within_horizon: p,
        solve_ms: t0.elapsed().as_secs_f64() * 1e3,
    })
}

/// P(no outage by t) from all-up at each time (hours).
pub fn survival_curve(b: &Built, times_h: &[f64]) -> Vec<f64> {
    ctmc::survival(&b.chain, times_h)
}

/// The exact chain as a prediction beside a run.
pub fn prediction(s: &Scenario) -> Result<Prediction, String> {
    let e = solve(s)?;
    let b = build(s)?;
    let times: Vec<f64> = (0..=50).map(|k| b.horizon_h * k as f64 / 50.0).collect();
    let survival = times
        .iter()
        .copied()
        .zip(survival_curve(&b, &times))
        .collect();
    let years = s.simulation.horizon / YEAR;
    Ok(Prediction {
        model: "Markov chain (CTMC)".into(),
        availability: e.availability_horizon,
        exact: true,
        horizon: true,
        outages_per_year: Some(e.outages_horizon / years),
        p_outage_within_horizon: Some(e.p_outage_within_horizon),
        mttf_h: Some(e.mttf_h),
        median_first_outage_h: None,
        survival,
        assumption: String::new(),
    })
}

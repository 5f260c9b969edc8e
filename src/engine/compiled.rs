//! The scenario resolved for simulation: samplers built, instances numbered,
//! domain membership and deploy batches precomputed, event slots laid out, cause
//! names interned. Built once per run; read-only while timelines run.

use super::sampler::Sampler;
use crate::model::{Mode, Scenario, Standby, Strategy};

pub const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotKind {
    /// Instance process: next failure or repair completion.
    Proc(u32),
    /// Active-active failover timer of an instance (detection / manual recovery).
    AaTimer(u32),
    Domain(u32),
    Ccf(u32),
    /// Active-passive slot failover timer: (tier, slot).
    ApTimer(u32, u32),
    FalseAlarm(u32, u32),
    Deploy(u32),
    DeployDetect(u32),
    Maint(u32),
}

pub struct TierC {
    pub first: u32,
    pub n: u32,
    pub k: u32,
    pub load: f64,
    pub active_passive: bool,
    pub fail: Option<Sampler>,
    pub repair: Option<Sampler>,
    /// Ageing speed of an active instance: 1 - beta (beta-factor) or 1.
    pub base_speed: f64,
    /// Standby ageing as a fraction of `base_speed`.
    pub standby_factor: f64,
    pub overload_mult: Option<f64>,
    /// Whether losses go through detection/coverage (false: plain k-of-n).
    pub failover_logic: bool,
    pub detection: Sampler,
    pub coverage: f64,
    pub switchover: Sampler,
    pub manual: Option<Sampler>,
    pub false_manual: Option<Sampler>,
    pub retries: bool,
    pub monitoring: bool,
    pub lag: Option<Sampler>,
    pub false_alarm: Option<Sampler>,
    pub ccf: Option<(Sampler, Sampler)>,
    /// Slot indices.
    pub ccf_slot: u32,
    pub ap_slot0: u32,
    pub fa_slot0: u32,
    pub aa_slot0: u32,
    pub cause_fail: u16,
    pub cause_ccf: u16,
    pub cause_detect: u16,
    pub cause_switch: u16,
    pub cause_failed: u16,
    pub cause_latent: u16,
    pub cause_false: u16,
}

pub struct DomainC {
    pub fail: Option<Sampler>,
    pub repair: Option<Sampler>,
    /// Every instance below this domain (any depth).
    pub members: Vec<u32>,
    pub slot: u32,
    pub cause: u16,
}

pub struct DeployC {
    pub every: Sampler,
    pub fixed: bool,
    pub bad_p: f64,
    pub step: Sampler,
    pub detect: Sampler,
    pub rollback: Sampler,
    /// Instances in deploy order, cut into batches: `batches[b]` = range into `targets`.
    pub targets: Vec<u32>,
    pub batches: Vec<(u32, u32)>,
    /// Wait after batch 0 (canary bake).
    pub bake: Option<Sampler>,
    pub slot: u32,
    pub detect_slot: u32,
    pub cause_bad: u16,
    pub cause_good: u16,
}

pub struct MaintC {
    pub every: Sampler,
    pub fixed: bool,
    pub duration: Sampler,
    pub rolling: bool,
    pub targets: Vec<u32>,
    pub slot: u32,
    pub cause: u16,
}

pub struct Compiled {
    pub horizon: f64,
    pub n_inst: usize,
    pub inst_tier: Vec<u32>,
    /// Domains each instance sits under (innermost first), for the initial hold count.
    pub tiers: Vec<TierC>,
    pub domains: Vec<DomainC>,
    pub deploys: Vec<DeployC>,
    pub maint: Vec<MaintC>,
    pub crews: Option<u32>,
    pub slots: Vec<SlotKind>,
    pub causes: Vec<String>,
}

impl Compiled {
    pub fn new(s: &Scenario) -> Compiled {
        let mut causes: Vec<String> = Vec::new();
        let mut cause = |name: String| -> u16 {
            if let Some(i) = causes.iter().position(|c| *c == name) {
                i as u16
            } else {
                causes.push(name);
                (causes.len() - 1) as u16
            }
        };
        let n_inst = s.instance_count();
        let mut slots: Vec<SlotKind> = (0..n_inst as u32).map(SlotKind::Proc).collect();
        let mut inst_tier = Vec::with_capacity(n_inst);
        let mut tiers = Vec::new();
        let mut first = 0u32;
        for (ti, t) in s.tiers.iter().enumerate() {
            for _ in 0..t.instances {
                inst_tier.push(ti as u32);
            }
            let f = &t.failover;
            let ap = t.mode == Mode::ActivePassive;
            let failover_logic = ap || !(f.detection.is_zero() && f.coverage >= 1.0);
            let beta = t.common_cause.as_ref().and_then(|c| c.beta).unwrap_or(0.0);
            let standby_factor = if ap {
                match f.standby {
                    Standby::Hot => 1.0,
                    Standby::Warm => f.warm_factor,
                    Standby::Cold => 0.0,
                }
            } else {
                1.0
            };
            let mut tc = TierC {
                first,
                n: t.instances,
                k: t.required,
                load: t.effective_load(),
                active_passive: ap,
                fail: t.failure.as_ref().map(Sampler::new),
                repair: t.repair.as_ref().map(Sampler::new),
                base_speed: 1.0 - beta,
                standby_factor,
                overload_mult: t.overload_multiplier,
                failover_logic,
                detection: Sampler::new(&f.detection),
                coverage: f.coverage,
                switchover: Sampler::new(&f.switchover),
                manual: f.manual_recovery.as_ref().map(Sampler::new),
                false_manual: f
                    .manual_recovery
                    .as_ref()
                    .or(t.repair.as_ref())
                    .map(Sampler::new),
                retries: f.retries,
                monitoring: f.standby_monitoring,
                lag: f.replication_lag.as_ref().map(Sampler::new),
                false_alarm: if ap {
                    f.false_alarm.as_ref().map(Sampler::new)
                } else {
                    None
                },
                ccf: t
                    .common_cause
                    .as_ref()
                    .map(|c| (Sampler::new(&c.every), Sampler::new(&c.repair))),
                ccf_slot: NONE,
                ap_slot0: NONE,
                fa_slot0: NONE,
                aa_slot0: NONE,
                cause_fail: cause(format!("instance failure ({})", t.name)),
                cause_ccf: 0,
                cause_detect: 0,
                cause_switch: 0,
                cause_failed: 0,
                cause_latent: 0,
                cause_false: 0,
            };
            if tc.ccf.is_some() {
                tc.cause_ccf = cause(format!("common cause ({})", t.name));
                tc.ccf_slot = slots.len() as u32;
                slots.push(SlotKind::Ccf(ti as u32));
            }
            if failover_logic {
                tc.cause_detect = cause(format!("failover detection ({})", t.name));
                tc.cause_failed = cause(format!("failed failover ({})", t.name));
                if ap {
                    tc.cause_switch = cause(format!("switchover ({})", t.name));
                    tc.cause_latent = cause(format!("latent standby failure ({})", t.name));
                    tc.cause_false = cause(format!("false alarm ({})", t.name));
                    tc.ap_slot0 = slots.len() as u32;
                    for j in 0..t.required {
                        slots.push(SlotKind::ApTimer(ti as u32, j));
                    }
                    if tc.false_alarm.is_some() {
                        tc.fa_slot0 = slots.len() as u32;
                        for j in 0..t.required {
                            slots.push(SlotKind::FalseAlarm(ti as u32, j));
                        }
                    }
                } else {
                    tc.aa_slot0 = slots.len() as u32;
                    for i in 0..t.instances {
                        slots.push(SlotKind::AaTimer(first + i));
                    }
                }
            }
            tiers.push(tc);
            first += t.instances;
        }

        // Domains: members are every instance whose placement path includes it.
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); s.domains.len()];
        let mut idx = 0u32;
        for t in &s.tiers {
            for p in &t.placement {
                if let Some(d) = p {
                    for a in s.domain_path(*d) {
                        members[a].push(idx);
                    }
                }
                idx += 1;
            }
        }
        let mut domains = Vec::new();
        for (di, d) in s.domains.iter().enumerate() {
            let lvl = &s.levels[d.level];
            let fail = lvl.failure.as_ref().map(Sampler::new);
            let slot = if fail.is_some() {
                slots.push(SlotKind::Domain(di as u32));
                (slots.len() - 1) as u32
            } else {
                NONE
            };
            domains.push(DomainC {
                fail,
                slot,
                repair: lvl.repair.as_ref().map(Sampler::new),
                members: std::mem::take(&mut members[di]),
                cause: cause(format!("{} failure", lvl.name)),
            });
        }

        let tier_targets = |ts: &[usize]| -> Vec<u32> {
            let mut v = Vec::new();
            for &t in ts {
                let tc: &TierC = &tiers[t];
                v.extend(tc.first..tc.first + tc.n);
            }
            v
        };
        let mut deploys = Vec::new();
        for (di, d) in s.deploys.iter().enumerate() {
            let targets = tier_targets(&d.tiers);
            let n = targets.len() as u32;
            let mut batches = Vec::new();
            let push_batches = |from: u32, size: u32, batches: &mut Vec<(u32, u32)>| {
                let size = size.max(1);
                let mut a = from;
                while a < n {
                    let b = (a + size).min(n);
                    batches.push((a, b));
                    a = b;
                }
            };
            let mut bake = None;
            match &d.strategy {
                Strategy::AllAtOnce => push_batches(0, n, &mut batches),
                Strategy::Rolling { batch } => push_batches(0, *batch, &mut batches),
                Strategy::Canary {
                    canary,
                    bake: bk,
                    batch,
                } => {
                    let c = (*canary).min(n);
                    batches.push((0, c));
                    push_batches(c, batch.unwrap_or(n), &mut batches);
                    bake = Some(Sampler::new(bk));
                }
            }
            let slot = slots.len() as u32;
            slots.push(SlotKind::Deploy(di as u32));
            slots.push(SlotKind::DeployDetect(di as u32));
            deploys.push(DeployC {
                every: Sampler::new(&d.every),
                fixed: matches!(d.every, crate::model::Dist::Fixed(_)),
                bad_p: d.bad_probability,
                step: Sampler::new(&d.step),
                detect: Sampler::new(&d.detect),
                rollback: Sampler::new(&d.rollback),
                targets,
                batches,
                bake,
                slot,
                detect_slot: slot + 1,
                cause_bad: cause("bad deploy".into()),
                cause_good: cause("deploy restart".into()),
            });
        }
        let mut maint = Vec::new();
        for (mi, m) in s.maintenance.iter().enumerate() {
            let slot = slots.len() as u32;
            slots.push(SlotKind::Maint(mi as u32));
            maint.push(MaintC {
                every: Sampler::new(&m.every),
                fixed: matches!(m.every, crate::model::Dist::Fixed(_)),
                duration: Sampler::new(&m.duration),
                rolling: m.rolling,
                targets: tier_targets(&m.tiers),
                slot,
                cause: cause("maintenance".into()),
            });
        }
        Compiled {
            horizon: s.simulation.horizon,
            n_inst,
            inst_tier,
            tiers,
            domains,
            deploys,
            maint,
            crews: s.simulation.repair_crews,
            slots,
            causes,
        }
    }
}

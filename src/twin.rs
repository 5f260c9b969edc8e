//! The independent twin of a scenario (OUTPUT.md, `outage compare`).
//!
//! Every correlated cause becomes an independent per-instance process with the same
//! rate and duration, so each instance keeps (about) the same unavailability and only
//! the correlation is gone:
//! - each domain above an instance becomes a private copy of that domain's failure
//!   process, owned by the instance alone (nested the same way, so the instance is
//!   down while any of its private copies is down);
//! - a tier's common-cause events become, per instance, a private process with the
//!   same time between events and the same repair (the beta form keeps the
//!   independent part at (1 - beta)/MTTF, as in the original);
//! - bad deploys become, per instance, crashes at the bad-deploy rate
//!   (`bad_probability / mean(every)`, exponential) lasting `detect + rollback`; the
//!   deploys themselves stay, now always good, so planned restarts are unchanged.
//!
//! Decisions: `detect + rollback` is represented exactly when both are fixed or one
//! is zero, and otherwise by a gamma distribution with the same mean and variance.
//! Maintenance and failover logic are not correlated causes and are kept as they are.
//! The private copies are ordinary domains (so `check` lists them and the exact
//! Markov chain can solve a twin whose times are exponential).

use crate::model::{CommonCause, Dist, Domain, Level, Scenario};

/// Builds the independent twin of `s`.
pub fn independent_twin(s: &Scenario) -> Scenario {
    let mut t = s.clone();
    t.name = format!("{}-independent", s.name);
    t.levels.clear();
    t.domains.clear();

    // One private level per original level, plus the common-cause and bad-deploy
    // kinds; the private domains of one instance form a chain (parent before child).
    let mut level_of_orig = Vec::new();
    for l in &s.levels {
        level_of_orig.push(t.levels.len());
        t.levels.push(Level {
            name: l.name.clone(),
            parent: None,
            count: 0,
            failure: l.failure.clone(),
            repair: l.repair.clone(),
        });
    }

    // Per tier: the extra per-instance processes it needs, as (level index).
    let mut extra: Vec<Vec<usize>> = vec![Vec::new(); s.tiers.len()];
    for (ti, tier) in s.tiers.iter().enumerate() {
        if let Some(cc) = &tier.common_cause {
            let lvl = t.levels.len();
            t.levels.push(Level {
                name: format!("{} common cause (per instance)", tier.name),
                parent: None,
                count: 0,
                failure: Some(cc.every.clone()),
                repair: Some(cc.repair.clone()),
            });
            extra[ti].push(lvl);
        }
    }
    for d in &s.deploys {
        if d.bad_probability <= 0.0 {
            continue;
        }
        let lvl = t.levels.len();
        t.levels.push(Level {
            name: "bad deploy (per instance)".into(),
            parent: None,
            count: 0,
            failure: Some(Dist::Exponential {
                mean: d.every.mean() / d.bad_probability,
            }),
            repair: Some(sum(&d.detect, &d.rollback)),
        });
        for &ti in &d.tiers {
            extra[ti].push(lvl);
        }
    }
    for d in &mut t.deploys {
        d.bad_probability = 0.0;
    }

    for (ti, tier) in s.tiers.iter().enumerate() {
        let tt = &mut t.tiers[ti];
        if let Some(CommonCause { beta, .. }) = &tier.common_cause {
            if let Some(b) = beta {
                // The original ages at speed 1 - beta; the twin draws at that rate.
                tt.failure = if *b >= 1.0 {
                    None
                } else {
                    tier.failure.as_ref().map(|f| f.scaled(1.0 / (1.0 - b)))
                };
            }
            tt.common_cause = None;
        }
        for (i, p) in tier.placement.iter().enumerate() {
            // Outermost first: the instance's domain path, then its extra processes.
            let mut chain: Vec<usize> = p
                .map(|d| {
                    let mut path = s.domain_path(d);
                    path.reverse();
                    path.into_iter()
                        .map(|a| level_of_orig[s.domains[a].level])
                        .collect()
                })
                .unwrap_or_default();
            chain.extend(&extra[ti]);
            let mut parent = None;
            for lvl in chain {
                let name = format!("{}-{}/{}", tier.name, i + 1, t.levels[lvl].name);
                t.levels[lvl].count += 1;
                t.domains.push(Domain {
                    name,
                    level: lvl,
                    parent,
                });
                parent = Some(t.domains.len() - 1);
            }
            tt.placement[i] = parent;
        }
    }
    // Levels whose processes never fail add nothing; keep them (harmless) so names
    // stay aligned with the original for attribution.
    t
}

/// The duration `a + b` (see the module notes for the representation).
fn sum(a: &Dist, b: &Dist) -> Dist {
    if a.is_zero() {
        return b.clone();
    }
    if b.is_zero() {
        return a.clone();
    }
    let mean = a.mean() + b.mean();
    let var = a.variance() + b.variance();
    if var <= 0.0 {
        Dist::Fixed(mean)
    } else {
        Dist::Gamma {
            shape: mean * mean / var,
            scale: var / mean,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    fn scen(text: &str) -> Scenario {
        load_str("t.toml", text, &[])
            .expect("valid scenario")
            .scenario
    }

    #[test]
    fn zones_become_private_copies() {
        let s = scen(
            r#"
[domains.zone]
count = 3
failure = { mean = "1y" }
repair = { mean = "4h" }
[domains.rack]
parent = "zone"
count = 2
failure = { mean = "5y" }
repair = "2h"
[tiers.web]
instances = 6
required = 4
placement = "rack"
failure = { mean = "1000h" }
repair = { mean = "10h" }
"#,
        );
        let t = independent_twin(&s);
        // every instance has its own zone and rack copy
        assert_eq!(t.domains.len(), 12);
        let mut leaves: Vec<usize> = t.tiers[0].placement.iter().map(|p| p.unwrap()).collect();
        leaves.sort();
        leaves.dedup();
        assert_eq!(leaves.len(), 6, "no two instances share a domain");
        for &leaf in &leaves {
            let path = t.domain_path(leaf);
            assert_eq!(path.len(), 2);
            assert_eq!(t.levels[t.domains[path[0]].level].name, "rack");
            assert_eq!(t.levels[t.domains[path[1]].level].name, "zone");
            assert_eq!(
                t.levels[t.domains[path[1]].level].failure,
                Some(Dist::Exponential {
                    mean: crate::model::YEAR
                })
            );
        }
    }

    #[test]
    fn common_cause_and_bad_deploys_become_per_instance() {
        let s = scen(
            r#"
[tiers.web]
instances = 2
failure = { mean = "1000h" }
repair = { mean = "10h" }
[tiers.web.common_cause]
beta = 0.1
repair = "30m"
[[deploys]]
tiers = ["web"]
every = { mean = "7d" }
bad_probability = 0.05
detect = "10m"
rollback = "5m"
"#,
        );
        let t = independent_twin(&s);
        let tier = &t.tiers[0];
        assert!(tier.common_cause.is_none());
        let f = tier.failure.as_ref().unwrap().mean();
        assert!((f - 1000.0 * 3600.0 / 0.9).abs() < 1e-6);
        assert_eq!(t.deploys[0].bad_probability, 0.0);
        for p in &tier.placement {
            let path = t.domain_path(p.unwrap());
            assert_eq!(path.len(), 2, "common cause + bad deploy per instance");
            let bad = &t.levels[t.domains[path[0]].level];
            assert_eq!(bad.repair, Some(Dist::Fixed(900.0)));
            let m = bad.failure.as_ref().unwrap().mean();
            assert!((m - 7.0 * 86400.0 / 0.05).abs() < 1e-6);
            let cc = &t.levels[t.domains[path[1]].level];
            assert_eq!(cc.repair, Some(Dist::Fixed(1800.0)));
            assert!((cc.failure.as_ref().unwrap().mean() - 1000.0 * 3600.0 / 0.1).abs() < 1e-3);
        }
    }

    #[test]
    fn sum_matches_mean_and_variance() {
        let d = sum(
            &Dist::Exponential { mean: 600.0 },
            &Dist::Exponential { mean: 300.0 },
        );
        assert!((d.mean() - 900.0).abs() < 1e-9);
        assert!((d.variance() - (600.0f64.powi(2) + 300.0f64.powi(2))).abs() < 1e-6);
    }
}

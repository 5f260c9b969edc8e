//! Importance splitting on the engine against exact finite-horizon CTMC values
//! (MODELS.md §11) and against plain Monte Carlo for non-exponential clocks.

use super::examples::bd;
use super::split::{restart, split, RestartConfig, SplitConfig};
use super::*;
use std::sync::atomic::AtomicBool;

fn scenario(text: &str) -> crate::model::Scenario {
    crate::scenario::load_str("s.toml", text, &[])
        .unwrap_or_else(|d| panic!("{d:?}"))
        .scenario
}

fn fixed(seed: u64, effort: usize, reps: u64) -> SplitConfig {
    SplitConfig {
        seed,
        effort,
        replications: reps,
        target_rel_error: None,
        ..SplitConfig::default()
    }
}

fn se(e: &Estimate) -> f64 {
    (e.hi - e.lo) / (2.0 * Z95)
}

const T16: &str = r#"
name = "t16"
[simulation]
horizon = "1y"
[domains.zone]
count = 3
failure = { mean = "8766h" }
repair = { mean = "4h" }
[tiers.web]
instances = 6
required = 3
placement = "zone"
failure = { mean = "1000h" }
repair = { mean = "10h" }
"#;

#[test]
fn zones_t16_matches_exact_horizon_values() {
    // MODELS §11 T16: U over 1y 1.556920e-6, E[outages] 0.006340836, P 0.00629608.
    let s = scenario(T16);
    let e = split(&s, &fixed(11, 400, 24)).unwrap();
    let z = |est: &Estimate, v: f64| (est.mean - v) / se(est);
    eprintln!(
        "T16 split: U {:.4e} ±{:.1}% (z {:.2}), outages z {:.2}, P z {:.2}, levels {}, stages {:?}, \
         eq {:.3e}, {:.2} s",
        e.unavailability.mean,
        100.0 * e.rel_error,
        z(&e.unavailability, 1.556920e-6),
        z(&e.outages, 0.006340836),
        z(&e.p_outage, 0.00629608),
        e.levels,
        e.stage_probs,
        e.equivalent_timelines,
        e.cpu_s
    );
    assert_eq!(e.levels, 4); // 6 available − 3 required = 3 spare losses, then down
    assert!(z(&e.unavailability, 1.556920e-6).abs() < 4.0);
    assert!(z(&e.outages, 0.006340836).abs() < 4.0);
    assert!(z(&e.p_outage, 0.00629608).abs() < 4.0);
    assert!(e.rel_error < 0.5, "{}", e.rel_error);
}

#[test]
fn non_exponential_matches_plain_monte_carlo() {
    // Weibull wear-out failures and lognormal repairs: no CTMC; compare with plain
    // timelines of the same scenario (U ≈ 1e-4, which plain MC resolves).
    let text = "name = \"wl\"\n[simulation]\nhorizon = \"1y\"\ntimelines = 400000\nseed = 2\n\
                [tiers.web]\ninstances = 2\nrequired = 1\n\
                failure = { distribution = \"weibull\", shape = 2.0, mean = \"1000h\" }\n\
                repair = { distribution = \"lognormal\", sigma = 1.0, mean = \"10h\" }\n";
    let s = scenario(text);
    let acc = crate::engine::run(
        &s,
        &crate::engine::RunConfig {
            seed: 2,
            start: 0,
            end: 400_000,
        },
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let plain = crate::stats::summarize(&acc, &s, &crate::engine::cause_names(&s), 1, 0.0);
    let pu = 1.0 - plain.availability.mean;
    let pse = se(&plain.availability);
    let e = split(&s, &fixed(3, 400, 24)).unwrap();
    let d = (e.unavailability.mean - pu) / (pse * pse + e.std_error * e.std_error).sqrt();
    eprintln!(
        "weibull/lognormal: plain U {pu:.4e} ±{:.1}%, split {:.4e} ±{:.1}%, z {d:.2}",
        100.0 * Z95 * pse / pu,
        e.unavailability.mean,
        100.0 * e.rel_error
    );
    assert!(d.abs() < 4.0);
    let po = plain.p_outage_within_horizon;
    let dp = (e.p_outage.mean - po.mean) / (se(&po).powi(2) + se(&e.p_outage).powi(2)).sqrt();
    assert!(dp.abs() < 4.0, "{dp}");
}

#[test]
fn split_independent_of_thread_count() {
    let s = scenario(T16);
    let cfg = fixed(4, 100, 4);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| split(&s, &cfg).unwrap())
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a.unavailability, b.unavailability);
    assert_eq!(a.p_outage, b.p_outage);
    assert_eq!(a.events, b.events);
    assert!(split(&s, &SplitConfig { effort: 0, ..cfg }).is_err());
}

#[test]
fn run_splitting_summary() {
    let s = scenario(T16);
    let r = run_splitting(&s, &fixed(1, 300, 8)).unwrap();
    let info = r.rare.as_ref().unwrap();
    assert!(info.method.contains("splitting"));
    assert!(r.availability.mean < 1.0 && r.availability.mean > 0.99999);
    assert!(r.outages_per_year.mean > 0.0);
    let v: serde_json::Value =
        serde_json::from_str(&crate::report::json(&crate::report::Report::Run(&r))).unwrap();
    let run = if v.get("method").is_some() {
        &v
    } else {
        &v["run"]
    };
    assert_eq!(run["method"], "importance");
    // the dispatcher picks BFB for a Markov chain and splitting otherwise
    let (c, l) = bd(6, 3, 6, 1e-3, 0.1);
    let b = run_rare(&s, Some((&c, &l))).unwrap();
    assert!(b.rare.unwrap().method.contains("balanced"));
}

#[test]
fn restart_t16_zones_exact() {
    let s = scenario(T16);
    let cfg = RestartConfig {
        seed: 9,
        replications: 4000,
        target_rel_error: None,
        ..RestartConfig::default()
    };
    let e = restart(&s, &cfg).unwrap();
    let z = |est: &Estimate, v: f64| (est.mean - v) / se(est);
    eprintln!(
        "T16 RESTART: U {:.4e} ±{:.1}% (z {:.2}), outages z {:.2}, P z {:.2}, factors {:?}, cpu {:.2} s",
        e.unavailability.mean,
        100.0 * e.rel_error,
        z(&e.unavailability, 1.556920e-6),
        z(&e.outages, 0.006340836),
        z(&e.p_outage, 0.00629608),
        e.stage_probs,
        e.cpu_s
    );
    assert!(z(&e.unavailability, 1.556920e-6).abs() < 4.0);
    assert!(z(&e.outages, 0.006340836).abs() < 4.0);
    assert!(z(&e.p_outage, 0.00629608).abs() < 4.0);
    assert!(e.rel_error < 0.6, "{}", e.rel_error);
}

#[test]
fn restart_matches_plain_non_exponential() {
    let text = "name = \"wl\"\n[simulation]\nhorizon = \"1y\"\nseed = 2\n\
                [tiers.web]\ninstances = 2\nrequired = 1\n\
                failure = { distribution = \"weibull\", shape = 2.0, mean = \"1000h\" }\n\
                repair = { distribution = \"lognormal\", sigma = 1.0, mean = \"10h\" }\n";
    let s = scenario(text);
    let acc = crate::engine::run(
        &s,
        &crate::engine::RunConfig {
            seed: 2,
            start: 0,
            end: 400_000,
        },
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let plain = crate::stats::summarize(&acc, &s, &crate::engine::cause_names(&s), 1, 0.0);
    let pu = 1.0 - plain.availability.mean;
    let pse = se(&plain.availability);
    let e = restart(
        &s,
        &RestartConfig {
            seed: 8,
            replications: 20_000,
            target_rel_error: None,
            ..RestartConfig::default()
        },
    )
    .unwrap();
    let d = (e.unavailability.mean - pu) / (pse * pse + e.std_error * e.std_error).sqrt();
    let o = plain.outages_per_year;
    let dk = (e.outages.mean - o.mean) / (se(&o).powi(2) + se(&e.outages).powi(2)).sqrt();
    let po = plain.p_outage_within_horizon;
    let dp = (e.p_outage.mean - po.mean) / (se(&po).powi(2) + se(&e.p_outage).powi(2)).sqrt();
    eprintln!(
        "weibull 1-of-2: plain {pu:.4e}, RESTART {:.4e} ±{:.1}%: z U {d:.2}, K {dk:.2}, P {dp:.2}",
        e.unavailability.mean,
        100.0 * e.rel_error
    );
    assert!(d.abs() < 4.0 && dk.abs() < 4.0 && dp.abs() < 4.0);
}

#[test]
fn restart_independent_of_thread_count() {
    let s = scenario(T16);
    let cfg = RestartConfig {
        replications: 300,
        target_rel_error: None,
        ..RestartConfig::default()
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| restart(&s, &cfg).unwrap())
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a.unavailability, b.unavailability);
    assert_eq!(a.events, b.events);
    let bad = RestartConfig {
        factors: Some(vec![1, 2]),
        ..cfg
    };
    assert!(restart(&s, &bad).is_err());
}

//! Importance splitting on the engine against exact finite-horizon CTMC values
//! (MODELS.md §11) and against plain Monte Carlo for non-exponential clocks.

use super::examples::bd;
use super::split::{self, restart, split, RestartConfig, SplitConfig};
use super::*;
use crate::analytic::ctmc;
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

/// Exact one-year (U, E[outages], P(outage)) of a chain from all-up.
fn exact_1y(c: &ctmc::Chain) -> (f64, f64, f64) {
    let pi = ctmc::steady_state(c).unwrap();
    let h = 8766.0;
    let down: Vec<f64> = c.up.iter().map(|&u| if u { 0.0 } else { 1.0 }).collect();
    let r = ctmc::horizon_integrals(c, &pi, h, &[down, c.rate_to_down()]).unwrap();
    (r[0] / h, r[1], ctmc::p_outage_within(c, h))
}

const TWO_OF_SIX: &str = "name = \"2of6\"\n[simulation]\nhorizon = \"1y\"\nseed = 5\n[tiers.db]\n\
    instances = 6\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n";

fn check_2of6(name: &str, e: &split::SplitEstimate) {
    let (u, k, p) = exact_1y(&bd(6, 2, 6, 1e-3, 0.1).0);
    eprintln!(
        "2-of-6 {name}: U {:.4e} exact {u:.4e} ±{:.1}% after {} reps, stages {:?}, \
         outages z {:.2}, P z {:.2}, eq {:.3e}, cpu {:.3} s",
        e.unavailability.mean,
        100.0 * e.rel_error,
        e.replications,
        e.stage_probs,
        (e.outages.mean - k) / se(&e.outages),
        (e.p_outage.mean - p) / se(&e.p_outage),
        e.equivalent_timelines,
        e.cpu_s
    );
    assert!(e.converged && e.rel_error <= 0.10, "{name}");
    assert!(
        ((e.unavailability.mean - u) / e.std_error).abs() < 4.0,
        "{name}"
    );
    assert!(
        ((e.outages.mean - k) / se(&e.outages)).abs() < 4.0,
        "{name}"
    );
    assert!(
        ((e.p_outage.mean - p) / se(&e.p_outage)).abs() < 4.0,
        "{name}"
    );
    assert!(e.equivalent_timelines > 1e6, "{name}");
}

#[test]
fn fixed_effort_two_of_six_ten_percent() {
    // U ≈ 5.6e-10 over one year: plain Monte Carlo would need ~1e9 timelines.
    let s = scenario(TWO_OF_SIX);
    let cfg = SplitConfig {
        seed: 5,
        effort: 500,
        time_limit_s: 20.0,
        ..SplitConfig::default()
    };
    check_2of6("fixed effort", &split(&s, &cfg).unwrap());
}

#[test]
fn restart_two_of_six_ten_percent() {
    let s = scenario(TWO_OF_SIX);
    let cfg = RestartConfig {
        seed: 5,
        time_limit_s: 20.0,
        ..RestartConfig::default()
    };
    check_2of6("RESTART", &restart(&s, &cfg).unwrap());
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
    let r = run_splitting(
        &s,
        &RestartConfig {
            replications: 2000,
            target_rel_error: None,
            ..RestartConfig::default()
        },
    )
    .unwrap();
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
fn restart_weibull_rare_ten_percent() {
    // 1-of-3, Weibull(2) wear-out failures (MTTF 1000 h), exponential repairs
    // (10 h), unlimited crews: steady-state U = (10/1010)³ = 9.7059e-7 under any
    // failure law (MODELS §11, T8). New units start with a low hazard, so the
    // one-year mean sits somewhat below it.
    let text = "name = \"wb3\"\n[simulation]\nhorizon = \"1y\"\nseed = 4\n[tiers.web]\n\
                instances = 3\nrequired = 1\n\
                failure = { distribution = \"weibull\", shape = 2.0, mean = \"1000h\" }\n\
                repair = { mean = \"10h\" }\n";
    let s = scenario(text);
    let e = restart(
        &s,
        &RestartConfig {
            seed: 4,
            time_limit_s: 20.0,
            ..RestartConfig::default()
        },
    )
    .unwrap();
    eprintln!(
        "weibull 1-of-3 RESTART: U {:.4e} ±{:.1}% after {} trials, factors {:?}, cpu {:.2} s, eq {:.3e}",
        e.unavailability.mean,
        100.0 * e.rel_error,
        e.replications,
        e.stage_probs,
        e.cpu_s,
        e.equivalent_timelines
    );
    assert!(e.converged && e.rel_error <= 0.10);
    let u = e.unavailability.mean;
    assert!(
        u > 0.7 * 9.705901e-7 && u < 9.705901e-7 + 4.0 * e.std_error,
        "{u}"
    );
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
        "weibull 1-of-2: plain {pu:.4e}, RESTART {:.4e} ±{:.1}%: z U {d:.2}, K {dk:.2}, P {dp:.2}, \
         factors {:?}",
        e.unavailability.mean,
        100.0 * e.rel_error,
        e.stage_probs
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

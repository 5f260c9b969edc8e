//! Engine against exact answers (MODELS.md §11), with pinned seeds and
//! tolerances of 4 standard errors.

use super::*;
use crate::model::*;
use crate::stats::{summarize, FP};

pub fn exp(mean_h: f64) -> Dist {
    Dist::Exponential {
        mean: mean_h * HOUR,
    }
}

/// One tier of `n` instances needing `k`, exponential 1000 h / 10 h.
pub fn kofn(k: u32, n: u32, crews: Option<u32>) -> Scenario {
    Scenario {
        name: format!("{k}-of-{n}"),
        description: None,
        simulation: Simulation {
            timelines: 20_000,
            horizon: YEAR,
            seed: 1,
            repair_crews: crews,
            method: Method::Plain,
        },
        levels: vec![],
        domains: vec![],
        tiers: vec![Tier {
            name: "t".into(),
            instances: n,
            required: k,
            load: None,
            mode: Mode::ActiveActive,
            placement: vec![None; n as usize],
            failure: Some(exp(1000.0)),
            repair: Some(exp(10.0)),
            common_cause: None,
            failover: Failover::default(),
            overload_multiplier: None,
        }],
        deploys: vec![],
        maintenance: vec![],
    }
}

pub fn simulate(s: &Scenario, timelines: u64, seed: u64) -> Acc {
    let cfg = RunConfig {
        seed,
        start: 0,
        end: timelines,
    };
    run(s, &cfg, &|_| {}, &AtomicBool::new(false)).expect("not cancelled")
}

/// Asserts |simulated - exact| <= 4 standard errors for unavailability over the
/// horizon, outages per timeline, and P(outage within horizon).
pub fn check(s: &Scenario, timelines: u64, u_h: f64, outages: f64, p_out: f64) {
    let acc = simulate(s, timelines, 7);
    let n = acc.n;
    let u = acc.down.estimate(n, FP).mean;
    let se_u = acc.down.std_error(n, FP);
    assert!(
        (u - u_h).abs() <= 4.0 * se_u,
        "{}: U {u} vs {u_h} (se {se_u})",
        s.name
    );
    let o = acc.outages.estimate(n, 1.0).mean;
    let se_o = acc.outages.std_error(n, 1.0);
    assert!(
        (o - outages).abs() <= 4.0 * se_o,
        "{}: outages {o} vs {outages} (se {se_o})",
        s.name
    );
    let p = acc.had_outage as f64 / n as f64;
    let se_p = (p_out * (1.0 - p_out) / n as f64).sqrt();
    assert!(
        (p - p_out).abs() <= 4.0 * se_p,
        "{}: P(outage) {p} vs {p_out} (se {se_p})",
        s.name
    );
}

#[test]
fn t1_single_unit() {
    check(&kofn(1, 1, None), 20_000, 9.889807e-3, 8.679306, 0.999844);
}
#[test]
fn t2_t3_one_of_two() {
    check(
        &kofn(1, 2, Some(1)),
        40_000,
        1.955950e-4,
        0.1716546,
        0.156383,
    );
    check(&kofn(1, 2, None), 40_000, 9.786352e-5, 0.1716724, 0.156383);
}
#[test]
fn t4_t5_two_of_three() {
    check(
        &kofn(2, 3, Some(1)),
        40_000,
        5.866558e-4,
        0.5097646,
        0.393859,
    );
    check(&kofn(2, 3, None), 40_000, 2.916534e-4, 0.5099208, 0.393859);
}
#[test]
fn t6_t7_three_of_five() {
    check(
        &kofn(3, 5, Some(1)),
        100_000,
        5.797992e-5,
        0.04987819,
        0.0472341,
    );
    check(
        &kofn(3, 5, None),
        100_000,
        9.542565e-6,
        0.02497954,
        0.0242984,
    );
}

#[test]
fn results_do_not_depend_on_threads() {
    let s = kofn(2, 3, None);
    let a = simulate(&s, 10_000, 3);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b = pool.install(|| simulate(&s, 10_000, 3));
    assert_eq!(a, b);
    // Any split into ranges merges to the same bytes (shards).
    let c = Compiled::new(&s);
    let mut m = Acc::new(1, c.causes.len());
    for (a0, b0) in [(0u64, 3333u64), (3333, 7000), (7000, 10_000)] {
        let mut part = Acc::new(1, c.causes.len());
        run_range(&c, 3, a0, b0, &mut part);
        m.merge(&part);
    }
    assert_eq!(a, m);
    let _ = summarize(&a, &s, &c.causes, 1, 0.0);
}

#[test]
#[ignore]
fn speed_2of3() {
    let s = kofn(2, 3, None);
    let t0 = std::time::Instant::now();
    let acc = simulate(&s, 2_000_000, 1);
    let dt = t0.elapsed().as_secs_f64();
    eprintln!(
        "2M timelines in {dt:.3}s: {:.0}/s, {:.1} events/timeline",
        2e6 / dt,
        acc.events as f64 / 2e6
    );
}

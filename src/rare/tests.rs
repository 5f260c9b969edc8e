//! BFB against exact CTMC answers (MODELS.md §10) on birth-death chains and on
//! product chains for zones and common cause.

use super::examples::{bd, common_cause, zones};
use super::*;
use crate::analytic::ctmc::{self, Chain};

struct Exact {
    u: f64,
    f: f64,
    mttf: f64,
}

fn exact(c: &Chain) -> Exact {
    let pi = ctmc::steady_state(c).unwrap();
    let (a, f) = ctmc::steady_measures(c, &pi);
    Exact {
        u: 1.0 - a,
        f,
        mttf: ctmc::mttf(c).unwrap(),
    }
}

fn fixed(seed: u64, n: u64) -> BfbConfig {
    BfbConfig {
        seed,
        biased_cycles: n,
        plain_cycles: n,
        target_rel_error: None,
        ..BfbConfig::default()
    }
}

/// Checks U, f, MDT and MTTF within 4 of their standard errors, and the U
/// relative error below `max_rel`.
fn check(name: &str, c: &Chain, level: &[u32], n: u64, max_rel: f64) -> RareEstimate {
    let x = exact(c);
    let e = bfb(c, level, &fixed(7, n)).unwrap();
    let se = |est: &Estimate| (est.hi - est.lo) / (2.0 * Z95);
    // a zero standard error (e.g. MDT of a chain with one down state, which the
    // discrete-time conversion estimates exactly) requires agreement to rounding
    let z = |est: &Estimate, v: f64| {
        let d = est.mean - v;
        if se(est) > 0.0 {
            d / se(est)
        } else if d.abs() <= 1e-9 * v.abs() {
            0.0
        } else {
            f64::INFINITY
        }
    };
    eprintln!(
        "{name}: U exact {:.5e} est {:.5e} (rel err {:.2}%, z {:.2}); f z {:.2}; MDT z {:.2}; \
         MTTF z {:.2}; hits {}, eq. timelines {:.3e}, {:.2} s",
        x.u,
        e.unavailability.mean,
        100.0 * e.rel_error,
        z(&e.unavailability, x.u),
        z(&e.frequency, x.f),
        z(&e.mdt, x.u / x.f),
        z(&e.mttf, x.mttf),
        e.hits,
        e.equivalent_timelines,
        e.cpu_s
    );
    assert!(z(&e.unavailability, x.u).abs() < 4.0, "{name}: U");
    assert!(z(&e.frequency, x.f).abs() < 4.0, "{name}: f");
    assert!(z(&e.mdt, x.u / x.f).abs() < 4.0, "{name}: MDT");
    assert!(z(&e.mttf, x.mttf).abs() < 4.0, "{name}: MTTF");
    assert!(e.rel_error < max_rel, "{name}: rel error {}", e.rel_error);
    // the frequency's relative error is of the same order
    assert!(
        e.frequency.hi / e.frequency.mean - 1.0 < 2.0 * max_rel,
        "{name}: f rel"
    );
    e
}

#[test]
fn one_of_three_r3() {
    let (c, l) = bd(3, 1, 3, 1e-3, 0.1);
    assert!((exact(&c).u / 9.7059e-7 - 1.0).abs() < 1e-4);
    check("1-of-3 r=3", &c, &l, 20_000, 0.06);
}

#[test]
fn two_of_four_r1() {
    let (c, l) = bd(4, 2, 1, 1e-3, 0.1);
    assert!((exact(&c).u / 2.3280e-5 - 1.0).abs() < 1e-4);
    check("2-of-4 r=1", &c, &l, 20_000, 0.06);
}

#[test]
fn two_of_six_r6() {
    let (c, l) = bd(6, 2, 6, 1e-3, 0.1);
    assert!((exact(&c).u / 5.6617e-10 - 1.0).abs() < 1e-4);
    let e = check("2-of-6 r=6", &c, &l, 20_000, 0.1);
    // MODELS §9 rule for plain MC: z²(1+cv²)/ε² outages, cv ≈ 1 here, at f·H outages
    // per one-year timeline; the measured equivalent must be of that size (~1e9).
    let f_h = e.frequency.mean * 8766.0;
    let rule = Z95 * Z95 * 2.0 / (e.rel_error * e.rel_error) / f_h;
    let ratio = e.equivalent_timelines / rule;
    assert!(
        e.equivalent_timelines > 1e8 && (0.7..1.4).contains(&ratio),
        "{ratio}"
    );
}

#[test]
fn zones_product_chain() {
    // 3 zones × 2 instances, 2 of 6 needed: zone MTTF 1 y / MTTR 4 h, instance 1000/10 h.
    let (c, l) = zones(3, 2, 2, (1e-3, 0.1), (1.0 / 8766.0, 0.25));
    let x = exact(&c);
    assert!(x.u > 1e-10 && x.u < 1e-6, "{}", x.u);
    check("zones 2-of-3x2", &c, &l, 20_000, 0.1);
}

#[test]
fn common_cause_chain() {
    let (c, l) = common_cause(3, 1, 1e-4, 5e-4, 0.1);
    let x = exact(&c);
    assert!(x.u > 1e-9 && x.u < 1e-6, "{}", x.u);
    check("1-of-3 CCF β=5e-4", &c, &l, 20_000, 0.1);
}

#[test]
fn independent_of_thread_count() {
    let (c, l) = bd(4, 2, 1, 1e-3, 0.1);
    let cfg = fixed(3, 5_000);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| bfb(&c, &l, &cfg).unwrap())
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a.unavailability, b.unavailability);
    assert_eq!(a.frequency, b.frequency);
    assert_eq!(a.equivalent_timelines, b.equivalent_timelines);
    // another seed gives another answer
    let d = bfb(&c, &l, &fixed(4, 5_000)).unwrap();
    assert_ne!(a.unavailability.mean, d.unavailability.mean);
}

#[test]
fn adaptive_reaches_target() {
    let (c, l) = bd(6, 2, 6, 1e-3, 0.1);
    let cfg = BfbConfig {
        target_rel_error: Some(0.05),
        time_limit_s: 20.0,
        ..BfbConfig::default()
    };
    let e = bfb(&c, &l, &cfg).unwrap();
    assert!(e.converged);
    assert!(e.rel_error <= 0.05);
    let x = exact(&c);
    assert!((e.unavailability.mean - x.u).abs() < 4.0 * e.std_error);
    // deterministic when the time limit does not bind
    let e2 = bfb(&c, &l, &cfg).unwrap();
    assert_eq!(e.unavailability, e2.unavailability);
}

#[test]
fn plain_variance_formula_matches_plain_mc() {
    // 1-of-2 r=1 (T2): not rare, so plain MC measures its own variance.
    let (c, l) = bd(2, 1, 1, 1e-3, 0.1);
    let h = 8766.0;
    let e = bfb(&c, &l, &fixed(5, 50_000)).unwrap();
    let p = plain_chain_mc(&c, h, 40_000, 9);
    // T2: U over one year from all-up 1.955950e-4
    let se = (p.unavailability.hi - p.unavailability.lo) / (2.0 * Z95);
    assert!((p.unavailability.mean - 1.955950e-4).abs() < 4.0 * se);
    let measured_var = se * se * p.timelines as f64;
    let ratio = e.plain_var_per_timeline / measured_var;
    eprintln!(
        "plain var per timeline: formula {:.4e}, measured {measured_var:.4e}",
        e.plain_var_per_timeline
    );
    // the sample variance of 40k timelines is itself uncertain by a few percent
    assert!((ratio - 1.0).abs() < 0.15, "{ratio}");
}

#[test]
fn bad_inputs_are_errors() {
    let (c, l) = bd(3, 1, 3, 1e-3, 0.1);
    let cfg = fixed(1, 100);
    assert!(bfb(&c, &l[..2], &cfg).is_err());
    let bad_bias = BfbConfig {
        bias: 1.0,
        ..cfg.clone()
    };
    assert!(bfb(&c, &l, &bad_bias).is_err());
    let bad_h = BfbConfig {
        horizon_h: 0.0,
        ..cfg.clone()
    };
    assert!(bfb(&c, &l, &bad_h).is_err());
    // start state down
    let down = Chain::new(2, 0, vec![false, true], vec![(0, 1, 1.0), (1, 0, 1.0)]);
    assert!(bfb(&down, &[0, 1], &cfg).is_err());
    // absorbing failure: no way back to all-up
    let absorbing = Chain::new(2, 0, vec![true, false], vec![(0, 1, 1.0)]);
    assert!(bfb(&absorbing, &[0, 1], &cfg).is_err());
    // no outage reachable: U = 0, no panic
    let safe = Chain::new(2, 0, vec![true, true], vec![(0, 1, 1.0), (1, 0, 1.0)]);
    let e = bfb(&safe, &[0, 1], &cfg).unwrap();
    assert_eq!(e.unavailability.mean, 0.0);
    assert_eq!(e.hits, 0);
}

#[test]
fn run_summary_from_importance() {
    let text = "name = \"t8\"\n[simulation]\ntimelines = 10\nhorizon = \"1y\"\nseed = 3\n\
                [tiers.web]\ninstances = 3\nrequired = 1\nfailure = { mean = \"1000h\" }\n\
                repair = { mean = \"10h\" }\n";
    let loaded = crate::scenario::load_str("t8.toml", text, &[]).unwrap();
    let (c, l) = bd(3, 1, 3, 1e-3, 0.1);
    let cfg = BfbConfig {
        seed: loaded.scenario.simulation.seed,
        ..BfbConfig::default()
    };
    let r = run_importance(&loaded.scenario, &c, &l, &cfg).unwrap();
    let info = r.rare.as_ref().unwrap();
    assert!(info.converged && info.rel_error <= 0.05);
    // T8: A = 0.9999990294, 0.002552458 outages/y, MDT 3.33333 h, P(outage in 1y) 0.00253204
    let u = 1.0 - r.availability.mean;
    let se_u = (r.availability.hi - r.availability.lo) / (2.0 * Z95);
    assert!((u - 9.705901e-7).abs() < 4.0 * se_u, "{u}");
    let o = &r.outages_per_year;
    assert!((o.mean - 0.002552458).abs() < 4.0 * (o.hi - o.lo) / (2.0 * Z95));
    assert!((r.mttr_h / 3.33333 - 1.0).abs() < 0.2);
    assert!((r.p_outage_within_horizon.mean / 0.00253204 - 1.0).abs() < 0.2);
    assert!((r.downtime_per_year_s.mean / (u * crate::model::YEAR) - 1.0).abs() < 1e-8);
    let json = crate::report::json(&crate::report::Report::Run(&r));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let run = if v.get("method").is_some() {
        &v
    } else {
        &v["run"]
    };
    eprintln!("{json}");
    assert_eq!(run["method"], "importance", "{json}");
    assert!(run["equivalent_timelines"].as_f64().unwrap() > 1e4);
    let text = crate::report::text(&crate::report::Report::Run(&r));
    eprintln!("{text}");
    assert!(text.contains("balanced failure biasing"));
}

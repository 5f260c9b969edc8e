//! Every closed-form example of MODELS.md, to its printed precision.

use super::closed::*;
use crate::model::{Dist, HOUR};

/// |got - want| within half a unit of the last of `digits` significant digits.
fn sig(got: f64, want: f64, digits: i32, what: &str) {
    let tol = 0.5 * 10f64.powi(want.abs().log10().floor() as i32 - digits + 1);
    assert!(
        (got - want).abs() <= tol * 1.000001,
        "{what}: {got:.12e} vs {want:.12e}"
    );
}

const LAM: f64 = 1e-3;
const MU: f64 = 0.1;

#[test]
fn single_unit_section_1() {
    sig(single_unit(1000.0, 10.0), 0.9900990099, 10, "A");
    sig(failures_per_year(1000.0, 10.0), 8.679208, 7, "failures/y");
    sig(
        YEAR_H * (1.0 - single_unit(1000.0, 10.0)),
        86.79,
        4,
        "downtime h/y",
    );
    sig(
        point_availability(LAM, MU, 10.0),
        0.9937051384,
        10,
        "A(10h)",
    );
    sig(
        interval_availability(LAM, MU, YEAR_H),
        0.990110192836,
        12,
        "mean A over 1y",
    );
    let h = |x: f64| x * HOUR;
    sig(
        survival(&Dist::Exponential { mean: h(1000.0) }, 720.0),
        0.486752,
        6,
        "R exp",
    );
    let eta = |k: f64| h(1000.0) / crate::model::gamma_fn(1.0 + 1.0 / k);
    sig(eta(2.0) / HOUR, 1128.379, 7, "eta k=2");
    sig(eta(0.8) / HOUR, 882.610, 6, "eta k=0.8");
    let w2 = Dist::Weibull {
        shape: 2.0,
        scale: eta(2.0),
    };
    sig(survival(&w2, 720.0), 0.665544, 6, "R weibull 2");
    let w08 = Dist::Weibull {
        shape: 0.8,
        scale: eta(0.8),
    };
    sig(survival(&w08, 720.0), 0.427556, 6, "R weibull 0.8");
    let ln = Dist::LogNormal {
        mu: 6.407755 + HOUR.ln(),
        sigma: 1.0,
    };
    sig(survival(&ln, 720.0), 0.431917, 6, "R lognormal");
    sig(w2.mean() / HOUR, 1000.0, 6, "weibull mean");
    sig(ln.mean() / HOUR, 1000.0, 6, "lognormal mean");
    // The trap: median 5 min, sigma 1.2 has mean 10.27 min.
    let trap = Dist::LogNormal {
        mu: 300f64.ln(),
        sigma: 1.2,
    };
    sig(trap.mean() / 60.0, 10.27, 4, "lognormal trap");
}

#[test]
fn per_second_section_2() {
    let d = per_second_median_s(1e-6);
    sig(d, 693_147.0, 6, "one instance, seconds");
    sig(d / 86400.0, 8.0225, 5, "one instance, days");
    let y = per_second_median_s(1e-12) / (365.25 * 86400.0);
    sig(y, 21_964.5, 6, "two instances, years");
    sig(
        per_second_median_s(1e-12) / (365.0 * 86400.0),
        21_979.6,
        6,
        "365-d years",
    );
    sig(mttf_one_of_two(LAM, MU), 51_500.0, 5, "1-of-2 MTTF");
}

#[test]
fn k_of_n_and_spares_section_3() {
    sig(
        spares_approx(3, 2, 0.005),
        0.999999875,
        9,
        "99.5% with 2 spares",
    );
    sig(1.0 - kofn(1, 3, 0.995), 1.25e-7, 6, "exact n = s+1");
    sig(
        1.0 - spares_approx(4, 2, 0.005),
        5.0e-7,
        2,
        "2 needed, 2 spares approx",
    );
    sig(
        1.0 - kofn(2, 4, 0.995),
        4.98e-7,
        3,
        "2 needed, 2 spares exact",
    );
    for (a, n, s, exact, approx, ratio) in [
        (0.99, 5, 2, 9.8506e-6, 1.0e-5, 1.015),
        (0.99, 20, 2, 1.00358e-3, 1.14e-3, 1.136),
        (0.9, 10, 3, 1.27952e-2, 2.10e-2, 1.641),
        (0.99, 100, 2, 7.93732e-2, 1.617e-1, 2.037),
    ] {
        let u = 1.0 - kofn(n - s, n, a);
        let ua = 1.0 - spares_approx(n, s, 1.0 - a);
        sig(u, exact, 6, "exact U");
        sig(ua, approx, if approx == 1.0e-5 { 2 } else { 3 }, "approx U");
        sig(ua / u, ratio, 4, "ratio");
    }
    sig(parallel(&[0.99, 0.99]), 0.9999, 10, "parallel");
}

#[test]
fn birth_death_section_4() {
    let t2 = birth_death(1, 2, 1, LAM, MU, None);
    let t3 = birth_death(1, 2, 2, LAM, MU, None);
    sig(t2.availability, 0.9998039600, 10, "1-of-2 r=1");
    sig(t3.availability, 0.9999019704, 10, "1-of-2 r=2");
    sig(t2.frequency * YEAR_H, 0.1718487, 7, "outages/y r=1");
    sig(t3.frequency * YEAR_H, 0.1718655, 7, "outages/y r=2");
    sig(t2.mdt_h, 10.0, 6, "MDT r=1");
    sig(t3.mdt_h, 5.0, 6, "MDT r=2");
    sig(t2.mttf, 51_500.0, 6, "MTTF r=1");
    sig(t3.mttf, 51_500.0, 6, "MTTF r=2");
    sig(t2.mut_h, 51_000.0, 5, "MUT");
    let t5 = birth_death(2, 3, 3, LAM, MU, None);
    sig(
        t5.mttf,
        (5.0 * LAM + MU) / (6.0 * LAM * LAM),
        12,
        "2-of-3 MTTF",
    );
    // §11 steady-state columns.
    for (k, n, r, a, mttf, f, mdt) in [
        (1, 1, 1, 0.9900990099, 1000.0, 8.679208, 10.0),
        (1, 2, 1, 0.9998039600, 51500.0, 0.1718487, 10.0),
        (1, 2, 2, 0.9999019704, 51500.0, 0.1718655, 5.0),
        (2, 3, 1, 0.9994119964, 17500.0, 0.5103405, 10.1),
        (2, 3, 3, 0.9997078524, 17500.0, 0.5104916, 5.01667),
        (3, 5, 1, 0.9999418171, 180783.3, 0.04999329, 10.202),
        (3, 5, 5, 0.9999904377, 355783.3, 0.02502164, 3.35003),
        (1, 3, 3, 0.9999990294, 3451833.0, 0.002552458, 3.33333),
    ] {
        let b = birth_death(k, n, r, LAM, MU, None);
        let id = format!("{k}-of-{n} r={r}");
        sig(b.availability, a, 10, &id);
        sig(b.mttf, mttf, 7, &id);
        sig(b.frequency * YEAR_H, f, 7, &id);
        sig(b.mdt_h, mdt, if mdt == 10.1 { 3 } else { 6 }, &id);
    }
    // T9 (cold standby = 1-of-2 with a failure rate that only the active has).
    let rho = LAM / MU;
    sig(
        (1.0 + rho) / (1.0 + rho + rho * rho),
        0.9999009999,
        10,
        "T9",
    );
}

#[test]
fn coverage_section_5() {
    for (c, r) in [(0.9, 0.99891), (0.5, 0.99495), (0.95, 0.999405)] {
        sig(
            static_coverage(0.99, c),
            r,
            if c == 0.95 { 6 } else { 5 },
            "static",
        );
    }
    let base = Duplex {
        lam: LAM,
        mu: MU,
        lam_sb: LAM,
        detection: 30.0 / 3600.0,
        switchover: 60.0 / 3600.0,
        coverage: 1.0,
        manual: 2.0,
        crews: 2,
    };
    for (c, u, mdt_min) in [
        (1.0, 1.22489e-4, 7.35),
        (0.99, 1.26988e-4, 7.62),
        (0.9, 1.674786e-4, 10.05),
        (0.5, 3.47437e-4, 20.85),
    ] {
        let p = Duplex {
            coverage: c,
            ..base
        };
        let (ud, f) = duplex(&p);
        sig(ud, u, if c == 0.9 { 7 } else { 6 }, "duplex U");
        sig(
            ud / f * 60.0,
            mdt_min,
            if c == 0.5 { 4 } else { 3 },
            "duplex MDT",
        );
        let fo = duplex_first_order(&p, 0.0, 0.0);
        assert!(
            (fo - ud).abs() / ud < 1e-3,
            "first order within 0.1%: {fo} vs {ud}"
        );
    }
    // T11 row: f = 8.764532 outages/y.
    let (u, f) = duplex(&Duplex {
        coverage: 0.9,
        ..base
    });
    sig(1.0 - u, 0.9998325214, 10, "T11 A");
    sig(f * YEAR_H, 8.764532, 7, "T11 f");
}

#[test]
fn common_cause_section_6() {
    let (u2, mttf) = beta_classic_pair(LAM, MU, 0.1, 2);
    sig(u2, 5.835650e-4, 7, "classic r=2");
    sig(mttf, 8638.655, 7, "classic MTTF");
    let (u1, _) = beta_classic_pair(LAM, MU, 0.1, 1);
    sig(u1, 1.166449e-3, 7, "classic r=1");
    // (b) overlay: A = A_ccf × A_1of2((1-β)λ, μ).
    let lam_i = 0.9 * LAM;
    let a_pair = kofn(1, 2, single_unit(1.0 / lam_i, 10.0));
    sig(
        ccf_overlay(0.1 * LAM, 10.0, false) * a_pair,
        0.998921517034,
        12,
        "no overlap",
    );
    sig(
        ccf_overlay(0.1 * LAM, 10.0, true) * a_pair,
        0.998921017906,
        12,
        "M/G/inf",
    );
    let (l1, l2, l3) = mgl3(1.0, 0.1, 0.3);
    sig(
        l1 + 2.0 * l2 + l3,
        1.0 - 0.1 + 0.1 * 0.7 + 0.03,
        12,
        "MGL per-unit rate",
    );
    let _ = l3;
    let rates = alpha_factor_rates(&[0.95, 0.04, 0.01], 1.0);
    let per_unit: f64 = rates
        .iter()
        .enumerate()
        .map(|(i, r)| binom(2, i as u32) * r)
        .sum();
    sig(per_unit, 1.0, 12, "alpha factor preserves the unit rate");
}

#[test]
fn capacity_and_maintenance_sections_7_8() {
    assert_eq!(required_for_load(2.1), 3);
    assert_eq!(required_for_load(2.0), 2);
    sig(kofn(3, 3, 0.99), 0.970299, 6, "3 pods at 70%");
    sig(kofn(2, 3, 0.99), 0.999702, 6, "2-of-3");
    sig(kofn(3, 4, 0.99), 0.999408, 6, "3-of-4");
    let p_m = 3.0 * (10.0 / 60.0) / 24.0;
    sig(p_m, 0.02083, 4, "p_m");
    sig(1.0 - kofn(2, 3, 0.99), 2.98e-4, 3, "2-of-3 U");
    sig(
        rolling_maintenance(2, 3, 0.99, p_m),
        7.06e-4,
        3,
        "2-of-3 with deploys",
    );
    let p4 = 4.0 * (10.0 / 60.0) / 24.0;
    sig(1.0 - kofn(2, 4, 0.99), 3.97e-6, 3, "2-of-4 U");
    sig(
        rolling_maintenance(2, 4, 0.99, p4),
        1.21e-5,
        3,
        "2-of-4 with deploys",
    );
    // Overload cascade stays birth-death; request success E[min(1, (n-j)/L)].
    let b = birth_death(3, 3, 3, LAM, MU, Some((5.0, 2.1)));
    assert!(b.availability < kofn(3, 3, single_unit(1000.0, 10.0)) + 1e-12);
    assert!(b.request_success > b.availability);
}

#[test]
fn sample_sizes_section_9() {
    sig(
        timelines_for_probability(0.01, 0.1),
        38_030.0,
        4,
        "p = 0.01, 10%",
    );
    sig(
        outages_for_unavailability(1.0, 0.1),
        768.0,
        3,
        "exponential durations",
    );
    sig(
        outages_for_unavailability(0.0, 0.1),
        384.0,
        3,
        "fixed durations",
    );
    sig(zero_events_upper(1000.0), 0.002991, 4, "0 of 1000");
    let w = crate::stats::wilson(7, 1000);
    sig(w.lo, 0.003395, 4, "Wilson low");
    sig(w.hi, 0.014378, 5, "Wilson high");
    let w0 = crate::stats::wilson(0, 1000);
    sig(w0.hi, 0.003827, 4, "Wilson 0 of 1000");
}

#[test]
fn paradox_crossover_agrees_with_the_exact_chain() {
    // A duplex with a daily false alarm: below c* it is worse than one instance.
    let p = Duplex {
        lam: LAM,
        mu: MU,
        lam_sb: LAM,
        detection: 30.0 / 3600.0,
        switchover: 60.0 / 3600.0,
        coverage: 0.5,
        manual: 2.0,
        crews: 2,
    };
    let phi = 1.0 / 24.0;
    let c_star = paradox_crossover(&p, phi, 0.5).expect("a crossover");
    assert!(c_star > 0.3 && c_star < 0.8, "{c_star}");
    // The exact chain (built from a scenario) crosses the single unit at the
    // same coverage, within 2% of c*.
    let single = 1.0 - single_unit(1000.0, 10.0);
    let u_at = |c: f64| paradox_exact_u(24.0, Some(0.5), c);
    let (lo, hi) = (
        u_at(c_star * 0.98) - single,
        u_at((c_star * 1.02).min(1.0)) - single,
    );
    assert!(
        lo > 0.0 && hi < 0.0,
        "exact chain crosses near c* = {c_star}: {lo} {hi}"
    );
}

/// The paradox table of docs/paradox.md: first-order and exact (the scenario's
/// own chain) U at c = 0, 0.9, 1 and the crossover c*. Run with --ignored --nocapture.
#[test]
#[ignore]
fn print_paradox_table() {
    for (every_h, manual) in [(168.0, Some(0.5)), (24.0, Some(0.5)), (168.0, None)] {
        let exact_u = |c: f64| paradox_exact_u(every_h, manual, c);
        let single = 1.0 - single_unit(1000.0, 10.0);
        let p = |c: f64| Duplex {
            lam: LAM,
            mu: MU,
            lam_sb: LAM,
            detection: 30.0 / 3600.0,
            switchover: 60.0 / 3600.0,
            coverage: c,
            manual: manual.map(|m| 1.0 / m).unwrap_or(0.0),
            crews: 2,
        };
        let m_fa = manual.unwrap_or(10.0);
        let fo = |c: f64| duplex_first_order(&p(c), 1.0 / every_h, m_fa);
        let c_fo = paradox_crossover(&p(0.5), 1.0 / every_h, m_fa);
        let c_ex = if exact_u(0.0) > single && exact_u(1.0) < single {
            let (mut lo, mut hi) = (0.0, 1.0);
            for _ in 0..40 {
                let mid = 0.5 * (lo + hi);
                if exact_u(mid) > single {
                    lo = mid
                } else {
                    hi = mid
                }
            }
            Some(0.5 * (lo + hi))
        } else {
            None
        };
        println!(
            "every {every_h} h, manual {manual:?}: U(0) {:.4e} / {:.4e}; U(0.9) {:.4e} / {:.4e}; U(1) {:.4e} / {:.4e}; c* {c_fo:?} / {c_ex:?}",
            fo(0.0), exact_u(0.0), fo(0.9), exact_u(0.9), fo(1.0), exact_u(1.0)
        );
    }
}

#[test]
fn az_independent_twin_and_zone_approximation() {
    // MODELS §6: the independent twin of 3 AZ x 5 (each instance a private copy
    // of its zone) has U = 5.7e-9; zone-level N+1 is instance-level N+0 while a
    // zone is down: U ≈ 3 u_az (1 - a^10) = 1.295e-4 (with the other zones up).
    let a = single_unit(1000.0, 10.0);
    let a_az = single_unit(8766.0, 4.0);
    sig(1.0 - kofn(10, 15, a * a_az), 5.7e-9, 2, "twin 3x5");
    let u_az = 1.0 - a_az;
    sig(
        3.0 * u_az * (1.0 - a.powi(10)) * a_az * a_az,
        1.295e-4,
        4,
        "zone approximation",
    );
}

/// U of the paradox duplex (MTTF 1000 h, MTTR 10 h, detection 30 s, switchover
/// 1 min) from the scenario's exact chain: false alarms every `every_h` hours,
/// manual recovery `manual` hours (None: wait for the repair), coverage `c`.
fn paradox_exact_u(every_h: f64, manual: Option<f64>, c: f64) -> f64 {
    let manual_line = manual
        .map(|m| format!("manual_recovery = {{ mean = \"{}m\" }}", m * 60.0))
        .unwrap_or_default();
    let text = format!(
        r#"
[tiers.db]
instances = 2
mode = "active-passive"
failure = {{ mean = "1000h" }}
repair = {{ mean = "10h" }}
[tiers.db.failover]
detection = {{ mean = "30s" }}
switchover = {{ mean = "1m" }}
{manual_line}
false_alarm = {{ mean = "{every_h}h" }}
coverage = {c}
"#
    );
    let s = crate::scenario::load_str("p.toml", &text, &[])
        .unwrap()
        .scenario;
    1.0 - super::build::solve(&s).unwrap().availability
}

#[test]
fn repairable_pair_medians_section_2() {
    // λ = 1e-6 per second, in hours; medians of the first outage of a 1-of-2 pair.
    let lam = 1e-6 * 3600.0;
    let year = 8766.0;
    let med = |mttr_h: f64| pair_median(lam, if mttr_h > 0.0 { 1.0 / mttr_h } else { 0.0 });
    sig(med(1.0 / 3600.0) / year, 10_982.0, 5, "MTTR 1 s");
    sig(med(60.0 / 3600.0) / year, 183.0, 3, "MTTR 60 s");
    sig(med(1.0) / year, 3.08, 3, "MTTR 1 h");
    sig(mttf_one_of_two(lam, 1.0) / year, 4.45, 3, "MTTF, MTTR 1 h");
    sig(med(0.0) / 24.0, 14.21, 4, "no repair");
    sig(
        -(1.0 - 1.0 / 2f64.sqrt()).ln() / lam / 24.0,
        14.21,
        4,
        "no repair, closed form",
    );
    sig(1.5 / lam / 24.0, 17.36, 4, "no repair MTTF");
}

#[test]
fn intervals_section_9() {
    let (lo, hi) = clopper_pearson(7, 1000, 0.05);
    sig(lo, 0.002819, 4, "CP low");
    sig(hi, 0.014369, 5, "CP high");
    sig(
        clopper_pearson(0, 1000, 0.05).1,
        0.003682,
        4,
        "CP 0 of 1000",
    );
    sig(3.0 / 1000.0, 0.003, 1, "rule of three");
    sig(zero_rate_upper(1.0), 2.996, 4, "zero events");
}

#[test]
fn duplex_state_probabilities_section_5() {
    let p = Duplex {
        lam: LAM,
        mu: MU,
        lam_sb: LAM,
        detection: 30.0 / 3600.0,
        switchover: 60.0 / 3600.0,
        coverage: 0.9,
        manual: 2.0,
        crews: 2,
    };
    let [_, _, d, s, x, zero] = duplex_states(&p);
    sig(zero, 9.80e-5, 3, "0");
    sig(x, 4.66e-5, 3, "1X");
    sig(s, 1.47e-5, 3, "1S");
    sig(d, 8.2e-6, 2, "1D");
}

#[test]
fn instant_failover_chain_section_5() {
    // Instant failover; an uncovered failure waits for its repair; 2 crews:
    // 2 → 1c (covered, up) or 1x (uncovered, down); the spare's own failures
    // (hot, monitored) are covered by definition.
    use super::ctmc::{steady_state, Chain};
    let u = |c: f64| {
        let (l, m) = (LAM, MU);
        // states: 0 = both up, 1 = one failed (serving), 2 = uncovered (down), 3 = both failed
        let chain = Chain::new(
            4,
            0,
            vec![true, true, false, false],
            vec![
                (0, 1, l * c + l),
                (0, 2, l * (1.0 - c)),
                (1, 0, m),
                (1, 3, l),
                (2, 0, m),
                (2, 3, l),
                (3, 1, 2.0 * m),
            ],
        );
        let pi = steady_state(&chain).unwrap();
        pi[2] + pi[3]
    };
    sig(u(0.9), 1.0686e-3, 5, "c = 0.9");
    sig(u(0.5), 4.951e-3, 4, "c = 0.5");
    // ... against the static formula with a = MTTF/(MTTF+MTTR).
    let a = single_unit(1000.0, 10.0);
    sig(
        1.0 - static_coverage(a, 0.9),
        1.0783e-3,
        5,
        "static c = 0.9",
    );
    sig(1.0 - static_coverage(a, 0.5), 5.000e-3, 4, "static c = 0.5");
}

//! Non-exponential times against steady-state values that hold for any
//! distributions (MODELS.md §1, §3, §9): over long horizons the interval
//! availability from all-up converges to the steady state, and with one crew per
//! instance the k-of-n steady-state A and outage frequency are distribution-free.
//! Tolerance: 4 standard errors plus the (tiny, bounded) start-up bias.

use super::tests::simulate;
use crate::model::*;
use crate::stats::FP;

fn hours(h: f64) -> f64 {
    h * HOUR
}

fn weibull_mean(shape: f64, mean_h: f64) -> Dist {
    Dist::Weibull {
        shape,
        scale: hours(mean_h) / gamma_fn(1.0 + 1.0 / shape),
    }
}

fn lognormal_mean(sigma: f64, mean_h: f64) -> Dist {
    Dist::LogNormal {
        mu: hours(mean_h).ln() - 0.5 * sigma * sigma,
        sigma,
    }
}

fn tier(k: u32, n: u32, failure: Dist, repair: Dist, horizon_h: f64) -> Scenario {
    let mut s = super::tests::kofn(k, n, None);
    s.simulation.horizon = hours(horizon_h);
    s.tiers[0].failure = Some(failure);
    s.tiers[0].repair = Some(repair);
    s
}

/// Simulated U and outages per hour against exact steady-state values.
fn check_steady(s: &Scenario, timelines: u64, u_exact: f64, f_per_h: f64) {
    let acc = simulate(s, timelines, 11);
    let n = acc.n;
    let h = s.simulation.horizon / HOUR;
    let u = acc.down.estimate(n, FP).mean;
    let se = acc.down.std_error(n, FP);
    // Start-up bias bound: starting all-up can only lower U over [0, H]; the gap
    // is at most about (MTTR-scale transient) / H, far below the tolerance here.
    assert!(
        (u - u_exact).abs() <= 4.0 * se,
        "{}: U {u:.6e} vs steady {u_exact:.6e} (se {se:.2e})",
        s.name
    );
    let o = acc.outages.estimate(n, 1.0).mean / h;
    let se_o = acc.outages.std_error(n, 1.0) / h;
    assert!(
        (o - f_per_h).abs() <= 4.0 * se_o,
        "{}: outages/h {o:.6e} vs {f_per_h:.6e} (se {se_o:.2e})",
        s.name
    );
}

#[test]
fn single_unit_weibull_lognormal_any_distribution() {
    // A = MTTF / (MTTF + MTTR), failures per hour 1 / (MTTF + MTTR).
    let s = tier(
        1,
        1,
        weibull_mean(0.8, 1000.0),
        lognormal_mean(1.0, 10.0),
        2e5,
    );
    check_steady(&s, 4000, 10.0 / 1010.0, 1.0 / 1010.0);
}

#[test]
fn single_unit_fixed_repair_weibull_wearout() {
    let s = tier(
        1,
        1,
        weibull_mean(2.0, 1000.0),
        Dist::Fixed(hours(10.0)),
        2e5,
    );
    check_steady(&s, 4000, 10.0 / 1010.0, 1.0 / 1010.0);
}

#[test]
fn two_of_three_weibull_failures_lognormal_repairs() {
    // MODELS §9: U = 2.921476e-4, f = 0.5104916 / y (T5 steady state) for any laws.
    let s = tier(
        2,
        3,
        weibull_mean(0.8, 1000.0),
        lognormal_mean(1.0, 10.0),
        1e6,
    );
    check_steady(&s, 3000, 2.921476e-4, 0.5104916 / 8766.0);
}

#[test]
fn one_of_two_fixed_repair() {
    // T3 steady state: U = (rho/(1+rho))^2, f = 2 a q mu ... = 0.1718655 / y.
    let s = tier(
        1,
        2,
        weibull_mean(1.5, 1000.0),
        Dist::Fixed(hours(10.0)),
        1e6,
    );
    check_steady(&s, 3000, 9.802960e-5, 0.1718655 / 8766.0);
}

#[test]
fn one_of_three_gamma_uniform_empirical() {
    // T8 steady state, distribution-free with one crew per instance.
    let mut s = tier(
        1,
        3,
        Dist::Gamma {
            shape: 3.0,
            scale: hours(1000.0) / 3.0,
        },
        Dist::Uniform {
            min: hours(5.0),
            max: hours(15.0),
        },
        1e6,
    );
    check_steady(&s, 20_000, 9.705901e-7, 0.002552458 / 8766.0);
    s.tiers[0].repair = Some(Dist::Empirical(vec![hours(2.0), hours(8.0), hours(20.0)]));
    s.name = "1-of-3 empirical".into();
    check_steady(&s, 20_000, 9.705901e-7, 0.002552458 / 8766.0);
}

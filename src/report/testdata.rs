//! Fake results for report tests.
use crate::results::*;

fn est(mean: f64, half: f64) -> Estimate {
    Estimate {
        mean,
        lo: mean - half,
        hi: mean + half,
    }
}

pub fn run(scenario: &str, a: f64) -> RunSummary {
    let mut tiers = std::collections::BTreeMap::new();
    tiers.insert(
        "web".to_string(),
        TierSummary {
            availability: est(0.99995, 1e-5),
        },
    );
    tiers.insert(
        "db".to_string(),
        TierSummary {
            availability: est(0.99993, 1e-5),
        },
    );
    let u = 1.0 - a;
    RunSummary {
        scenario: scenario.into(),
        timelines: 100_000,
        horizon_h: 8766.0,
        seed: 1,
        threads: 2,
        elapsed_s: 1.9,
        events: 5_200_000,
        availability: est(a, u * 0.01),
        request_success: est(a + u * 0.3, u * 0.01),
        downtime_per_year_s: est(u * crate::model::YEAR, 30.0),
        degraded_per_year_s: est(3600.0, 40.0),
        outages_per_year: est(1.7, 0.01),
        outage_duration: DurationStats {
            count: 170_000,
            mean: 1670.0,
            p50: 900.0,
            p90: 3600.0,
            p99: 14_000.0,
            max: 90_000.0,
        },
        p_outage_within_horizon: est(0.82, 0.001),
        mtbf_h: 5150.0,
        mttr_h: 0.46,
        causes: vec![
            Cause {
                cause: "zone failure".into(),
                downtime_share: 0.61,
                downtime_per_year_s: 1700.0,
            },
            Cause {
                cause: "instance failure (web)".into(),
                downtime_share: 0.39,
                downtime_per_year_s: 1100.0,
            },
        ],
        tiers,
        data_loss: DataLoss {
            failovers_per_year: est(0.4, 0.01),
            lost_writes_s_per_year: est(0.8, 0.05),
        },
        deploys: DeployCounts {
            started_per_year: 50.0,
            bad_per_year: 2.0,
            skipped_per_year: 1.0,
        },
        histogram: (0..8)
            .map(|i| HistBin {
                low_s: 10f64.powf(i as f64 * 0.5 + 1.0),
                high_s: 10f64.powf(i as f64 * 0.5 + 1.5),
                count: [5, 40, 200, 900, 400, 80, 10, 1][i],
            })
            .collect(),
        survival: (0..=50)
            .map(|i| {
                let t = 8766.0 * i as f64 / 50.0;
                let p = (-1.7 * t / 8766.0f64).exp();
                SurvivalPoint {
                    t_h: t,
                    p,
                    lo: p - 0.002,
                    hi: (p + 0.002).min(1.0),
                }
            })
            .collect(),
        analytic: vec![
            Comparison {
                prediction: Prediction {
                    model: "independent k-of-n (binomial)".into(),
                    availability: 1.0 - u * 0.1,
                    exact: false,
                    horizon: false,
                    outages_per_year: None,
                    p_outage_within_horizon: None,
                    mttf_h: None,
                    median_first_outage_h: None,
                    survival: Vec::new(),
                    assumption: "independent failures (zone failures are shared)".into(),
                },
                simulated: a,
                z: -9.5,
            },
            Comparison {
                prediction: Prediction {
                    model: "Markov chain (CTMC)".into(),
                    availability: a,
                    exact: true,
                    horizon: true,
                    outages_per_year: Some(1.7),
                    p_outage_within_horizon: Some(0.82),
                    mttf_h: Some(5150.0),
                    median_first_outage_h: None,
                    survival: Vec::new(),
                    assumption: String::new(),
                },
                simulated: a,
                z: 0.3,
            },
        ],
        rare: None,
    }
}

/// A run with no outages at all: availability exactly 1.
pub fn perfect(scenario: &str) -> RunSummary {
    let mut r = run(scenario, 1.0);
    r.availability = Estimate {
        mean: 1.0,
        lo: 1.0,
        hi: 1.0,
    };
    r.request_success = r.availability;
    r.downtime_per_year_s = Estimate::default();
    r.outages_per_year = Estimate::default();
    r.p_outage_within_horizon = Estimate {
        mean: 0.0,
        lo: 0.0,
        hi: 3e-5,
    };
    r.outage_duration = DurationStats::default();
    r.mtbf_h = f64::INFINITY;
    r.mttr_h = f64::NAN;
    r.causes.clear();
    r.histogram.iter_mut().for_each(|b| b.count = 0);
    r.survival.iter_mut().for_each(|p| {
        p.p = 1.0;
        p.lo = 0.9999;
        p.hi = 1.0;
    });
    r.analytic.clear();
    r
}

pub fn sweep() -> SweepResult {
    SweepResult {
        parameter: "web.replicas".into(),
        points: vec![
            (1.0, run("s", 0.999)),
            (2.0, run("s", 0.99991)),
            (3.0, run("s", 0.999995)),
        ],
    }
}

pub fn compare() -> CompareResult {
    CompareResult {
        correlated: run("c", 0.9999),
        independent: run("c", 0.999999),
    }
}

//! The JSON summary. Field order follows OUTPUT.md (derive(Serialize) on
//! structs keeps declaration order). serde_json writes non-finite floats as
//! `null`, so NaN / infinity never make invalid JSON.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{entries, nines, scenario_name, unavailability, Report};
use crate::results::{Comparison, Estimate, RunSummary};

#[derive(Serialize)]
struct Est {
    mean: f64,
    ci95: [f64; 2],
}

impl From<Estimate> for Est {
    fn from(e: Estimate) -> Self {
        Est {
            mean: e.mean,
            ci95: [e.lo, e.hi],
        }
    }
}

#[derive(Serialize)]
struct Prob {
    estimate: f64,
    ci95: [f64; 2],
}

#[derive(Serialize)]
struct Durations {
    count: u64,
    mean: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

#[derive(Serialize)]
struct CauseJ<'a> {
    cause: &'a str,
    downtime_share: f64,
    downtime_per_year_s: f64,
}

#[derive(Serialize)]
struct Tier {
    availability: Est,
}

#[derive(Serialize)]
struct DataLoss {
    failovers_per_year: f64,
    lost_writes_s_per_year: f64,
    failovers_per_year_ci95: [f64; 2],
    lost_writes_s_per_year_ci95: [f64; 2],
}

#[derive(Serialize)]
struct Deploys {
    started_per_year: f64,
    bad_per_year: f64,
    skipped_per_year: f64,
}

#[derive(Serialize)]
struct Analytic<'a> {
    model: &'a str,
    availability: f64,
    exact: bool,
    simulated: f64,
    z: f64,
    horizon: bool,
    assumption: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    outages_per_year: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p_outage_within_horizon: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mttf_h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    median_first_outage_h: Option<f64>,
}

#[derive(Serialize)]
struct Run<'a> {
    scenario: &'a str,
    timelines: u64,
    horizon_h: f64,
    seed: u64,
    threads: usize,
    elapsed_s: f64,
    events: u64,
    availability: Est,
    unavailability: Est,
    nines: f64,
    request_success: Est,
    downtime_per_year_s: Est,
    degraded_per_year_s: Est,
    outages_per_year: Est,
    outage_duration_s: Durations,
    p_outage_within_horizon: Prob,
    mtbf_h: f64,
    mttr_h: f64,
    causes: Vec<CauseJ<'a>>,
    tiers: BTreeMap<&'a str, Tier>,
    data_loss: DataLoss,
    deploys: Deploys,
    analytic: Vec<Analytic<'a>>,
    /// "plain" or "importance".
    method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    estimator: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rel_error: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    equivalent_timelines: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cycles: Option<u64>,
}

fn analytic(c: &Comparison) -> Analytic<'_> {
    let p = &c.prediction;
    Analytic {
        model: &p.model,
        availability: p.availability,
        exact: p.exact,
        simulated: c.simulated,
        z: c.z,
        horizon: p.horizon,
        assumption: &p.assumption,
        outages_per_year: p.outages_per_year,
        p_outage_within_horizon: p.p_outage_within_horizon,
        mttf_h: p.mttf_h,
        median_first_outage_h: p.median_first_outage_h,
    }
}

fn run(r: &RunSummary) -> Run<'_> {
    let d = &r.outage_duration;
    let po = &r.p_outage_within_horizon;
    let dl = &r.data_loss;
    Run {
        scenario: &r.scenario,
        timelines: r.timelines,
        horizon_h: r.horizon_h,
        seed: r.seed,
        threads: r.threads,
        elapsed_s: r.elapsed_s,
        events: r.events,
        availability: r.availability.into(),
        unavailability: unavailability(&r.availability).into(),
        nines: nines(r.availability.mean),
        request_success: r.request_success.into(),
        downtime_per_year_s: r.downtime_per_year_s.into(),
        degraded_per_year_s: r.degraded_per_year_s.into(),
        outages_per_year: r.outages_per_year.into(),
        outage_duration_s: Durations {
            count: d.count,
            mean: d.mean,
            p50: d.p50,
            p90: d.p90,
            p99: d.p99,
            max: d.max,
        },
        p_outage_within_horizon: Prob {
            estimate: po.mean,
            ci95: [po.lo, po.hi],
        },
        mtbf_h: r.mtbf_h,
        mttr_h: r.mttr_h,
        causes: r
            .causes
            .iter()
            .map(|c| CauseJ {
                cause: &c.cause,
                downtime_share: c.downtime_share,
                downtime_per_year_s: c.downtime_per_year_s,
            })
            .collect(),
        tiers: r
            .tiers
            .iter()
            .map(|(k, t)| {
                (
                    k.as_str(),
                    Tier {
                        availability: t.availability.into(),
                    },
                )
            })
            .collect(),
        data_loss: DataLoss {
            failovers_per_year: dl.failovers_per_year.mean,
            lost_writes_s_per_year: dl.lost_writes_s_per_year.mean,
            failovers_per_year_ci95: [dl.failovers_per_year.lo, dl.failovers_per_year.hi],
            lost_writes_s_per_year_ci95: [
                dl.lost_writes_s_per_year.lo,
                dl.lost_writes_s_per_year.hi,
            ],
        },
        deploys: Deploys {
            started_per_year: r.deploys.started_per_year,
            bad_per_year: r.deploys.bad_per_year,
            skipped_per_year: r.deploys.skipped_per_year,
        },
        analytic: r.analytic.iter().map(analytic).collect(),
        method: if r.rare.is_some() {
            "importance"
        } else {
            "plain"
        },
        estimator: r.rare.as_ref().map(|x| x.method.as_str()),
        rel_error: r.rare.as_ref().map(|x| x.rel_error),
        equivalent_timelines: r.rare.as_ref().map(|x| x.equivalent_timelines),
        cycles: r.rare.as_ref().map(|x| x.cycles),
    }
}

#[derive(Serialize)]
struct Point<'a> {
    value: f64,
    #[serde(flatten)]
    run: Run<'a>,
}

#[derive(Serialize)]
struct Sweep<'a> {
    parameter: &'a str,
    points: Vec<Point<'a>>,
}

#[derive(Serialize)]
struct SweepDoc<'a> {
    scenario: String,
    sweep: Sweep<'a>,
}

#[derive(Serialize)]
struct CompareDoc<'a> {
    scenario: &'a str,
    correlated: Run<'a>,
    independent: Run<'a>,
    /// U_correlated / U_independent; null when the independent twin saw no downtime.
    unavailability_ratio: f64,
}

pub(super) fn render(r: &Report) -> String {
    let text = match r {
        Report::Run(run_) => serde_json::to_string_pretty(&run(run_)),
        Report::Sweep(s) => serde_json::to_string_pretty(&SweepDoc {
            scenario: scenario_name(r),
            sweep: Sweep {
                parameter: &s.parameter,
                points: entries(r)
                    .iter()
                    .map(|e| Point {
                        value: e.sweep_value.unwrap_or(f64::NAN),
                        run: run(e.run),
                    })
                    .collect(),
            },
        }),
        Report::Compare(c) => {
            let uc = 1.0 - c.correlated.availability.mean;
            let ui = 1.0 - c.independent.availability.mean;
            serde_json::to_string_pretty(&CompareDoc {
                scenario: &c.correlated.scenario,
                correlated: run(&c.correlated),
                independent: run(&c.independent),
                unavailability_ratio: if ui > 0.0 { uc / ui } else { f64::NAN },
            })
        }
    };
    // Serializing plain structs of numbers and strings cannot fail.
    let mut text = text.expect("report JSON structs always serialize");
    text.push('\n');
    text
}

//! CSV files of the report folder. Floats use Rust's shortest round-trip
//! `Display`, so the same results always give the same bytes.

use anyhow::Result;

use super::{entries, unavailability, Entry, Report};
use crate::results::Estimate;

fn f(v: f64) -> String {
    format!("{v}")
}

fn sv(e: &Entry) -> String {
    e.sweep_value.map(f).unwrap_or_default()
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    Ok(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

pub(super) const SUMMARY_HEADER: [&str; 7] = [
    "scenario",
    "sweep_value",
    "assumption",
    "metric",
    "mean",
    "ci95_low",
    "ci95_high",
];

pub(super) fn summary(r: &Report) -> Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(SUMMARY_HEADER)?;
    for e in entries(r) {
        let run = e.run;
        let mut rows: Vec<(String, f64, Option<(f64, f64)>)> = Vec::new();
        let mut est =
            |name: &str, x: &Estimate| rows.push((name.into(), x.mean, Some((x.lo, x.hi))));
        est("availability", &run.availability);
        est("unavailability", &unavailability(&run.availability));
        est("request_success", &run.request_success);
        est("downtime_per_year_s", &run.downtime_per_year_s);
        est("degraded_per_year_s", &run.degraded_per_year_s);
        est("outages_per_year", &run.outages_per_year);
        est("p_outage_within_horizon", &run.p_outage_within_horizon);
        let d = &run.outage_duration;
        let mut plain = vec![
            ("mtbf_h", run.mtbf_h),
            ("mttr_h", run.mttr_h),
            ("outage_duration_mean_s", d.mean),
            ("outage_duration_p50_s", d.p50),
            ("outage_duration_p90_s", d.p90),
            ("outage_duration_p99_s", d.p99),
            ("outage_duration_max_s", d.max),
        ];
        for (name, v) in plain.drain(..) {
            rows.push((name.into(), v, None));
        }
        for (name, t) in &run.tiers {
            let a = &t.availability;
            rows.push((
                format!("tier.{name}.availability"),
                a.mean,
                Some((a.lo, a.hi)),
            ));
        }
        let dl = &run.data_loss;
        for (name, x) in [
            ("failovers_per_year", &dl.failovers_per_year),
            ("lost_writes_s_per_year", &dl.lost_writes_s_per_year),
        ] {
            rows.push((name.into(), x.mean, Some((x.lo, x.hi))));
        }
        for (metric, mean, ci) in rows {
            let (lo, hi) = ci.map(|(l, h)| (f(l), f(h))).unwrap_or_default();
            w.write_record([
                run.scenario.clone(),
                sv(&e),
                e.assumption.to_string(),
                metric,
                f(mean),
                lo,
                hi,
            ])?;
        }
    }
    finish(w)
}

pub(super) fn analytic(r: &Report) -> Result<Vec<u8>> {
    let compare = matches!(r, Report::Compare(_));
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "scenario",
        "sweep_value",
        "model",
        "exact",
        "availability",
        "simulated",
        "z",
    ];
    if compare {
        header.push("assumption");
    }
    w.write_record(&header)?;
    for e in entries(r) {
        for c in &e.run.analytic {
            let mut rec = vec![
                e.run.scenario.clone(),
                sv(&e),
                c.prediction.model.clone(),
                c.prediction.exact.to_string(),
                f(c.prediction.availability),
                f(c.simulated),
                f(c.z),
            ];
            if compare {
                rec.push(e.assumption.into());
            }
            w.write_record(&rec)?;
        }
    }
    finish(w)
}

/// Leading column(s) for files that hold every point / side.
fn lead(r: &Report) -> Option<&'static str> {
    match r {
        Report::Run(_) => None,
        Report::Sweep(_) => Some("sweep_value"),
        Report::Compare(_) => Some("assumption"),
    }
}

fn lead_value(r: &Report, e: &Entry) -> String {
    match r {
        Report::Sweep(_) => sv(e),
        _ => e.assumption.into(),
    }
}

pub(super) fn histogram(r: &Report) -> Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let lead = lead(r);
    let mut header: Vec<&str> = lead.into_iter().collect();
    header.extend(["bin_low_s", "bin_high_s", "count"]);
    w.write_record(&header)?;
    for e in entries(r) {
        for b in &e.run.histogram {
            let mut rec: Vec<String> = lead.map(|_| lead_value(r, &e)).into_iter().collect();
            rec.extend([f(b.low_s), f(b.high_s), b.count.to_string()]);
            w.write_record(&rec)?;
        }
    }
    finish(w)
}

pub(super) fn survival(r: &Report) -> Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let lead = lead(r);
    let mut header: Vec<&str> = lead.into_iter().collect();
    header.extend(["t_h", "p_no_outage", "ci95_low", "ci95_high"]);
    w.write_record(&header)?;
    for e in entries(r) {
        for p in &e.run.survival {
            let mut rec: Vec<String> = lead.map(|_| lead_value(r, &e)).into_iter().collect();
            rec.extend([f(p.t_h), f(p.p), f(p.lo), f(p.hi)]);
            w.write_record(&rec)?;
        }
    }
    finish(w)
}

pub(super) const CAUSES_HEADER: [&str; 6] = [
    "scenario",
    "sweep_value",
    "assumption",
    "cause",
    "downtime_share",
    "downtime_per_year_s",
];

pub(super) fn causes(r: &Report) -> Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(CAUSES_HEADER)?;
    for e in entries(r) {
        for c in &e.run.causes {
            w.write_record([
                e.run.scenario.clone(),
                sv(&e),
                e.assumption.to_string(),
                c.cause.clone(),
                f(c.downtime_share),
                f(c.downtime_per_year_s),
            ])?;
        }
    }
    finish(w)
}

//! `outage check`: the analytic predictions of a scenario, without simulating.

use super::text::{nines_text, num, percent, table};
use crate::analytic;
use crate::model::{Scenario, HOUR, YEAR};
use crate::units::format_duration;
use std::fmt::Write;

/// Every applicable model with its availability, outages per year, P(outage
/// within the horizon) and MTTF; then why the exact chain is missing, if it is.
pub fn predictions_text(s: &Scenario) -> String {
    let a = analytic::analyse(s);
    let mut out = String::from("\nanalytic predictions\n");
    let horizon = format_duration(s.simulation.horizon);
    let rows: Vec<Vec<String>> = a
        .predictions
        .iter()
        .map(|p| {
            let kind = match (p.exact, p.horizon) {
                (true, true) => format!("exact, mean over {horizon} from all-up"),
                (true, false) => "exact, steady state".into(),
                (false, _) => format!("approximate: {}", p.assumption),
            };
            vec![
                p.model.clone(),
                precise_percent(p.availability),
                nines_text(p.availability),
                p.outages_per_year.map(num).unwrap_or_else(|| "-".into()),
                p.p_outage_within_horizon
                    .map(|x| format!("{}%", num(100.0 * x)))
                    .unwrap_or_else(|| "-".into()),
                p.mttf_h.map(long_time).unwrap_or_else(|| "-".into()),
                p.median_first_outage_h
                    .map(long_time)
                    .unwrap_or_else(|| "-".into()),
                kind,
            ]
        })
        .collect();
    if !rows.is_empty() {
        let p_head = format!("P(outage in {horizon})");
        table(
            &mut out,
            &[
                "model",
                "availability",
                "nines",
                "outages/y",
                &p_head,
                "MTTF",
                "median 1st outage",
                "kind",
            ],
            &rows,
        );
    }
    match &a.ctmc_refused {
        Some(why) => {
            let _ = writeln!(out, "  exact Markov chain: not built ({why})");
        }
        None => {
            if let Ok(e) = analytic::build::solve(s) {
                let _ = writeln!(
                    out,
                    "  exact Markov chain: {} states, solved in {:.1} ms; steady state {} ({} outages/y, mean outage {})",
                    e.states,
                    e.solve_ms,
                    precise_percent(e.availability),
                    num(e.outages_per_year),
                    format_duration(e.mdt_h * HOUR)
                );
            }
        }
    }
    out
}

/// A time in hours, in human units; beyond a million years in scientific notation.
fn long_time(h: f64) -> String {
    let years = h * HOUR / YEAR;
    if years > 1e6 {
        format!("{years:.3e}y")
    } else {
        format_duration(h * HOUR)
    }
}

/// Availability with two significant digits of unavailability beyond the nines.
pub(crate) fn precise_percent(a: f64) -> String {
    let u = 1.0 - a;
    if !(u > 0.0) {
        return percent(a);
    }
    let d = ((-u.log10()).floor() as i64 + 1 - 2 + 2).clamp(2, 14) as usize;
    format!("{:.d$}%", 100.0 * a)
}

//! The terminal summary: a short report a person reads top to bottom.

use std::fmt::Write;

use super::{nines, Report};
use crate::results::{Comparison, Estimate, RunSummary};
use crate::units::{format_duration, trim_number};

/// |z| beyond which a prediction and the simulation disagree (STYLE.md: z ≈ 4).
pub(crate) const Z_ALARM: f64 = 4.0;

/// Availability as a percent with enough digits to show two significant
/// digits of the unavailability: 0.999913 -> "99.9913%".
pub(crate) fn percent(a: f64) -> String {
    percent_digits(a, digits_for(a))
}

fn digits_for(a: f64) -> usize {
    let n = nines(a);
    if n.is_finite() && n > 0.0 {
        (n.floor() as usize).clamp(2, 12)
    } else {
        2
    }
}

fn percent_digits(a: f64, d: usize) -> String {
    if !a.is_finite() {
        return "n/a".into();
    }
    if a == 1.0 {
        return "100%".into();
    }
    format!("{:.d$}%", a * 100.0)
}

/// "4.06 nines", "∞ nines" for A = 1.
pub(crate) fn nines_text(a: f64) -> String {
    let n = nines(a);
    if n.is_infinite() && n > 0.0 {
        "∞ nines".into()
    } else if n.is_nan() {
        "n/a nines".into()
    } else {
        format!("{n:.2} nines")
    }
}

fn avail_line(a: &Estimate) -> String {
    let d = digits_for(a.mean).max(digits_for(a.lo));
    format!(
        "{} ({}), 95% CI {} – {}",
        percent_digits(a.mean, d),
        nines_text(a.mean),
        percent_digits(a.lo, d),
        percent_digits(a.hi, d)
    )
}

fn dur_ci(e: &Estimate) -> String {
    format!(
        "{}, 95% CI {} – {}",
        format_duration(e.mean),
        format_duration(e.lo),
        format_duration(e.hi)
    )
}

pub(crate) fn num(v: f64) -> String {
    if v.is_finite() {
        trim_number(v)
    } else {
        "n/a".into()
    }
}

fn num_ci(e: &Estimate) -> String {
    format!("{}, 95% CI {} – {}", num(e.mean), num(e.lo), num(e.hi))
}

fn prob(p: f64) -> String {
    if p.is_finite() {
        format!("{}%", trim_number(p * 100.0))
    } else {
        "n/a".into()
    }
}

fn prob_ci(e: &Estimate) -> String {
    format!("{}, 95% CI {} – {}", prob(e.mean), prob(e.lo), prob(e.hi))
}

fn hours(h: f64) -> String {
    format_duration(h * 3600.0)
}

/// A plain left-aligned table, columns separated by two spaces.
pub(crate) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut s = String::from("  ");
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(header.iter().map(|s| s.to_string()).collect()));
    out.push_str(&line(w.iter().map(|n| "-".repeat(*n)).collect()));
    for r in rows {
        out.push_str(&line(r.clone()));
    }
}

fn header(r: &RunSummary) -> String {
    if let Some(x) = &r.rare {
        return format!(
            "{}: {}, {} cycles, seed {}, {} threads, {}\n  \
             relative error {} (95%){}, equivalent to {} plain timelines of {}\n",
            r.scenario,
            x.method,
            x.cycles,
            r.seed,
            r.threads,
            format_duration(r.elapsed_s),
            prob(x.rel_error),
            if x.converged {
                ""
            } else {
                ", target not reached"
            },
            trim_number(x.equivalent_timelines.round()),
            hours(r.horizon_h)
        );
    }
    let rate = if r.elapsed_s > 0.0 {
        format!(
            ", {} timelines/s",
            trim_number(r.timelines as f64 / r.elapsed_s)
        )
    } else {
        String::new()
    };
    format!(
        "{}: {} timelines × {} horizon, seed {}, {} threads, {}{}\n",
        r.scenario,
        r.timelines,
        hours(r.horizon_h),
        r.seed,
        r.threads,
        format_duration(r.elapsed_s),
        rate
    )
}

fn note(c: &Comparison) -> String {
    let p = &c.prediction;
    let kind = if p.exact { "exact" } else { "approximate" };
    let when = if p.horizon { "horizon" } else { "steady state" };
    format!("{kind}, {when}")
}

/// A sweep: exact mismatches loudly per point; each approximation that differs
/// once, with how many points it missed and the assumption it rests on.
fn sweep_alarms(out: &mut String, s: &crate::results::SweepResult) {
    let mut approx: Vec<(String, String, usize, f64)> = Vec::new();
    for (v, p) in &s.points {
        let exact: Vec<Comparison> = p
            .analytic
            .iter()
            .filter(|c| c.prediction.exact)
            .cloned()
            .collect();
        alarms(out, &exact, &format!("{} = {}: ", s.parameter, v));
        for c in p
            .analytic
            .iter()
            .filter(|c| !c.prediction.exact && c.z.abs() > Z_ALARM)
        {
            match approx.iter_mut().find(|a| a.0 == c.prediction.model) {
                Some(a) => {
                    a.2 += 1;
                    a.3 = a.3.max(c.z.abs());
                }
                None => approx.push((
                    c.prediction.model.clone(),
                    c.prediction.assumption.clone(),
                    1,
                    c.z.abs(),
                )),
            }
        }
    }
    for (model, assumption, n, z) in approx {
        let why = if assumption.is_empty() {
            "its assumptions".to_string()
        } else {
            assumption
        };
        let _ = writeln!(
            out,
            "{model} differs at {n} of {} points (|z| up to {z:.1}) because the scenario breaks: {why}",
            s.points.len()
        );
    }
}

/// Loud lines for predictions that disagree with the simulation.
fn alarms(out: &mut String, analytic: &[Comparison], prefix: &str) {
    for c in analytic {
        if !(c.z.abs() > Z_ALARM) {
            continue;
        }
        let p = &c.prediction;
        if p.exact && !p.horizon {
            let _ = writeln!(
                out,
                "{prefix}{} is exact in steady state; the run measures the mean over the horizon from all-up (z = {:.1}: start-up transient)",
                p.model, c.z
            );
        } else if p.exact {
            let _ = writeln!(
                out,
                "{prefix}MISMATCH: exact model disagrees with the simulation (z = {:.1}), this is a bug: {}",
                c.z, p.model
            );
        } else {
            let why = if p.assumption.is_empty() {
                "its assumptions"
            } else {
                &p.assumption
            };
            let _ = writeln!(
                out,
                "{prefix}{} differs (z = {:.1}) because the scenario breaks: {why}",
                p.model, c.z
            );
        }
    }
}

fn run_body(out: &mut String, r: &RunSummary) {
    let d = &r.outage_duration;
    let _ = writeln!(out, "  availability        {}", avail_line(&r.availability));
    if (r.request_success.mean - r.availability.mean).abs() > 1e-12 {
        let _ = writeln!(
            out,
            "  request success     {}",
            avail_line(&r.request_success)
        );
    }
    let _ = writeln!(
        out,
        "  downtime per year   {}",
        dur_ci(&r.downtime_per_year_s)
    );
    if r.degraded_per_year_s.mean > 0.0 {
        let _ = writeln!(
            out,
            "  degraded per year   {}",
            dur_ci(&r.degraded_per_year_s)
        );
    }
    let _ = writeln!(out, "  outages per year    {}", num_ci(&r.outages_per_year));
    let _ = writeln!(
        out,
        "  P(outage in {})  {}",
        hours(r.horizon_h),
        prob_ci(&r.p_outage_within_horizon)
    );
    if d.count == 0 {
        let _ = writeln!(out, "  outages             none observed");
    } else {
        let _ = writeln!(
            out,
            "  MTBF / MTTR         {} / {}",
            hours(r.mtbf_h),
            hours(r.mttr_h)
        );
    }
    if d.count > 0 && !d.p50.is_nan() {
        let _ = writeln!(
            out,
            "  outage duration     p50 {}, p90 {}, p99 {}, max {} ({} outages)",
            format_duration(d.p50),
            format_duration(d.p90),
            format_duration(d.p99),
            format_duration(d.max),
            d.count
        );
    }
    if !r.causes.is_empty() {
        out.push_str("\n  top causes of downtime\n");
        for c in r.causes.iter().take(5) {
            let _ = writeln!(
                out,
                "    {:>6}  {}  ({}/y)",
                prob(c.downtime_share),
                c.cause,
                format_duration(c.downtime_per_year_s)
            );
        }
    }
    if r.tiers.len() > 1 {
        out.push_str("\n  per tier\n");
        for (name, t) in &r.tiers {
            let _ = writeln!(out, "    {name:<12} {}", avail_line(&t.availability));
        }
    }
    let dl = &r.data_loss;
    if dl.failovers_per_year.mean > 0.0 {
        let _ = writeln!(
            out,
            "\n  data loss           {} failovers/y, {} of lost writes/y",
            num(dl.failovers_per_year.mean),
            format_duration(dl.lost_writes_s_per_year.mean)
        );
    }
    if r.deploys.skipped_per_year > 0.0 {
        let _ = writeln!(
            out,
            "  skipped deploys     {}/y (of {}/y started)",
            num(r.deploys.skipped_per_year),
            num(r.deploys.started_per_year)
        );
    }
    if !r.analytic.is_empty() {
        out.push_str("\n  analytic\n");
        let rows: Vec<Vec<String>> = r
            .analytic
            .iter()
            .map(|c| {
                vec![
                    c.prediction.model.clone(),
                    super::check::precise_percent(c.prediction.availability),
                    super::check::precise_percent(c.simulated),
                    format!("{:.2}", c.z),
                    note(c),
                ]
            })
            .collect();
        table(
            out,
            &["model", "availability", "simulated", "z", "note"],
            &rows,
        );
        alarms(out, &r.analytic, "  ");
    }
}

/// The prediction to show in a sweep row: an exact one if any, else the
/// closest (smallest |z|).
fn best(analytic: &[Comparison]) -> Option<&Comparison> {
    analytic.iter().find(|c| c.prediction.exact).or_else(|| {
        analytic
            .iter()
            .filter(|c| c.z.is_finite())
            .min_by(|a, b| a.z.abs().total_cmp(&b.z.abs()))
    })
}

fn ratio_text(c: &RunSummary, i: &RunSummary) -> String {
    let uc = 1.0 - c.availability.mean;
    let ui = 1.0 - i.availability.mean;
    let ui_hi = 1.0 - i.availability.lo;
    if ui > 0.0 {
        format!("correlation costs × {}", num(uc / ui))
    } else if uc <= 0.0 {
        "no downtime observed in either run".into()
    } else if ui_hi > 0.0 {
        format!(
            "correlation costs > × {} (no independent downtime observed; bound from its CI)",
            num(uc / ui_hi)
        )
    } else {
        "no independent downtime observed".into()
    }
}

pub(super) fn render(r: &Report) -> String {
    let mut out = String::new();
    match r {
        Report::Run(run) => {
            out.push_str(&header(run));
            run_body(&mut out, run);
        }
        Report::Sweep(s) => {
            let Some((_, first)) = s.points.first() else {
                let _ = writeln!(out, "sweep of {}: no points", s.parameter);
                return out;
            };
            let _ = writeln!(
                out,
                "{}: sweep of {} over {} values, {} timelines × {} each, seed {}",
                first.scenario,
                s.parameter,
                s.points.len(),
                first.timelines,
                hours(first.horizon_h),
                first.seed
            );
            let rows: Vec<Vec<String>> = s
                .points
                .iter()
                .map(|(v, p)| {
                    let a = &p.availability;
                    vec![
                        trim_number(*v),
                        percent(a.mean),
                        nines_text(a.mean).replace(" nines", ""),
                        format!("{} – {}", percent(a.lo), percent(a.hi)),
                        format_duration(p.downtime_per_year_s.mean),
                        num(p.outages_per_year.mean),
                        prob(p.p_outage_within_horizon.mean),
                        p.causes
                            .first()
                            .map(|c| format!("{} ({:.0}%)", c.cause, c.downtime_share * 100.0))
                            .unwrap_or_else(|| "none".into()),
                        best(&p.analytic)
                            .map(|c| {
                                format!(
                                    "{} {} (z {:.1})",
                                    c.prediction.model,
                                    percent(c.prediction.availability),
                                    c.z
                                )
                            })
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            table(
                &mut out,
                &[
                    &s.parameter,
                    "availability",
                    "nines",
                    "95% CI",
                    "downtime/y",
                    "outages/y",
                    "P(outage)",
                    "top cause",
                    "best analytic",
                ],
                &rows,
            );
            sweep_alarms(&mut out, s);
        }
        Report::Compare(c) => {
            out.push_str(&header(&c.correlated));
            let (a, b) = (&c.correlated, &c.independent);
            let row = |m: &str, f: &dyn Fn(&RunSummary) -> String| vec![m.to_string(), f(a), f(b)];
            let rows = vec![
                row("availability", &|r| percent(r.availability.mean)),
                row("nines", &|r| nines_text(r.availability.mean)),
                row("95% CI", &|r| {
                    format!(
                        "{} – {}",
                        percent(r.availability.lo),
                        percent(r.availability.hi)
                    )
                }),
                row("downtime per year", &|r| {
                    format_duration(r.downtime_per_year_s.mean)
                }),
                row("outages per year", &|r| num(r.outages_per_year.mean)),
                row("P(outage in horizon)", &|r| {
                    prob(r.p_outage_within_horizon.mean)
                }),
            ];
            table(&mut out, &["", "correlated", "independent"], &rows);
            let _ = writeln!(out, "\n  {}", ratio_text(a, b));
            alarms(&mut out, &a.analytic, "  correlated: ");
            alarms(&mut out, &b.analytic, "  independent: ");
        }
    }
    out
}

//! `--assert 'METRIC OP VALUE'` for pipelines.
//!
//! The condition fails (exit status 3) only when the whole 95% confidence interval
//! lies on the wrong side of the threshold: `availability >= 99.95%` fails when
//! the CI's upper bound is below 99.95%. A mean just under the threshold with a CI
//! that straddles it is not a failure (the simulation cannot tell), and the
//! message says so. Metrics without a CI (mtbf_h, mttr_h) compare the value.

use crate::results::{Estimate, RunSummary};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    pub text: String,
    pub metric: String,
    pub op: Op,
    pub value: f64,
}

/// Metrics `--assert` understands (the JSON keys).
pub const METRICS: &[&str] = &[
    "availability",
    "unavailability",
    "request_success",
    "downtime_per_year_s",
    "outages_per_year",
    "p_outage_within_horizon",
    "mtbf_h",
    "mttr_h",
];

/// Parses `availability >= 99.95%` (spaces optional, value a number or percent).
pub fn parse(text: &str) -> Result<Assertion, String> {
    let t = text.trim();
    let ops = [(">=", Op::Ge), ("<=", Op::Le), (">", Op::Gt), ("<", Op::Lt)];
    let Some((pos, len, op)) = ops
        .iter()
        .filter_map(|(s, o)| t.find(s).map(|p| (p, s.len(), *o)))
        .min_by_key(|&(p, l, _)| (p, std::cmp::Reverse(l)))
    else {
        return Err(format!(
            "--assert `{text}`: expected METRIC OP VALUE with OP one of >= > <= <, e.g. 'availability >= 99.95%'"
        ));
    };
    let metric = t[..pos].trim().to_string();
    let raw = t[pos + len..].trim();
    if !METRICS.contains(&metric.as_str()) {
        return Err(format!(
            "--assert `{text}`: unknown metric `{metric}`; one of {}",
            METRICS.join(", ")
        ));
    }
    let value = match raw.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => raw.parse::<f64>(),
    }
    .ok()
    .filter(|v| v.is_finite())
    .ok_or_else(|| format!("--assert `{text}`: `{raw}` is not a number or percent"))?;
    Ok(Assertion {
        text: text.to_string(),
        metric,
        op,
        value,
    })
}

fn metric(r: &RunSummary, m: &str) -> Estimate {
    let point = |v: f64| Estimate {
        mean: v,
        lo: v,
        hi: v,
    };
    match m {
        "availability" => r.availability,
        "unavailability" => Estimate {
            mean: 1.0 - r.availability.mean,
            lo: 1.0 - r.availability.hi,
            hi: 1.0 - r.availability.lo,
        },
        "request_success" => r.request_success,
        "downtime_per_year_s" => r.downtime_per_year_s,
        "outages_per_year" => r.outages_per_year,
        "p_outage_within_horizon" => r.p_outage_within_horizon,
        "mtbf_h" => point(r.mtbf_h),
        _ => point(r.mttr_h),
    }
}

/// `None` when the assertion holds (or cannot be refuted); otherwise why it fails.
pub fn check(a: &Assertion, r: &RunSummary) -> Result<String, String> {
    let e = metric(r, &a.metric);
    let (fails, bound) = match a.op {
        Op::Ge => (e.hi < a.value, e.hi),
        Op::Gt => (e.hi <= a.value, e.hi),
        Op::Le => (e.lo > a.value, e.lo),
        Op::Lt => (e.lo >= a.value, e.lo),
    };
    let ci = format!("{} = {} (95% CI {} – {})", a.metric, e.mean, e.lo, e.hi);
    if fails {
        Err(format!(
            "assertion failed: {}: {ci}; the CI bound {bound} is on the wrong side",
            a.text
        ))
    } else {
        Ok(format!("assertion holds: {}: {ci}", a.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mean: f64, lo: f64, hi: f64) -> RunSummary {
        RunSummary {
            availability: Estimate { mean, lo, hi },
            ..RunSummary::default()
        }
    }

    #[test]
    fn parses_percent_and_numbers() {
        let a = parse("availability >= 99.95%").unwrap();
        assert_eq!((a.op, a.value), (Op::Ge, 0.9995));
        let a = parse("p_outage_within_horizon<=0.1").unwrap();
        assert_eq!(
            (a.metric.as_str(), a.op, a.value),
            ("p_outage_within_horizon", Op::Le, 0.1)
        );
        assert!(parse("availabilty >= 99%")
            .unwrap_err()
            .contains("unknown metric"));
        assert!(parse("availability == 1").is_err());
        assert!(parse("availability >= lots").is_err());
    }

    #[test]
    fn fails_only_when_the_whole_ci_is_on_the_wrong_side() {
        let a = parse("availability >= 99.95%").unwrap();
        assert!(check(&a, &run(0.9990, 0.9989, 0.9991)).is_err());
        assert!(
            check(&a, &run(0.9994, 0.9993, 0.99955)).is_ok(),
            "straddles"
        );
        assert!(check(&a, &run(0.9999, 0.9998, 0.99995)).is_ok());
        let b = parse("unavailability < 1e-3").unwrap();
        assert!(check(&b, &run(0.9990, 0.9985, 0.9989)).is_err());
    }
}

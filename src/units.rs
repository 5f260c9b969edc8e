//! Durations with units: parsing scenario strings and printing times for people.

/// The units a duration string may carry, with their length in seconds.
pub const UNITS: [(&str, f64); 8] = [
    ("ms", 0.001),
    ("s", 1.0),
    ("m", 60.0),
    ("h", 3600.0),
    ("d", 86_400.0),
    ("w", 604_800.0),
    ("y", crate::model::YEAR),
    ("us", 1e-6),
];

/// Text listing the accepted units, for error messages.
pub const UNITS_HELP: &str =
    "a duration needs a unit: ms, s, m (minutes), h, d, w, y (365.25 d), e.g. \"30s\", \"1.5h\", \"1e6s\"";

/// Parses `"250ms"`, `"1.5h"`, `"1e6s"` into seconds. Errors say what is wrong.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("empty duration; {UNITS_HELP}"));
    }
    // Longest unit suffix that matches (so "ms" wins over "s").
    let mut best: Option<(&str, f64)> = None;
    for (u, secs) in UNITS {
        if s.ends_with(u) && best.is_none_or(|(b, _)| u.len() > b.len()) {
            best = Some((u, secs));
        }
    }
    let Some((unit, secs)) = best else {
        return Err(format!("`{s}` has no known unit; {UNITS_HELP}"));
    };
    let num = s[..s.len() - unit.len()].trim();
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a number followed by a unit; {UNITS_HELP}"))?;
    if !value.is_finite() {
        return Err(format!("`{s}` is not a finite duration"));
    }
    if value < 0.0 {
        return Err(format!("`{s}` is negative; durations are >= 0"));
    }
    let out = value * secs;
    if !out.is_finite() {
        return Err(format!("`{s}` is too large"));
    }
    Ok(out)
}

/// Prints seconds in the largest unit that keeps the number readable:
/// `250ms`, `42s`, `7.5m`, `10h`, `3.2d`, `1.5y`.
pub fn format_duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "∞".into();
    }
    let a = secs.abs();
    let (v, u) = if a == 0.0 {
        (0.0, "s")
    } else if a < 1.0 {
        (secs * 1000.0, "ms")
    } else if a < 60.0 {
        (secs, "s")
    } else if a < 3600.0 {
        (secs / 60.0, "m")
    } else if a < 86_400.0 * 2.0 {
        (secs / 3600.0, "h")
    } else if a < crate::model::YEAR {
        (secs / 86_400.0, "d")
    } else {
        (secs / crate::model::YEAR, "y")
    };
    format!("{}{u}", trim_number(v))
}

/// Up to 4 significant digits, no trailing zeros.
pub fn trim_number(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse_duration("250ms").unwrap(), 0.25);
        assert_eq!(parse_duration("30s").unwrap(), 30.0);
        assert_eq!(parse_duration("15m").unwrap(), 900.0);
        assert_eq!(parse_duration("1.5h").unwrap(), 5400.0);
        assert_eq!(parse_duration("7d").unwrap(), 604_800.0);
        assert_eq!(parse_duration("2w").unwrap(), 1_209_600.0);
        assert_eq!(parse_duration("1y").unwrap(), 31_557_600.0);
        assert_eq!(parse_duration("1e6s").unwrap(), 1e6);
    }

    #[test]
    fn rejects_bad_durations() {
        for bad in ["", "10", "10x", "h", "-1h", "nanh", "infh", "1e400s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_readably() {
        assert_eq!(format_duration(0.25), "250ms");
        assert_eq!(format_duration(36_000.0), "10h");
        assert_eq!(format_duration(450.0), "7.5m");
    }
}

//! PNG plots. Each plot has a pure `*_series` function that computes what is
//! drawn (tests check it as data) and a `draw_*` function that only draws it.
//!
//! The font is DejaVu Sans embedded via the `dejavu` crate and registered as
//! "sans-serif" with plotters' ab_glyph backend: no system fonts, no fontconfig.
//! Log axes are drawn as linear axes over log10 values with custom labels
//! (nines for availability, human durations for outage lengths); zeros cannot
//! go on a log axis, so they are clamped to a floor and the plot says so.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::Once;

use anyhow::{anyhow, Result};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

use super::{commit_temp, entries, temp_path, unavailability, Report};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 800;
const FAMILY: &str = "sans-serif";

static FONT: Once = Once::new();

/// A palette that reads on white (no yellow): series colour `i`, cycling.
fn color(i: usize) -> RGBAColor {
    const COLORS: [RGBColor; 8] = [
        RGBColor(31, 119, 180),  // blue
        RGBColor(214, 39, 40),   // red
        RGBColor(44, 160, 44),   // green
        RGBColor(255, 127, 14),  // orange
        RGBColor(148, 103, 189), // purple
        RGBColor(140, 86, 75),   // brown
        RGBColor(227, 119, 194), // pink
        RGBColor(23, 190, 207),  // cyan
    ];
    COLORS[i % COLORS.len()].to_rgba()
}

/// Registers the embedded DejaVu Sans once per process.
pub fn ensure_font() {
    FONT.call_once(|| {
        // The embedded font is a valid TTF; failure here would be a packaging bug.
        register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular())
            .map_err(|_| ())
            .expect("embedded DejaVu Sans is a valid font");
    });
}

fn font(size: u32) -> FontDesc<'static> {
    (FAMILY, size as f64).into_font()
}

type DrawResult = std::result::Result<(), Box<dyn Error>>;
type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
type Chart<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The frame every single-panel chart shares: title, margins, label areas.
fn build_chart<'a, 'b>(
    area: &'a Area<'b>,
    title: &str,
    y_label_area: u32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> std::result::Result<Chart<'a, 'b>, Box<dyn Error>> {
    Ok(ChartBuilder::on(area)
        .caption(title, font(30))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x, y)?)
}

/// The legend box every chart shares.
fn draw_legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, pos: SeriesLabelPosition) -> DrawResult {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(font(16))
        .position(pos)
        .draw()?;
    Ok(())
}

/// Positive values only on a log axis: the floor zeros are drawn at.
fn floor_for(values: &[f64]) -> f64 {
    let min = values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    if min.is_finite() {
        min / 10.0
    } else {
        1e-6
    }
}

fn log_clamped(v: f64, floor: f64, clamped: &mut bool) -> f64 {
    if !(v > floor) || !v.is_finite() {
        if !v.is_finite() && v > 0.0 {
            return v.log10();
        }
        *clamped = true;
        floor.log10()
    } else {
        v.log10()
    }
}

// ---------------------------------------------------------------- availability

/// A vertical CI bar from `lo` to `hi` at `x` with caps `cap` wide (data units).
/// (plotters' ErrorBar needs a feature we do not enable.)
fn error_bar(x: f64, lo: f64, hi: f64, cap: f64, style: ShapeStyle) -> PathElement<(f64, f64)> {
    PathElement::new(
        vec![
            (x - cap, lo),
            (x + cap, lo),
            (x, lo),
            (x, hi),
            (x - cap, hi),
            (x + cap, hi),
        ],
        style,
    )
}

/// One simulated availability with CI, in nines (= -log10 unavailability).
#[derive(Clone, Debug, PartialEq)]
pub struct SimPoint {
    pub x: f64,
    pub label: String,
    pub nines: f64,
    pub nines_lo: f64,
    pub nines_hi: f64,
}

/// One analytic model across the x positions.
#[derive(Clone, Debug, PartialEq)]
pub struct PredCurve {
    pub model: String,
    pub exact: bool,
    pub points: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AvailabilitySeries {
    /// Some(parameter) for a sweep (x = parameter value); None: categorical x.
    pub parameter: Option<String>,
    /// Labels of categorical x positions 0, 1, ... (empty for a sweep).
    pub categories: Vec<String>,
    pub simulated: Vec<SimPoint>,
    pub predictions: Vec<PredCurve>,
    /// Unavailability floor used for zeros.
    pub floor: f64,
    pub clamped: bool,
}

pub fn availability_series(r: &Report) -> AvailabilitySeries {
    let es = entries(r);
    let mut all_u = Vec::new();
    for e in &es {
        let u = unavailability(&e.run.availability);
        all_u.extend([u.mean, u.lo, u.hi]);
        all_u.extend(
            e.run
                .analytic
                .iter()
                .map(|c| 1.0 - c.prediction.availability),
        );
    }
    let floor = floor_for(&all_u);
    let mut clamped = false;
    let mut nines = |u: f64| -log_clamped(u, floor, &mut clamped);
    let sweep = matches!(r, Report::Sweep(_));
    let mut s = AvailabilitySeries {
        parameter: match r {
            Report::Sweep(sw) => Some(sw.parameter.clone()),
            _ => None,
        },
        categories: vec![],
        simulated: vec![],
        predictions: vec![],
        floor,
        clamped: false,
    };
    for (i, e) in es.iter().enumerate() {
        let u = unavailability(&e.run.availability);
        let x = e.sweep_value.unwrap_or(i as f64);
        let label = match e.assumption {
            "as written" => "simulated".to_string(),
            a => format!("{a} (simulated)"),
        };
        if !sweep {
            s.categories.push(label.clone());
        }
        s.simulated.push(SimPoint {
            x,
            label,
            nines: nines(u.mean),
            nines_lo: nines(u.hi),
            nines_hi: nines(u.lo),
        });
    }
    // Predictions: a curve per model across sweep values; for run/compare one
    // categorical position per prediction of the first (as written) run.
    let pred_runs: Vec<_> = if sweep {
        es.clone()
    } else {
        es.iter().take(1).cloned().collect()
    };
    for e in &pred_runs {
        for c in &e.run.analytic {
            let p = &c.prediction;
            let x = match e.sweep_value {
                Some(v) => v,
                None => {
                    s.categories.push(p.model.clone());
                    (s.categories.len() - 1) as f64
                }
            };
            let y = nines(1.0 - p.availability);
            match s.predictions.iter_mut().find(|q| q.model == p.model) {
                Some(q) if sweep => q.points.push((x, y)),
                _ => s.predictions.push(PredCurve {
                    model: p.model.clone(),
                    exact: p.exact,
                    points: vec![(x, y)],
                }),
            }
        }
    }
    s.clamped = clamped;
    s
}

/// "99.9% (3 nines)" for integer nines.
pub fn nines_label(n: f64) -> String {
    if (n - n.round()).abs() > 1e-6 {
        return format!("{n:.1} nines");
    }
    let k = n.round() as i64;
    let pct = match k {
        i64::MIN..=0 => "0%".to_string(),
        1 => "90%".to_string(),
        2 => "99%".to_string(),
        _ => format!("99.{}%", "9".repeat((k - 2) as usize)),
    };
    format!("{pct} ({k} nines)")
}

fn range_of(vals: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in vals.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo <= hi).then_some((lo, hi))
}

fn draw_availability(area: &Area, s: &AvailabilitySeries, title: &str) -> DrawResult {
    area.fill(&WHITE)?;
    let ys = s
        .simulated
        .iter()
        .flat_map(|p| [p.nines, p.nines_lo, p.nines_hi])
        .chain(
            s.predictions
                .iter()
                .flat_map(|c| c.points.iter().map(|p| p.1)),
        );
    let (ylo, yhi) = range_of(ys).unwrap_or((0.0, 1.0));
    let (ylo, yhi) = (
        (ylo - 0.3).floor().max(0.0),
        (yhi + 0.3).ceil().max(ylo + 1.0),
    );
    let xs = s.simulated.iter().map(|p| p.x).chain(
        s.predictions
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.0)),
    );
    let (xlo, xhi) = range_of(xs).unwrap_or((0.0, 1.0));
    // Categorical positions need room for their labels at both ends.
    let pad = if !s.categories.is_empty() {
        0.6
    } else if xhi > xlo {
        (xhi - xlo) * 0.08
    } else {
        0.5
    };
    let (xlo, xhi) = (xlo - pad, xhi + pad);
    let mut chart = build_chart(area, title, 190, xlo..xhi, ylo..yhi)?;
    let cats = s.categories.clone();
    let int_sweep = s.simulated.iter().all(|p| p.x.fract() == 0.0);
    let xfmt = move |x: &f64| {
        if cats.is_empty() {
            // An integer parameter (instances, ...) gets integer ticks only.
            if int_sweep && (x - x.round()).abs() > 1e-9 {
                String::new()
            } else {
                crate::units::trim_number(*x)
            }
        } else {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                cats.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
    };
    let n_x = if s.categories.is_empty() {
        10
    } else {
        s.categories.len() * 4 + 1
    };
    chart
        .configure_mesh()
        .x_labels(n_x)
        .y_labels((yhi - ylo) as usize + 1)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&|y| nines_label(*y))
        .x_desc(s.parameter.clone().unwrap_or_default())
        .y_desc("availability (log unavailability, nines)")
        .label_style(font(16))
        .axis_desc_style(font(20))
        .draw()?;
    for (i, c) in s.predictions.iter().enumerate() {
        let col = color(i + 1);
        let name = format!(
            "{} ({})",
            c.model,
            if c.exact { "exact" } else { "approx." }
        );
        if s.parameter.is_some() {
            chart
                .draw_series(LineSeries::new(c.points.clone(), col.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], col.stroke_width(2))
                });
        } else {
            chart
                .draw_series(
                    c.points
                        .iter()
                        .map(|p| TriangleMarker::new(*p, 10, col.filled())),
                )?
                .label(name)
                .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 6, col.filled()));
        }
    }
    let blue = RGBColor(31, 119, 180);
    let cap = (xhi - xlo) * 0.012;
    let sim = s.simulated.clone();
    chart
        .draw_series(
            sim.iter()
                .map(|p| error_bar(p.x, p.nines_lo, p.nines_hi, cap, blue.stroke_width(2))),
        )?
        .label("simulated, 95% CI")
        .legend(move |(x, y)| Circle::new((x + 10, y), 5, blue.filled()));
    chart.draw_series(
        sim.iter()
            .map(|p| Circle::new((p.x, p.nines), 5, blue.filled())),
    )?;
    if s.parameter.is_some() && s.predictions.is_empty() {
        chart.draw_series(LineSeries::new(
            sim.iter().map(|p| (p.x, p.nines)),
            blue.stroke_width(2),
        ))?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    if s.clamped {
        area.draw_text(
            &format!(
                "availability 100% (unavailability 0) drawn at the floor {:e}",
                s.floor
            ),
            &font(16).color(&RED).into(),
            (220, HEIGHT as i32 - 24),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------- survival

#[derive(Clone, Debug, PartialEq)]
pub struct SurvivalCurve {
    pub label: String,
    /// (t in `unit`, p, lo, hi)
    pub points: Vec<(f64, f64, f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SurvivalSeries {
    /// "h" or "d"
    pub unit: &'static str,
    pub curves: Vec<SurvivalCurve>,
    /// (label, t in unit, exact P(no outage) at the horizon)
    pub markers: Vec<(String, f64, f64)>,
}

pub fn survival_series(r: &Report) -> SurvivalSeries {
    let es = entries(r);
    let horizon = es.iter().map(|e| e.run.horizon_h).fold(0.0, f64::max);
    let (unit, div) = if horizon > 72.0 {
        ("d", 24.0)
    } else {
        ("h", 1.0)
    };
    let param = match r {
        Report::Sweep(s) => Some(s.parameter.as_str()),
        _ => None,
    };
    let mut s = SurvivalSeries {
        unit,
        curves: vec![],
        markers: vec![],
    };
    for e in &es {
        let label = e.label(param);
        s.curves.push(SurvivalCurve {
            label: label.clone(),
            points: e
                .run
                .survival
                .iter()
                .map(|p| (p.t_h / div, p.p, p.lo, p.hi))
                .collect(),
        });
        for c in &e.run.analytic {
            if !c.prediction.survival.is_empty() {
                s.curves.push(SurvivalCurve {
                    label: match param {
                        Some(_) => format!("{}, exact: {label}", c.prediction.model),
                        None => format!("{}, exact", c.prediction.model),
                    },
                    points: c
                        .prediction
                        .survival
                        .iter()
                        .map(|&(t, p)| (t / div, p, p, p))
                        .collect(),
                });
                continue;
            }
            if let Some(po) = c.prediction.p_outage_within_horizon {
                s.markers.push((
                    format!("{}: {label}", c.prediction.model),
                    e.run.horizon_h / div,
                    1.0 - po,
                ));
            }
        }
    }
    s
}

fn draw_survival(area: &Area, s: &SurvivalSeries, title: &str) -> DrawResult {
    area.fill(&WHITE)?;
    let ts = s
        .curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0))
        .chain(s.markers.iter().map(|m| m.1));
    let (_, tmax) = range_of(ts).unwrap_or((0.0, 1.0));
    let tmax = if tmax > 0.0 { tmax } else { 1.0 };
    let ps = s
        .curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.2))
        .chain(s.markers.iter().map(|m| m.2));
    let (pmin, _) = range_of(ps).unwrap_or((0.0, 1.0));
    let ylo = (pmin - 0.05 * (1.0 - pmin)).max(0.0).min(0.999);
    let mut chart = build_chart(
        area,
        title,
        90,
        0.0..tmax * 1.02,
        ylo..1.0 + (1.0 - ylo) * 0.02,
    )?;
    chart
        .configure_mesh()
        .x_desc(format!(
            "time ({})",
            if s.unit == "d" { "days" } else { "hours" }
        ))
        .x_label_formatter(&|x| crate::units::trim_number(*x))
        .y_desc("P(no outage yet)")
        .label_style(font(16))
        .axis_desc_style(font(20))
        .draw()?;
    for (i, c) in s.curves.iter().enumerate() {
        let col = color(i);
        let mut band: Vec<(f64, f64)> = c.points.iter().map(|p| (p.0, p.3)).collect();
        band.extend(c.points.iter().rev().map(|p| (p.0, p.2)));
        chart.draw_series(std::iter::once(Polygon::new(band, col.mix(0.2).filled())))?;
        chart
            .draw_series(LineSeries::new(
                c.points.iter().map(|p| (p.0, p.1)),
                col.stroke_width(2),
            ))?
            .label(if c.points.iter().all(|p| p.2 == p.3) {
                c.label.clone()
            } else {
                format!("{} (95% CI band)", c.label)
            })
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], col.stroke_width(2)));
    }
    for (i, m) in s.markers.iter().enumerate() {
        let col = color(i + s.curves.len());
        chart
            .draw_series(std::iter::once(Cross::new(
                (m.1, m.2),
                10,
                col.stroke_width(3),
            )))?
            .label(format!("{} at horizon", m.0))
            .legend(move |(x, y)| Cross::new((x + 10, y), 6, col.stroke_width(2)));
    }
    draw_legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
    if s.curves.iter().all(|c| c.points.is_empty()) {
        area.draw_text("no survival data", &font(24).into(), (500, 400))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- durations

#[derive(Clone, Debug, PartialEq)]
pub struct HistogramSeries {
    /// (label, bins as (log10 low s, log10 high s, count)), non-empty bins only
    pub groups: Vec<(String, Vec<(f64, f64, u64)>)>,
}

pub fn histogram_series(r: &Report) -> HistogramSeries {
    let param = match r {
        Report::Sweep(s) => Some(s.parameter.as_str()),
        _ => None,
    };
    HistogramSeries {
        groups: entries(r)
            .iter()
            .map(|e| {
                let bins = e
                    .run
                    .histogram
                    .iter()
                    .filter(|b| b.count > 0 && b.high_s > 0.0 && b.high_s.is_finite())
                    .map(|b| {
                        let lo = if b.low_s > 0.0 {
                            b.low_s
                        } else {
                            b.high_s / 10.0
                        };
                        (lo.log10(), b.high_s.log10(), b.count)
                    })
                    .collect();
                (e.label(param), bins)
            })
            .collect(),
    }
}

fn draw_histogram(area: &Area, s: &HistogramSeries, title: &str) -> DrawResult {
    area.fill(&WHITE)?;
    let xs = s
        .groups
        .iter()
        .flat_map(|g| g.1.iter().flat_map(|b| [b.0, b.1]));
    let (xlo, xhi) = range_of(xs)
        .map(|(a, b)| (a.floor(), b.ceil().max(a.floor() + 1.0)))
        .unwrap_or((0.0, 5.0));
    let cmax = s
        .groups
        .iter()
        .flat_map(|g| g.1.iter().map(|b| b.2))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut chart = build_chart(area, title, 90, xlo..xhi, 0.0..cmax as f64 * 1.1)?;
    chart
        .configure_mesh()
        .x_labels(0)
        .disable_x_mesh()
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_desc("outage duration (log scale)")
        .y_desc("outages (count)")
        .label_style(font(16))
        .axis_desc_style(font(20))
        .draw()?;
    // Ticks at round human durations (1s, 1m, 1h, 1d, ...), not at powers of
    // ten of seconds: drawn by hand since the axis is linear in log10(s).
    let ticks = duration_ticks(xlo, xhi);
    let ytop = cmax as f64 * 1.1;
    chart.draw_series(ticks.iter().map(|(x, _)| {
        PathElement::new(vec![(*x, 0.0), (*x, ytop)], BLACK.mix(0.2).stroke_width(1))
    }))?;
    let label_style = TextStyle::from(font(16)).pos(Pos::new(HPos::Center, VPos::Top));
    for (x, label) in &ticks {
        let (px, py) = chart.backend_coord(&(*x, 0.0));
        area.draw(&PathElement::new(vec![(px, py), (px, py + 5)], BLACK))?;
        area.draw_text(label, &label_style, (px, py + 8))?;
    }
    let alpha = if s.groups.len() > 1 { 0.35 } else { 0.8 };
    for (i, (label, bins)) in s.groups.iter().enumerate() {
        let col = color(i);
        chart
            .draw_series(
                bins.iter().map(|b| {
                    Rectangle::new([(b.0, 0.0), (b.1, b.2 as f64)], col.mix(alpha).filled())
                }),
            )?
            .label(label.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], col.filled()));
    }
    if s.groups.len() > 1 {
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    }
    if s.groups.iter().all(|g| g.1.is_empty()) {
        area.draw_text("no outages observed", &font(28).into(), (480, 400))?;
    }
    Ok(())
}

/// Round durations (seconds, label) that label a log duration axis.
const NICE_DURATIONS: [(f64, &str); 16] = [
    (1e-3, "1ms"),
    (1e-2, "10ms"),
    (0.1, "100ms"),
    (1.0, "1s"),
    (10.0, "10s"),
    (60.0, "1m"),
    (600.0, "10m"),
    (3600.0, "1h"),
    (6.0 * 3600.0, "6h"),
    (86_400.0, "1d"),
    (7.0 * 86_400.0, "1w"),
    (30.0 * 86_400.0, "30d"),
    (crate::model::YEAR, "1y"),
    (10.0 * crate::model::YEAR, "10y"),
    (100.0 * crate::model::YEAR, "100y"),
    (1000.0 * crate::model::YEAR, "1000y"),
];

/// Tick positions (log10 seconds) and labels (`1s`, `10m`, `6h`, `1w`, ...)
/// for a log duration axis spanning `lo..=hi` (log10 seconds).
pub fn duration_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    NICE_DURATIONS
        .iter()
        .map(|(s, l)| (s.log10(), l.to_string()))
        .filter(|(x, _)| *x >= lo - 1e-9 && *x <= hi + 1e-9)
        .collect()
}

// ---------------------------------------------------------------- causes

#[derive(Clone, Debug, PartialEq)]
pub struct CausesSeries {
    /// Causes in display order (top first), at most `MAX_CAUSES`.
    pub causes: Vec<String>,
    /// (group label, share per cause in `causes` order)
    pub groups: Vec<(String, Vec<f64>)>,
}

pub const MAX_CAUSES: usize = 10;

pub fn causes_series(r: &Report) -> CausesSeries {
    let param = match r {
        Report::Sweep(s) => Some(s.parameter.as_str()),
        _ => None,
    };
    let es = entries(r);
    let mut best: Vec<(String, f64)> = Vec::new();
    for e in &es {
        for c in &e.run.causes {
            match best.iter_mut().find(|b| b.0 == c.cause) {
                Some(b) => b.1 = b.1.max(c.downtime_share),
                None => best.push((c.cause.clone(), c.downtime_share)),
            }
        }
    }
    // Stable sort: ties keep first-seen order, so the output is deterministic.
    best.sort_by(|a, b| b.1.total_cmp(&a.1));
    best.truncate(MAX_CAUSES);
    let causes: Vec<String> = best.into_iter().map(|b| b.0).collect();
    let groups = es
        .iter()
        .map(|e| {
            let shares = causes
                .iter()
                .map(|name| {
                    e.run
                        .causes
                        .iter()
                        .find(|c| &c.cause == name)
                        .map_or(0.0, |c| c.downtime_share)
                })
                .collect();
            (e.label(param), shares)
        })
        .collect();
    CausesSeries { causes, groups }
}

/// "61%", "0.42%", "0.0012%": a share with about 2 significant digits.
pub fn share_label(share: f64) -> String {
    let pct = share * 100.0;
    if pct >= 10.0 || pct == 0.0 {
        format!("{pct:.0}%")
    } else {
        format!(
            "{}%",
            crate::units::trim_number(format!("{pct:.2e}").parse().unwrap_or(pct))
        )
    }
}

fn draw_causes(area: &Area, s: &CausesSeries, title: &str) -> DrawResult {
    area.fill(&WHITE)?;
    let n = s.causes.len().max(1) as f64;
    let mut chart = build_chart(area, title, 330, 0.0..1.0, -0.5..n - 0.5)?;
    let names = s.causes.clone();
    let yfmt = move |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
            names[names.len() - 1 - i as usize].clone()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .y_labels(s.causes.len() * 2 + 1)
        .y_label_formatter(&yfmt)
        .x_label_formatter(&|x| format!("{:.0}%", x * 100.0))
        .x_desc("share of downtime")
        .label_style(font(16))
        .axis_desc_style(font(20))
        .disable_y_mesh()
        .draw()?;
    let g = s.groups.len().max(1) as f64;
    let h = 0.8 / g;
    for (gi, (label, shares)) in s.groups.iter().enumerate() {
        let col = color(gi);
        let top = s.causes.len() as f64 - 1.0;
        chart
            .draw_series(shares.iter().enumerate().map(|(ci, sh)| {
                let y0 = top - ci as f64 + 0.4 - h * gi as f64;
                Rectangle::new([(0.0, y0 - h), (sh.clamp(0.0, 1.0), y0)], col.filled())
            }))?
            .label(label.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], col.filled()));
        // The share as text at the end of each bar, so small shares are not lost.
        let style = TextStyle::from(font(14)).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(shares.iter().enumerate().map(|(ci, sh)| {
            let y0 = top - ci as f64 + 0.4 - h * gi as f64;
            Text::new(
                share_label(*sh),
                (sh.clamp(0.0, 0.86) + 0.005, y0 - h / 2.0),
                style.clone(),
            )
        }))?;
    }
    if s.groups.len() > 1 {
        draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    }
    if s.causes.is_empty() {
        area.draw_text("no downtime observed", &font(28).into(), (560, 400))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- compare

#[derive(Clone, Debug, PartialEq)]
pub struct CompareMetric {
    pub name: String,
    /// log10 of (mean, lo, hi) for correlated and independent
    pub correlated: (f64, f64, f64),
    pub independent: (f64, f64, f64),
    pub floor: f64,
    pub clamped: bool,
}

pub fn compare_series(r: &Report) -> Vec<CompareMetric> {
    let Report::Compare(c) = r else { return vec![] };
    let (a, b) = (&c.correlated, &c.independent);
    let metrics = [
        (
            "unavailability",
            unavailability(&a.availability),
            unavailability(&b.availability),
        ),
        ("outages per year", a.outages_per_year, b.outages_per_year),
        (
            "P(outage in horizon)",
            a.p_outage_within_horizon,
            b.p_outage_within_horizon,
        ),
    ];
    metrics
        .iter()
        .map(|(name, x, y)| {
            let floor = floor_for(&[x.mean, x.lo, x.hi, y.mean, y.lo, y.hi]);
            let mut clamped = false;
            let mut l = |v: f64| log_clamped(v, floor, &mut clamped);
            let correlated = (l(x.mean), l(x.lo), l(x.hi));
            let independent = (l(y.mean), l(y.lo), l(y.hi));
            CompareMetric {
                name: name.to_string(),
                correlated,
                independent,
                floor,
                clamped,
            }
        })
        .collect()
}

fn draw_compare(area: &Area, ms: &[CompareMetric], title: &str) -> DrawResult {
    area.fill(&WHITE)?;
    let (top, body) = area.split_vertically(60);
    top.draw_text(title, &font(30).into(), (20, 15))?;
    let panels = body.split_evenly((1, ms.len().max(1)));
    let cols = [RGBColor(214, 39, 40), RGBColor(31, 119, 180)];
    for (m, p) in ms.iter().zip(panels.iter()) {
        let vals = [
            m.correlated.0,
            m.correlated.1,
            m.correlated.2,
            m.independent.0,
            m.independent.1,
            m.independent.2,
        ];
        let (lo, hi) = range_of(vals.into_iter()).unwrap_or((-1.0, 0.0));
        let (lo, hi) = ((lo - 0.5).floor(), (hi + 0.3).ceil().max(lo.floor() + 1.0));
        let mut chart = ChartBuilder::on(p)
            .caption(&m.name, font(22))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..1.5, lo..hi)?;
        chart
            .configure_mesh()
            .x_labels(5)
            .y_labels((hi - lo) as usize + 1)
            .x_label_formatter(&|x: &f64| match x.round() as i64 {
                0 if (x - 0.0).abs() < 1e-6 => "correlated".into(),
                1 if (x - 1.0).abs() < 1e-6 => "independent".into(),
                _ => String::new(),
            })
            .y_label_formatter(&|y| format!("{:e}", 10f64.powf(*y)))
            .y_desc("log scale")
            .label_style(font(15))
            .axis_desc_style(font(16))
            .disable_x_mesh()
            .draw()?;
        for (i, v) in [m.correlated, m.independent].iter().enumerate() {
            let x = i as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.3, lo), (x + 0.3, v.0)],
                cols[i].mix(0.7).filled(),
            )))?;
            chart.draw_series(std::iter::once(error_bar(
                x,
                v.1,
                v.2,
                0.08,
                BLACK.stroke_width(2),
            )))?;
        }
        if m.clamped {
            p.draw_text(
                &format!("0 drawn at {:e}", m.floor),
                &font(14).color(&RED).into(),
                (80, 690),
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- files

fn render_png(dir: &Path, name: &str, f: impl FnOnce(&Area) -> DrawResult) -> Result<PathBuf> {
    ensure_font();
    let target = dir.join(name);
    let tmp = temp_path(dir, name);
    let res = (|| -> DrawResult {
        let root = BitMapBackend::new(&tmp, (WIDTH, HEIGHT)).into_drawing_area();
        f(&root)?;
        root.present()?;
        Ok(())
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow!("drawing {}: {e}", target.display()));
    }
    commit_temp(&tmp, &target)?;
    Ok(target)
}

pub(super) fn write_all(dir: &Path, r: &Report) -> Result<Vec<PathBuf>> {
    let scen = super::scenario_name(r);
    let mut out = vec![];
    let a = availability_series(r);
    let title = match r {
        Report::Sweep(s) => format!("{scen}: availability vs {}", s.parameter),
        _ => format!("{scen}: simulated availability vs analytic models"),
    };
    out.push(render_png(dir, "availability.png", |ar| {
        draw_availability(ar, &a, &title)
    })?);
    let s = survival_series(r);
    out.push(render_png(dir, "survival.png", |ar| {
        draw_survival(ar, &s, &format!("{scen}: probability of no outage so far"))
    })?);
    let h = histogram_series(r);
    out.push(render_png(dir, "outage_durations.png", |ar| {
        draw_histogram(ar, &h, &format!("{scen}: outage durations"))
    })?);
    let c = causes_series(r);
    out.push(render_png(dir, "causes.png", |ar| {
        draw_causes(ar, &c, &format!("{scen}: downtime by root cause"))
    })?);
    if matches!(r, Report::Compare(_)) {
        let m = compare_series(r);
        out.push(render_png(dir, "compare.png", |ar| {
            draw_compare(
                ar,
                &m,
                &format!("{scen}: correlated vs independent failures (95% CI)"),
            )
        })?);
    }
    Ok(out)
}

//! Turns results into what people and scripts read: the terminal summary
//! ([`text`]), the JSON summary ([`json`]) and the report folder ([`write`]):
//! CSV files and PNG plots. This is the only module besides `main` and
//! `scenario::load` that touches the filesystem; it computes no statistics,
//! it only renders `results` types.
//!
//! Files per report kind (see `docs` / OUTPUT.md):
//! - Run and Sweep: summary.csv, analytic.csv, outage_durations.csv,
//!   survival.csv, causes.csv, summary.json, availability.png, survival.png,
//!   outage_durations.png, causes.png.
//! - Compare: the same plus compare.png.
//!
//! Multi-run reports (sweep points, compare sides) in the CSV files:
//! - summary.csv and causes.csv carry `sweep_value` / `assumption` as the
//!   contract says.
//! - outage_durations.csv and survival.csv hold *every* point / side; for a
//!   sweep they get one extra leading column `sweep_value`, for compare one
//!   extra leading column `assumption`. A plain run has exactly the contract
//!   columns.
//! - analytic.csv has the contract columns; for compare it gets one extra
//!   trailing column `assumption` naming the side (both sides have their own z).
//!
//! Every file is written whole: to a hidden temporary file in the same folder,
//! then renamed over the target.

mod check;
mod csv;
mod json;
pub mod plot;
mod text;
pub use check::predictions_text;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::results::{CompareResult, RunSummary, SweepResult};

/// What to render.
#[derive(Clone, Copy, Debug)]
pub enum Report<'a> {
    Run(&'a RunSummary),
    Sweep(&'a SweepResult),
    Compare(&'a CompareResult),
}

/// The terminal summary (stdout).
pub fn text(r: &Report) -> String {
    text::render(r)
}

/// Exactly one JSON object (keys per OUTPUT.md), with a trailing newline.
pub fn json(r: &Report) -> String {
    json::render(r)
}

/// One run inside a report, with what distinguishes it from its siblings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry<'a> {
    pub sweep_value: Option<f64>,
    /// "as written" for run/sweep, "correlated"/"independent" for compare.
    pub assumption: &'static str,
    pub run: &'a RunSummary,
}

impl Entry<'_> {
    /// Short legend label.
    pub fn label(&self, parameter: Option<&str>) -> String {
        match (self.sweep_value, parameter) {
            (Some(v), Some(p)) => format!("{p} = {v}"),
            (Some(v), None) => format!("{v}"),
            _ if self.assumption == "as written" => "simulated".into(),
            _ => self.assumption.into(),
        }
    }
}

pub(crate) fn entries<'a>(r: &Report<'a>) -> Vec<Entry<'a>> {
    match *r {
        Report::Run(run) => vec![Entry {
            sweep_value: None,
            assumption: "as written",
            run,
        }],
        Report::Sweep(s) => s
            .points
            .iter()
            .map(|(v, run)| Entry {
                sweep_value: Some(*v),
                assumption: "as written",
                run,
            })
            .collect(),
        Report::Compare(c) => vec![
            Entry {
                sweep_value: None,
                assumption: "correlated",
                run: &c.correlated,
            },
            Entry {
                sweep_value: None,
                assumption: "independent",
                run: &c.independent,
            },
        ],
    }
}

/// The scenario name of a report (a sweep with no points has none).
pub(crate) fn scenario_name(r: &Report) -> String {
    entries(r)
        .first()
        .map(|e| e.run.scenario.clone())
        .unwrap_or_default()
}

/// Refuses an existing non-empty folder unless `force`. Call before simulating
/// so a long run is not wasted on a folder we will not write.
pub fn check_out_dir(dir: &Path, force: bool) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        bail!("output path {} exists and is not a folder", dir.display());
    }
    let non_empty = fs::read_dir(dir)
        .with_context(|| format!("reading output folder {}", dir.display()))?
        .next()
        .is_some();
    if non_empty && !force {
        bail!(
            "output folder {} exists and is not empty; pass --force to overwrite it",
            dir.display()
        );
    }
    Ok(())
}

/// Creates `dir` and writes every report file into it (each one atomically).
/// Returns the paths written, in a fixed order.
pub fn write(dir: &Path, r: &Report, force: bool) -> Result<Vec<PathBuf>> {
    check_out_dir(dir, force)?;
    fs::create_dir_all(dir).with_context(|| format!("creating output folder {}", dir.display()))?;
    let mut out = Vec::new();
    let files: [(&str, Vec<u8>); 6] = [
        ("summary.csv", csv::summary(r)?),
        ("analytic.csv", csv::analytic(r)?),
        ("outage_durations.csv", csv::histogram(r)?),
        ("survival.csv", csv::survival(r)?),
        ("causes.csv", csv::causes(r)?),
        ("summary.json", json::render(r).into_bytes()),
    ];
    for (name, bytes) in files {
        out.push(write_atomic(dir, name, &bytes)?);
    }
    out.extend(plot::write_all(dir, r)?);
    Ok(out)
}

/// Hidden temporary name in the same folder (so `rename` is atomic). Keeps
/// the extension: the PNG encoder picks the format from it.
pub(crate) fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{}.tmp-{name}", std::process::id()))
}

/// Moves a finished temporary file into place.
pub(crate) fn commit_temp(tmp: &Path, target: &Path) -> Result<()> {
    fs::rename(tmp, target).with_context(|| {
        let _ = fs::remove_file(tmp);
        format!("moving {} into place", target.display())
    })
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let target = dir.join(name);
    let tmp = temp_path(dir, name);
    if let Err(e) = fs::write(&tmp, bytes) {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", target.display()));
    }
    commit_temp(&tmp, &target)?;
    Ok(target)
}

/// Unavailability estimate (1 - A) with its CI (bounds swap).
pub(crate) fn unavailability(a: &crate::results::Estimate) -> crate::results::Estimate {
    crate::results::Estimate {
        mean: 1.0 - a.mean,
        lo: 1.0 - a.hi,
        hi: 1.0 - a.lo,
    }
}

/// -log10(1 - A): "nines". Infinite at A = 1, NaN for NaN.
pub(crate) fn nines(a: f64) -> f64 {
    -(1.0 - a).log10()
}

#[cfg(test)]
mod plot_tests;
#[cfg(test)]
pub(crate) mod testdata;
#[cfg(test)]
mod tests;

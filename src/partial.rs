//! Partial results of `run --shard I/N` and their merge.
//!
//! A partial (`partial.json` in the shard's folder) carries the scenario exactly
//! as it was run (file name, text, `--set` overrides, timelines and seed), the
//! resolved scenario's hash, the tool version, its chunk-aligned timeline range
//! and the exact integer accumulators of every sweep point. `merge` refuses
//! partials of different scenarios, seeds or versions, duplicates and gaps, and
//! otherwise sums the accumulators, which is exact: the merged report equals a
//! single run of all timelines bit for bit.

use crate::runner::scenario_hash;
use crate::scenario::{self, Loaded};
use crate::stats::Acc;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "outage-partial-1";
pub const FILE: &str = "partial.json";

/// How to reproduce the scenario of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub text: String,
    pub sets: Vec<String>,
    pub timelines: Option<u64>,
    pub seed: Option<u64>,
}

impl Source {
    /// Loads and resolves the scenario (overrides applied to every sweep point).
    pub fn load(&self) -> Result<Loaded, String> {
        let mut l =
            scenario::load_str(&self.file, &self.text, &self.sets).map_err(|d| d.to_string())?;
        let apply = |s: &mut crate::model::Scenario| {
            if let Some(n) = self.timelines {
                s.simulation.timelines = n;
            }
            if let Some(x) = self.seed {
                s.simulation.seed = x;
            }
        };
        apply(&mut l.scenario);
        if let Some(sw) = l.sweep.as_mut() {
            sw.points.iter_mut().for_each(|(_, s)| apply(s));
        }
        Ok(l)
    }
}

/// One sweep point (or the run itself, `value: None`) of a partial.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub value: Option<f64>,
    pub hash: String,
    pub timelines: u64,
    pub start: u64,
    pub end: u64,
    pub acc: String,
    pub elapsed_s: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    pub format: String,
    pub version: String,
    pub shard: String,
    pub source: Source,
    pub points: Vec<Point>,
}

impl Partial {
    pub fn new(shard: String, source: Source) -> Partial {
        Partial {
            format: FORMAT.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            shard,
            source,
            points: Vec::new(),
        }
    }

    pub fn push(
        &mut self,
        value: Option<f64>,
        s: &crate::model::Scenario,
        range: (u64, u64),
        acc: &Acc,
        elapsed_s: f64,
    ) {
        self.points.push(Point {
            value,
            hash: format!("{:016x}", scenario_hash(s)),
            timelines: s.simulation.timelines,
            start: range.0,
            end: range.1,
            acc: acc.to_text(),
            elapsed_s,
        });
    }
}

/// Reads `DIR/partial.json`.
pub fn read(dir: &Path) -> Result<Partial, String> {
    let f = dir.join(FILE);
    let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
    let p: Partial = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a partial result ({e})", f.display()))?;
    if p.format != FORMAT {
        return Err(format!(
            "{}: unknown partial format `{}`",
            f.display(),
            p.format
        ));
    }
    Ok(p)
}

/// The merged accumulators, per point, with the summed simulation time.
pub struct Merged {
    pub loaded: Loaded,
    pub points: Vec<(Option<f64>, Acc, f64)>,
}

/// Checks that `parts` are shards of one run that tile its timelines exactly,
/// and merges them.
pub fn merge(parts: &[(PathBuf, Partial)]) -> Result<Merged, String> {
    let (d0, p0) = parts
        .first()
        .ok_or("merge needs at least one partial folder")?;
    for (d, p) in &parts[1..] {
        if p.version != p0.version {
            return Err(format!(
                "{} was made by outage {} but {} by outage {}: merge partials of one version",
                d.display(),
                p.version,
                d0.display(),
                p0.version
            ));
        }
        if p.source != p0.source || p.points.len() != p0.points.len() {
            let what = if p.source.seed != p0.source.seed {
                "seeds"
            } else {
                "scenarios"
            };
            return Err(format!(
                "{} and {} are partials of different {what}: they cannot be merged",
                d0.display(),
                d.display()
            ));
        }
    }
    let loaded = p0
        .source
        .load()
        .map_err(|e| format!("the scenario stored in {}: {e}", d0.display()))?;
    let scenarios: Vec<&crate::model::Scenario> = match &loaded.sweep {
        Some(sw) => sw.points.iter().map(|(_, s)| s).collect(),
        None => vec![&loaded.scenario],
    };
    if scenarios.len() != p0.points.len() {
        return Err(format!(
            "{}: the partial does not match its scenario",
            d0.display()
        ));
    }
    let mut points = Vec::new();
    for (k, s) in scenarios.iter().enumerate() {
        let hash = format!("{:016x}", scenario_hash(s));
        let mut ranges: Vec<(u64, u64, &Path, &Point)> = Vec::new();
        for (d, p) in parts {
            let pt = &p.points[k];
            if pt.hash != hash {
                return Err(format!(
                    "{}: the partial was made from a different scenario than the one it stores (hash {} vs {hash})",
                    d.display(),
                    pt.hash
                ));
            }
            ranges.push((pt.start, pt.end, d.as_path(), pt));
        }
        ranges.sort_by_key(|r| (r.0, r.1));
        let total = s.simulation.timelines;
        let mut at = 0u64;
        let mut acc: Option<Acc> = None;
        let mut elapsed = 0.0;
        for (i, &(a, b, d, pt)) in ranges.iter().enumerate() {
            if a < at {
                let (pa, pb, pd, _) = ranges[i - 1];
                return Err(format!(
                    "{} and {} overlap (timelines {}..{} and {pa}..{pb}): a shard was given twice",
                    pd.display(),
                    d.display(),
                    a,
                    b
                ));
            }
            if a > at {
                return Err(format!(
                    "timelines {at}..{a} are in no partial: a shard is missing"
                ));
            }
            let x = Acc::from_text(&pt.acc)
                .ok_or_else(|| format!("{}: damaged accumulator", d.display()))?;
            if x.n != b - a {
                return Err(format!(
                    "{}: damaged partial (range {a}..{b} holds {} timelines)",
                    d.display(),
                    x.n
                ));
            }
            match acc.as_mut() {
                Some(m) => m.merge(&x),
                None => acc = Some(x),
            }
            elapsed += pt.elapsed_s;
            at = b;
        }
        if at < total {
            return Err(format!(
                "timelines {at}..{total} are in no partial: a shard is missing"
            ));
        }
        points.push((
            p0.points[k].value,
            acc.expect("at least one partial"),
            elapsed,
        ));
    }
    Ok(Merged { loaded, points })
}

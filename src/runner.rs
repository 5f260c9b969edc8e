//! Runs a scenario's timelines in batches of whole chunks: the unit of progress
//! for checkpoints, Ctrl-C, shards and `--target-rel-error`. Every batch is a
//! contiguous, chunk-aligned range of timeline indices and accumulators merge
//! exactly, so how the work is cut never changes a single bit of the result.

use crate::engine::{self, RunConfig, CHUNK};
use crate::model::Scenario;
use crate::stats::{Acc, FP};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Chunks per batch (a checkpoint is written after each batch).
pub const BATCH_CHUNKS: u64 = 64;

/// The part of a run to simulate and how to stop early.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Timeline indices [start, end).
    pub start: u64,
    pub end: u64,
    /// Stop once the availability CI half-width is within this fraction of the
    /// unavailability (checked after each batch).
    pub target_rel_error: Option<f64>,
    /// Stop after this long (checked after each batch).
    pub time_limit: Option<Duration>,
    /// Save completed batches here and resume from them.
    pub checkpoint: Option<PathBuf>,
}

/// How a batched run ended.
#[derive(Debug)]
pub enum Outcome {
    /// The plan's range, or less when a target or time limit stopped it.
    Done {
        acc: Acc,
        stopped_early: Option<String>,
    },
    /// Cancelled (Ctrl-C) after `acc.n` timelines; the checkpoint, if any, holds them.
    Cancelled { acc: Acc },
}

/// A stable 64-bit FNV-1a hash (not std's randomised hasher).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Identity of a resolved scenario (everything that changes results).
pub fn scenario_hash(s: &Scenario) -> u64 {
    fnv1a(format!("{s:?}").as_bytes())
}

fn checkpoint_file(dir: &Path) -> PathBuf {
    dir.join("checkpoint.txt")
}

/// Reads a checkpoint of this scenario and range: (next timeline, acc).
fn read_checkpoint(dir: &Path, hash: u64, plan: &Plan) -> Result<Option<(u64, Acc)>> {
    let f = checkpoint_file(dir);
    let text = match std::fs::read_to_string(&f) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", f.display())),
    };
    let mut lines = text.lines();
    let head = lines.next().unwrap_or_default();
    let want = format!(
        "outage-checkpoint {} {hash:016x} {} {}",
        env!("CARGO_PKG_VERSION"),
        plan.start,
        plan.end
    );
    let Some((prefix, next)) = head.rsplit_once(' ') else {
        anyhow::bail!("{} is not a checkpoint", f.display());
    };
    if prefix != want {
        anyhow::bail!(
            "{} belongs to another scenario, seed, range or version; remove it or pick another --checkpoint folder",
            f.display()
        );
    }
    let next: u64 = next.parse().context("checkpoint: bad position")?;
    let acc = Acc::from_text(lines.next().unwrap_or_default())
        .with_context(|| format!("{}: damaged accumulator", f.display()))?;
    if acc.n != next - plan.start {
        anyhow::bail!("{}: inconsistent checkpoint", f.display());
    }
    Ok(Some((next, acc)))
}

fn write_checkpoint(dir: &Path, hash: u64, plan: &Plan, next: u64, acc: &Acc) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let text = format!(
        "outage-checkpoint {} {hash:016x} {} {} {next}\n{}\n",
        env!("CARGO_PKG_VERSION"),
        plan.start,
        plan.end,
        acc.to_text()
    );
    crate::report::write_atomic(dir, "checkpoint.txt", text.as_bytes()).map(|_| ())
}

/// Relative half-width of the availability CI against the unavailability.
pub fn rel_error(acc: &Acc) -> f64 {
    let e = acc.down.estimate(acc.n, FP);
    if e.mean > 0.0 {
        (e.hi - e.mean) / e.mean
    } else {
        f64::INFINITY
    }
}

/// Simulates `plan` for `s` (timelines `plan.start..plan.end`, seed from the
/// scenario) in batches; `progress(n)` after each chunk.
pub fn simulate(
    s: &Scenario,
    plan: &Plan,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<Outcome> {
    let hash = scenario_hash(s);
    let names = engine::cause_names(s);
    let mut acc = Acc::new(s.tiers.len(), names.len());
    let mut next = plan.start;
    if let Some(dir) = &plan.checkpoint {
        if let Some((n, a)) = read_checkpoint(dir, hash, plan)? {
            progress(n - plan.start);
            next = n;
            acc = a;
        }
    }
    let t0 = Instant::now();
    let batch = BATCH_CHUNKS * CHUNK;
    while next < plan.end {
        if let Some(x) = plan.target_rel_error {
            if acc.n > 0 && rel_error(&acc) <= x {
                return Ok(Outcome::Done {
                    stopped_early: Some(format!(
                        "target relative error {x} reached after {} timelines",
                        acc.n
                    )),
                    acc,
                });
            }
        }
        if let Some(limit) = plan.time_limit {
            if t0.elapsed() >= limit {
                return Ok(Outcome::Done {
                    stopped_early: Some(format!(
                        "time limit reached after {} timelines (relative error {:.3})",
                        acc.n,
                        rel_error(&acc)
                    )),
                    acc,
                });
            }
        }
        // Batches end on batch multiples of the absolute index, so any two runs
        // of the same range cut it the same way.
        let end = ((next / batch + 1) * batch).min(plan.end);
        let cfg = RunConfig {
            seed: s.simulation.seed,
            start: next,
            end,
        };
        match engine::run(s, &cfg, progress, cancel) {
            Some(a) => {
                acc.merge(&a);
                next = end;
                if let Some(dir) = &plan.checkpoint {
                    write_checkpoint(dir, hash, plan, next, &acc)?;
                }
            }
            None => return Ok(Outcome::Cancelled { acc }),
        }
        if cancel.load(Ordering::Relaxed) {
            return Ok(Outcome::Cancelled { acc });
        }
    }
    if let Some(dir) = &plan.checkpoint {
        // The run is complete: the report replaces the checkpoint.
        let _ = std::fs::remove_file(checkpoint_file(dir));
        let _ = std::fs::remove_dir(dir);
    }
    Ok(Outcome::Done {
        acc,
        stopped_early: None,
    })
}

/// Shard `i` of `n` (1-based) of `timelines`: a chunk-aligned index range.
pub fn shard_range(i: u64, n: u64, timelines: u64) -> (u64, u64) {
    let chunks = timelines.div_ceil(CHUNK);
    let a = (i - 1) * chunks / n;
    let b = i * chunks / n;
    ((a * CHUNK).min(timelines), (b * CHUNK).min(timelines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_range_on_chunk_boundaries() {
        for (t, n) in [(1_000_000u64, 4u64), (5000, 3), (10, 4), (2048 * 7, 7)] {
            let mut last = 0;
            for i in 1..=n {
                let (a, b) = shard_range(i, n, t);
                assert_eq!(a, last);
                assert!(a % CHUNK == 0 || a == t);
                last = b;
            }
            assert_eq!(last, t);
        }
    }

    #[test]
    fn acc_text_round_trip() {
        let s = crate::engine::tests::kofn(2, 3, None);
        let acc = crate::engine::tests::simulate(&s, 3000, 5);
        let back = Acc::from_text(&acc.to_text()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{acc:?}"));
        assert!(Acc::from_text("acc1 1 2 3").is_none());
        assert!(Acc::from_text("garbage").is_none());
    }
}

/// Work beyond which `run` asks for --no-limit: about an hour at full speed.
pub const EVENT_LIMIT: f64 = 2e11;

/// Expected events of a run: per timeline, two per failure of every instance,
/// domain and common-cause process over the horizon, plus deploy and
/// maintenance steps (a coarse upper estimate; only its magnitude matters).
pub fn estimated_events(s: &Scenario) -> f64 {
    let h = s.simulation.horizon;
    let cycle = |f: Option<&crate::model::Dist>, r: Option<&crate::model::Dist>| -> f64 {
        match f {
            Some(f) => 2.0 * h / (f.mean() + r.map_or(0.0, |r| r.mean())).max(1e-9),
            None => 0.0,
        }
    };
    let mut per = 1.0;
    for t in &s.tiers {
        per += t.instances as f64 * cycle(t.failure.as_ref(), t.repair.as_ref());
        if let Some(c) = &t.common_cause {
            per += cycle(Some(&c.every), Some(&c.repair));
        }
    }
    for d in &s.domains {
        let l = &s.levels[d.level];
        per += cycle(l.failure.as_ref(), l.repair.as_ref());
    }
    let n_inst = s.instance_count() as f64;
    for d in &s.deploys {
        per += 2.0 * n_inst * h / d.every.mean().max(1e-9);
    }
    for m in &s.maintenance {
        per += 2.0 * n_inst * h / m.every.mean().max(1e-9);
    }
    per * s.simulation.timelines as f64
}

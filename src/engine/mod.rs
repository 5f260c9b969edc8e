//! The Monte Carlo engine: `run(&Scenario, &RunConfig) -> Acc`. Knows nothing of
//! files or terminals; progress is reported through a callback.
//!
//! Determinism: timeline `i` draws from its own Xoshiro256++ stream seeded from
//! (seed, i) alone, and every accumulator merges by exact integer addition, so the
//! result depends on the scenario, seed and timeline range only: never on the
//! thread count, the chunking, or the order rayon combines chunks in.

pub mod clock;
pub mod compiled;
pub mod sampler;
pub mod timeline;

use crate::model::Scenario;
use crate::stats::Acc;
use compiled::Compiled;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Timelines per work unit (a constant: never derived from the thread count).
pub const CHUNK: u64 = 2048;

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
#[inline]
pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of timeline `index` under `seed`: a 256-bit state built from
/// both, so distinct (seed, index) pairs never share a stream start.
pub fn timeline_rng(seed: u64, index: u64) -> Xoshiro256PlusPlus {
    let a = splitmix(seed);
    let b = splitmix(a ^ 0x5851_F42D_4C95_7F2D);
    let c = splitmix(index ^ 0x2545_F491_4F6C_DD1D);
    let d = splitmix(c.wrapping_add(index));
    let mut bytes = [0u8; 32];
    for (k, w) in [a, b, c, d].iter().enumerate() {
        bytes[8 * k..8 * k + 8].copy_from_slice(&w.to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

/// Which timelines to simulate and how.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub seed: u64,
    /// Timeline indices [start, end).
    pub start: u64,
    pub end: u64,
}

/// Names of the root causes, in the order of `Acc::cause`.
pub fn cause_names(s: &Scenario) -> Vec<String> {
    Compiled::new(s).causes
}

/// Simulates timelines `cfg.start..cfg.end`. `progress(n)` is called after each
/// chunk of `n` timelines; `cancel` stops early (the result then covers only the
/// chunks that completed, and `None` is returned).
pub fn run(
    s: &Scenario,
    cfg: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Option<Acc> {
    let c = Compiled::new(s);
    let chunks = chunk_ranges_of(cfg.start, cfg.end, chunk_len(s));
    let acc = chunks
        .par_iter()
        .map(|&(a, b)| {
            let mut acc = Acc::new(c.tiers.len(), c.causes.len());
            if cancel.load(Ordering::Relaxed) {
                return (acc, false);
            }
            run_range(&c, cfg.seed, a, b, &mut acc);
            progress(b - a);
            (acc, true)
        })
        .reduce(
            || (Acc::new(c.tiers.len(), c.causes.len()), true),
            |(mut x, ok1), (y, ok2)| {
                x.merge(&y);
                (x, ok1 && ok2)
            },
        );
    if acc.1 && !cancel.load(Ordering::Relaxed) {
        Some(acc.0)
    } else {
        None
    }
}

/// Simulates timelines [a, b) into `acc` on the current thread.
pub fn run_range(c: &Compiled, seed: u64, a: u64, b: u64, acc: &mut Acc) {
    let mut sim = timeline::Sim::new(c);
    for i in a..b {
        sim.run(timeline_rng(seed, i), acc);
    }
}

/// Timelines per unit of parallel work: [`CHUNK`] for ordinary models, fewer
/// for models whose timelines are long (about 200,000 expected events per
/// chunk), so a big model with few timelines still uses every core. The
/// result does not depend on it: accumulators merge exactly and each timeline
/// has its own random stream.
pub fn chunk_len(s: &Scenario) -> u64 {
    let per = crate::runner::estimated_events(s) / (s.simulation.timelines.max(1) as f64);
    ((200_000.0 / per.max(1.0)) as u64).clamp(1, CHUNK)
}

/// [start, end) cut at multiples of CHUNK.
pub fn chunk_ranges(start: u64, end: u64) -> Vec<(u64, u64)> {
    chunk_ranges_of(start, end, CHUNK)
}

/// [start, end) cut at multiples of `len`.
pub fn chunk_ranges_of(start: u64, end: u64, len: u64) -> Vec<(u64, u64)> {
    let len = len.max(1);
    let mut v = Vec::new();
    let mut a = start;
    while a < end {
        let b = ((a / len + 1) * len).min(end);
        v.push((a, b));
        a = b;
    }
    v
}

#[cfg(test)]
mod exact_tests;
#[cfg(test)]
mod steady_tests;
#[cfg(test)]
pub(crate) mod tests;

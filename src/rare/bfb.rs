//! Balanced failure biasing (MODELS.md §10) on the regenerative estimator of a
//! finite CTMC, with the discrete-time conversion (each visit to `x` is credited
//! with its mean holding time `1/q(x)` instead of a sampled one).
//!
//! Two kinds of cycles, both starting at the chain's all-up start state and ending
//! at the next return to it:
//! - *biased* cycles (N1): until the system first goes down in the cycle, jumps
//!   follow the BFB measure P′ and the likelihood ratio L = ∏ P/P′ is carried;
//!   after the first outage they follow P (the ratio stops changing). They estimate
//!   E[D] (downtime per cycle), E[K] (outages per cycle), γ = P(outage in a cycle)
//!   and the second moments the plain-MC variance needs.
//! - *plain* cycles (N2) under P estimate the mean cycle length E[C].
//!
//! Chunks of cycles use their own RNG stream `timeline_rng(seed, chunk)` and are
//! merged in chunk order, so results do not depend on the number of threads.

use crate::analytic::ctmc::Chain;
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use std::time::Instant;

/// Cycles per chunk (one RNG stream each).
pub const CHUNK: u64 = 256;

/// Safety cap on jumps in one cycle; a cycle this long means the chain is far
/// outside the regime this estimator is for (or almost never returns to all-up).
pub const MAX_STEPS_PER_CYCLE: u64 = 200_000_000;

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959963984540054;

/// One state's outgoing jumps, with plain and biased probabilities.
#[derive(Clone, Debug)]
struct Row {
    /// Target states.
    to: Vec<usize>,
    /// Cumulative plain jump probabilities (last = 1).
    cum_plain: Vec<f64>,
    /// Cumulative biased jump probabilities (last = 1).
    cum_bias: Vec<f64>,
    /// P(x,y)/P′(x,y) per target.
    ratio: Vec<f64>,
    /// Mean holding time 1/q(x).
    hold: f64,
}

/// Jump tables of a chain, ready for sampling.
#[derive(Clone, Debug)]
pub struct Tables {
    rows: Vec<Row>,
    up: Vec<bool>,
    start: usize,
}

fn cumulative(p: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    let mut c: Vec<f64> = p
        .iter()
        .map(|&x| {
            acc += x;
            acc
        })
        .collect();
    if let Some(last) = c.last_mut() {
        *last = 1.0;
    }
    c
}

/// Samples an index from a cumulative table.
#[inline]
fn pick(cum: &[f64], u: f64) -> usize {
    // Rows are short (a handful of events): a linear scan beats bisection.
    for (i, &c) in cum.iter().enumerate() {
        if u < c {
            return i;
        }
    }
    cum.len() - 1
}

impl Tables {
    /// Builds the plain and BFB jump tables. `level[s]` counts failed components in
    /// state `s`; a jump to a higher level is a failure event. `bias` is the total
    /// probability given to failure events in a state that also has repairs.
    ///
    /// Errors (never panics) when the inputs cannot define regenerative cycles:
    /// sizes disagree, the start state is down or not at level 0, some state
    /// reachable from the start has no way back to it, or `bias` is not in (0, 1).
    pub fn new(chain: &Chain, level: &[u32], bias: f64) -> Result<Tables, String> {
        let n = chain.n;
        if level.len() != n || chain.up.len() != n {
            return Err(format!(
                "level vector has {} entries for a chain of {} states",
                level.len(),
                n
            ));
        }
        if n == 0 || chain.start >= n {
            return Err("chain has no start state".into());
        }
        if !(bias > 0.0 && bias < 1.0) {
            return Err(format!("failure bias must be in (0, 1), got {bias}"));
        }
        let s0 = chain.start;
        if !chain.up[s0] {
            return Err("the all-up start state is down".into());
        }
        if level[s0] != 0 {
            return Err("the start state must be the only all-up state (level 0)".into());
        }
        // Every state reachable from the start must lead back to it.
        let mut fwd = vec![false; n];
        let mut stack = vec![s0];
        fwd[s0] = true;
        while let Some(i) = stack.pop() {
            for (j, _) in chain.row(i) {
                if !fwd[j] {
                    fwd[j] = true;
                    stack.push(j);
                }
            }
        }
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        for i in 0..n {
            for (j, _) in chain.row(i) {
                preds[j].push(i);
            }
        }
        let mut back = vec![false; n];
        back[s0] = true;
        stack.push(s0);
        while let Some(j) = stack.pop() {
            for &i in &preds[j] {
                if !back[i] {
                    back[i] = true;
                    stack.push(i);
                }
            }
        }
        if let Some(bad) = (0..n).find(|&i| fwd[i] && !back[i]) {
            return Err(format!(
                "state {bad} is reachable from all-up but cannot return to it \
                 (no regenerative cycles)"
            ));
        }
        let mut rows = Vec::with_capacity(n);
        for x in 0..n {
            let q = chain.exit_rate(x);
            let to: Vec<usize> = chain.row(x).map(|(j, _)| j).collect();
            if to.is_empty() || !(q > 0.0) || !q.is_finite() {
                rows.push(Row {
                    to,
                    cum_plain: Vec::new(),
                    cum_bias: Vec::new(),
                    ratio: Vec::new(),
                    hold: 0.0,
                });
                continue;
            }
            let p: Vec<f64> = chain.row(x).map(|(_, r)| r / q).collect();
            let fail: Vec<bool> = to.iter().map(|&j| level[j] > level[x]).collect();
            let nf = fail.iter().filter(|&&f| f).count();
            let pr: f64 = p
                .iter()
                .zip(&fail)
                .filter(|(_, &f)| !f)
                .map(|(v, _)| v)
                .sum();
            let pb: Vec<f64> = if nf == 0 {
                p.clone()
            } else if pr <= 0.0 {
                // only failures (e.g. all-up): pick one uniformly
                fail.iter().map(|_| 1.0 / nf as f64).collect()
            } else {
                p.iter()
                    .zip(&fail)
                    .map(|(&v, &f)| {
                        if f {
                            bias / nf as f64
                        } else {
                            (1.0 - bias) * v / pr
                        }
                    })
                    .collect()
            };
            let ratio = p.iter().zip(&pb).map(|(a, b)| a / b).collect();
            rows.push(Row {
                to,
                cum_plain: cumulative(&p),
                cum_bias: cumulative(&pb),
                ratio,
                hold: 1.0 / q,
            });
        }
        if (0..n).any(|i| fwd[i] && rows[i].to.is_empty()) {
            return Err("a state reachable from all-up has no transitions".into());
        }
        Ok(Tables {
            rows,
            up: chain.up.clone(),
            start: s0,
        })
    }

    /// One cycle under BFB (until the first outage) then P. Returns `None` if the
    /// cycle exceeds [`MAX_STEPS_PER_CYCLE`].
    fn biased_cycle(&self, rng: &mut Xoshiro256PlusPlus, out: &mut BiasedSums) -> Option<()> {
        let mut x = self.start;
        let mut l = 1.0f64;
        let mut hit = false;
        let mut d = 0.0; // downtime
        let mut c = 0.0; // cycle length
        let mut after = 0.0; // time from first outage to end of cycle
        let mut k = 0u64; // up→down transitions
                          // Σ (1/q)² over down visits: the conditional variance of the real
                          // (exponential) downtime given the jump path, for the plain-MC variance.
        let mut dvar = 0.0;
        let mut steps = 0u64;
        loop {
            let row = &self.rows[x];
            c += row.hold;
            if hit {
                after += row.hold;
            }
            if !self.up[x] {
                d += row.hold;
                dvar += row.hold * row.hold;
            }
            let u: f64 = rng.random();
            let i = if hit {
                pick(&row.cum_plain, u)
            } else {
                let i = pick(&row.cum_bias, u);
                l *= row.ratio[i];
                i
            };
            let y = row.to[i];
            if self.up[x] && !self.up[y] {
                k += 1;
                hit = true;
            }
            steps += 1;
            if steps > MAX_STEPS_PER_CYCLE {
                return None;
            }
            x = y;
            if x == self.start {
                break;
            }
        }
        out.add(l, hit, d, k as f64, c, after, dvar, steps);
        Some(())
    }

    /// One cycle under P; returns (converted length Σ1/q, Σ1/q², jumps) or `None`
    /// past the step cap.
    fn plain_cycle(&self, rng: &mut Xoshiro256PlusPlus) -> Option<(f64, f64, u64)> {
        let mut x = self.start;
        let mut c = 0.0;
        let mut cvar = 0.0;
        let mut steps = 0u64;
        loop {
            let row = &self.rows[x];
            c += row.hold;
            cvar += row.hold * row.hold;
            let u: f64 = rng.random();
            x = row.to[pick(&row.cum_plain, u)];
            steps += 1;
            if steps > MAX_STEPS_PER_CYCLE {
                return None;
            }
            if x == self.start {
                return Some((c, cvar, steps));
            }
        }
    }

    /// Runs chunk `index`: `nb` biased and `np` plain cycles on stream (seed, index).
    pub(crate) fn chunk(&self, seed: u64, index: u64, nb: u64, np: u64) -> Result<Sums, String> {
        let t0 = Instant::now();
        let mut rng = crate::engine::timeline_rng(seed ^ 0x0B1A_5ED0_CAFE_F00D, index);
        let mut s = Sums::default();
        for _ in 0..nb {
            self.biased_cycle(&mut rng, &mut s.b)
                .ok_or("a biased cycle exceeded the step cap")?;
        }
        for _ in 0..np {
            let (c, cvar, st) = self
                .plain_cycle(&mut rng)
                .ok_or("a plain cycle exceeded the step cap")?;
            s.p.n += 1;
            s.p.c += c;
            s.p.c2 += c * c;
            s.p.cc += c * c + cvar;
            s.p.steps += st;
        }
        s.cpu_s = t0.elapsed().as_secs_f64();
        Ok(s)
    }
}

/// Sums over biased cycles (all weighted by the cycle's likelihood ratio L).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BiasedSums {
    pub n: u64,
    /// Cycles with an outage (unweighted count).
    pub hits: u64,
    /// Outages seen (unweighted).
    pub outages: u64,
    pub steps: u64,
    pub z: f64,
    pub z2: f64,
    pub k: f64,
    pub k2: f64,
    pub zk: f64,
    pub g: f64,
    pub g2: f64,
    pub a: f64,
    pub a2: f64,
    pub ag: f64,
    /// Σ L·E[D²|path] and Σ L·E[D·C|path] (plain-MC variance of the time average).
    pub dd: f64,
    pub dc: f64,
}

impl BiasedSums {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        l: f64,
        hit: bool,
        d: f64,
        k: f64,
        c: f64,
        after: f64,
        dvar: f64,
        steps: u64,
    ) {
        self.n += 1;
        self.steps += steps;
        if !hit {
            return;
        }
        self.hits += 1;
        self.outages += k as u64;
        let z = l * d;
        let zk = l * k;
        let a = l * after;
        self.z += z;
        self.z2 += z * z;
        self.k += zk;
        self.k2 += zk * zk;
        self.zk += z * zk;
        self.g += l;
        self.g2 += l * l;
        self.a += a;
        self.a2 += a * a;
        self.ag += a * l;
        // E[D² | path] = D² + Σ h², E[D·C | path] = D·C + Σ_down h² (holding
        // times are independent exponentials with means h = 1/q).
        self.dd += l * (d * d + dvar);
        self.dc += l * (d * c + dvar);
    }

    fn merge(&mut self, o: &BiasedSums) {
        self.n += o.n;
        self.hits += o.hits;
        self.outages += o.outages;
        self.steps += o.steps;
        self.z += o.z;
        self.z2 += o.z2;
        self.k += o.k;
        self.k2 += o.k2;
        self.zk += o.zk;
        self.g += o.g;
        self.g2 += o.g2;
        self.a += o.a;
        self.a2 += o.a2;
        self.ag += o.ag;
        self.dd += o.dd;
        self.dc += o.dc;
    }
}

/// Sums over plain cycles.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PlainSums {
    pub n: u64,
    pub steps: u64,
    pub c: f64,
    pub c2: f64,
    /// Σ E[C²|path] of the real (exponential-holding) cycle length.
    pub cc: f64,
}

/// Everything a set of chunks produced.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Sums {
    pub b: BiasedSums,
    pub p: PlainSums,
    pub cpu_s: f64,
}

impl Sums {
    pub(crate) fn merge(&mut self, o: &Sums) {
        self.b.merge(&o.b);
        self.p.n += o.p.n;
        self.p.steps += o.p.steps;
        self.p.c += o.p.c;
        self.p.c2 += o.p.c2;
        self.p.cc += o.p.cc;
        self.cpu_s += o.cpu_s;
    }
}

/// Runs chunks `range` in parallel for totals (n1, n2) and merges them in order.
pub(crate) fn run_chunks(
    t: &Tables,
    seed: u64,
    range: std::ops::Range<u64>,
    n1: u64,
    n2: u64,
) -> Result<Sums, String> {
    let share = |total: u64, i: u64| total.saturating_sub(i * CHUNK).min(CHUNK);
    let parts: Vec<Result<Sums, String>> = range
        .into_par_iter()
        .map(|i| t.chunk(seed, i, share(n1, i), share(n2, i)))
        .collect();
    let mut s = Sums::default();
    for p in parts {
        s.merge(&p?);
    }
    Ok(s)
}

/// Sample variance from n, Σx, Σx² (zero for n < 2).
pub(crate) fn var(n: u64, s: f64, s2: f64) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let nf = n as f64;
    let m = s / nf;
    ((s2 - nf * m * m) / (nf - 1.0)).max(0.0)
}

/// Sample covariance from n, Σx, Σy, Σxy.
pub(crate) fn cov(n: u64, sx: f64, sy: f64, sxy: f64) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let nf = n as f64;
    (sxy - sx * sy / nf) / (nf - 1.0)
}

//! Rare-event acceleration (issue 9; MODELS.md §10; docs/rare.md).
//!
//! For Markovian scenarios (every clock exponential) the scenario's CTMC is
//! simulated on its regenerative cycles from all-up with importance sampling by
//! balanced failure biasing ([`bfb`]). The estimates are **steady-state** figures
//! (unavailability, outage frequency, mean outage duration, MTTF from all-up), not
//! finite-horizon interval averages; for a horizon much longer than a cycle the two
//! agree to within the start-up transient (which `analytic` quantifies exactly).
//!
//! For general scenarios (any distributions) [`split::restart`] runs RESTART
//! importance splitting on the event-driven engine ([`split::split`] is the
//! fixed-effort variant), with levels from the number of
//! instance losses the service can still absorb; its figures are finite-horizon,
//! like plain timelines. [`run_rare`] picks one of the two.

pub mod bfb;
pub mod examples;
pub mod split;

use crate::analytic::ctmc::Chain;
use crate::results::{Estimate, RunSummary};
use bfb::{cov, run_chunks, var, Sums, Tables, CHUNK, Z95};
use rand::Rng;
use rayon::prelude::*;
use std::time::Instant;

/// Name reported for the balanced-failure-biasing estimator.
pub const METHOD_BFB: &str =
    "importance sampling (balanced failure biasing, regenerative, steady state)";

/// Settings of [`bfb()`].
#[derive(Clone, Debug, PartialEq)]
pub struct BfbConfig {
    /// Master seed; chunk `i` uses stream `(seed, i)`.
    pub seed: u64,
    /// Total probability of failure events in a state that also has repairs (MODELS §10: 0.5).
    pub bias: f64,
    /// Biased cycles N1. With `target_rel_error` set: the minimum number.
    pub biased_cycles: u64,
    /// Plain cycles N2 (only with a fixed budget; adaptive runs use N2 = N1).
    pub plain_cycles: u64,
    /// Stop once the unavailability's 95% half-width / estimate is at most this
    /// (and at least [`MIN_HITS`] cycles saw an outage). `None`: fixed budget.
    pub target_rel_error: Option<f64>,
    /// Wall-clock limit for adaptive runs, seconds.
    pub time_limit_s: f64,
    /// Upper bound on biased cycles in adaptive runs.
    pub max_cycles: u64,
    /// Horizon of one plain Monte Carlo timeline (hours), for the equivalent
    /// number of plain timelines.
    pub horizon_h: f64,
}

/// Fewest cycles with an outage before an adaptive run may stop.
pub const MIN_HITS: u64 = 100;

impl Default for BfbConfig {
    /// Adaptive: 5% relative error, at most 30 s, at least 4096 cycles, 1-y horizon.
    fn default() -> Self {
        BfbConfig {
            seed: 1,
            bias: 0.5,
            biased_cycles: 4096,
            plain_cycles: 4096,
            target_rel_error: Some(0.05),
            time_limit_s: 30.0,
            max_cycles: 1 << 34,
            horizon_h: 8766.0,
        }
    }
}

/// What [`bfb()`] estimated. Times are in the chain's unit (hours for the builder's
/// chains); every interval is a two-sided 95% normal interval.
#[derive(Clone, Debug, PartialEq)]
pub struct RareEstimate {
    pub method: &'static str,
    /// Steady-state unavailability U = E[D]/E[C].
    pub unavailability: Estimate,
    /// 95% half-width of U divided by U (∞ when no outage was seen).
    pub rel_error: f64,
    /// Standard error of U.
    pub std_error: f64,
    /// Outage (up→down) frequency per time unit, f = E[K]/E[C].
    pub frequency: Estimate,
    /// Mean outage duration U/f.
    pub mdt: Estimate,
    /// Mean time to the first outage from all-up, E[min(T_F, τ)]/γ.
    pub mttf: Estimate,
    /// γ: probability that a regenerative cycle contains an outage.
    pub gamma: f64,
    /// Mean cycle length E[C] (from the plain cycles).
    pub mean_cycle: f64,
    pub biased_cycles: u64,
    pub plain_cycles: u64,
    /// Biased cycles that saw an outage (unweighted).
    pub hits: u64,
    /// Jumps simulated in total.
    pub steps: u64,
    /// Sum over chunks of their compute time (≈ CPU seconds).
    pub cpu_s: f64,
    /// Wall-clock seconds.
    pub elapsed_s: f64,
    /// Variance of plain Monte Carlo's unavailability estimate from one timeline of
    /// `horizon_h`, from the regenerative CLT: E[(D − U·C)²] / (E[C]·H), the
    /// moments estimated by the biased cycles (E[D²], E[D·C]) and plain ones (E[C²]),
    /// for the real continuous-time cycle (exponential holding times).
    pub plain_var_per_timeline: f64,
    /// Plain timelines of `horizon_h` giving the same variance (hence the same
    /// relative error) as this run: `plain_var_per_timeline / std_error²`.
    pub equivalent_timelines: f64,
    /// Adaptive run: whether the target was reached (always true for fixed budgets).
    pub converged: bool,
}

fn est(m: f64, se: f64) -> Estimate {
    Estimate {
        mean: m,
        lo: m - Z95 * se,
        hi: m + Z95 * se,
    }
}

/// Computes every figure from merged sums.
fn estimate(s: &Sums, horizon_h: f64, elapsed_s: f64, converged: bool) -> RareEstimate {
    let b = &s.b;
    let n1 = b.n.max(1) as f64;
    let n2 = s.p.n.max(1) as f64;
    let mc = s.p.c / n2;
    let vc = var(s.p.n, s.p.c, s.p.c2);
    let mz = b.z / n1;
    let vz = var(b.n, b.z, b.z2);
    let mk = b.k / n1;
    let vk = var(b.n, b.k, b.k2);
    let czk = cov(b.n, b.z, b.k, b.zk);
    let u = mz / mc;
    let se_u = ((vz / n1 + u * u * vc / n2) / (mc * mc)).sqrt();
    let f = mk / mc;
    let se_f = ((vk / n1 + f * f * vc / n2) / (mc * mc)).sqrt();
    let mdt = if mk > 0.0 { mz / mk } else { f64::NAN };
    let se_mdt = if mk > 0.0 {
        ((vz - 2.0 * mdt * czk + mdt * mdt * vk).max(0.0) / n1).sqrt() / mk
    } else {
        f64::NAN
    };
    // MTTF = (E[C] − E[L·after]) / γ
    let gamma = b.g / n1;
    let ma = b.a / n1;
    let m = mc - ma;
    let mttf = if gamma > 0.0 {
        m / gamma
    } else {
        f64::INFINITY
    };
    let se_mttf = if gamma > 0.0 {
        let vm = vc / n2 + var(b.n, b.a, b.a2) / n1;
        let vg = var(b.n, b.g, b.g2) / n1;
        let cmg = -cov(b.n, b.a, b.g, b.ag) / n1;
        (mttf * mttf * (vm / (m * m) + vg / (gamma * gamma) - 2.0 * cmg / (m * gamma)))
            .max(0.0)
            .sqrt()
    } else {
        f64::NAN
    };
    // plain MC variance of the time average over one timeline of horizon H
    let edd = b.dd / n1;
    let edc = b.dc / n1;
    let ecc = s.p.cc / n2;
    let sigma2 = (edd - 2.0 * u * edc + u * u * ecc).max(0.0) / mc;
    let plain_var = sigma2 / horizon_h;
    let rel = if u > 0.0 {
        Z95 * se_u / u
    } else {
        f64::INFINITY
    };
    RareEstimate {
        method: METHOD_BFB,
        unavailability: est(u, se_u),
        rel_error: rel,
        std_error: se_u,
        frequency: est(f, se_f),
        mdt: est(mdt, se_mdt),
        mttf: est(mttf, se_mttf),
        gamma,
        mean_cycle: mc,
        biased_cycles: b.n,
        plain_cycles: s.p.n,
        hits: b.hits,
        steps: b.steps + s.p.steps,
        cpu_s: s.cpu_s,
        elapsed_s,
        plain_var_per_timeline: plain_var,
        equivalent_timelines: if se_u > 0.0 {
            plain_var / (se_u * se_u)
        } else {
            0.0
        },
        converged,
    }
}

/// Balanced failure biasing on the regenerative cycles of `chain` (MODELS.md §10).
///
/// `level[s]` is the number of failed components in state `s` (0 only for the
/// all-up start state); a jump to a higher level is a failure event. With
/// `cfg.target_rel_error = None` exactly `cfg.biased_cycles` biased and
/// `cfg.plain_cycles` plain cycles are run. Otherwise rounds of cycles (N2 = N1)
/// run until the unavailability's relative error reaches the target, `max_cycles`
/// is reached or `time_limit_s` has passed; the next round's size is predicted
/// from the current error, so results depend only on the seed unless the time limit
/// cuts a round short.
///
/// Results are independent of the number of rayon threads. Errors (never panics)
/// when the chain has no regenerative structure (see [`bfb::Tables::new`]).
pub fn bfb(chain: &Chain, level: &[u32], cfg: &BfbConfig) -> Result<RareEstimate, String> {
    if !(cfg.horizon_h > 0.0) || !cfg.horizon_h.is_finite() {
        return Err("horizon must be positive".into());
    }
    let t0 = Instant::now();
    let tables = Tables::new(chain, level, cfg.bias)?;
    let chunks_for = |n: u64| n.div_ceil(CHUNK).max(1);
    let Some(target) = cfg.target_rel_error else {
        let n1 = cfg.biased_cycles.max(2);
        let n2 = cfg.plain_cycles.max(2);
        let s = run_chunks(&tables, cfg.seed, 0..chunks_for(n1.max(n2)), n1, n2)?;
        return Ok(estimate(
            &s,
            cfg.horizon_h,
            t0.elapsed().as_secs_f64(),
            true,
        ));
    };
    if !(target > 0.0) {
        return Err("target relative error must be positive".into());
    }
    let max_chunks = chunks_for(cfg.max_cycles);
    let mut done = 0u64;
    let mut next = chunks_for(cfg.biased_cycles).min(max_chunks);
    let mut sums = Sums::default();
    loop {
        let s = run_chunks(&tables, cfg.seed, done..done + next, u64::MAX, u64::MAX)?;
        sums.merge(&s);
        done += next;
        let elapsed = t0.elapsed().as_secs_f64();
        let e = estimate(&sums, cfg.horizon_h, elapsed, false);
        if e.rel_error <= target && e.hits >= MIN_HITS {
            return Ok(RareEstimate {
                converged: true,
                ..e
            });
        }
        if done >= max_chunks || elapsed >= cfg.time_limit_s {
            return Ok(e);
        }
        // relative error ∝ 1/√n: predict the total needed, at most doubling
        let want = if e.rel_error.is_finite() && e.hits >= MIN_HITS {
            let need = done as f64 * (e.rel_error / target).powi(2) * 1.1;
            (need.ceil() as u64).saturating_sub(done)
        } else {
            done
        };
        let per_chunk = elapsed / done as f64;
        let fit = ((cfg.time_limit_s - elapsed) / per_chunk.max(1e-9)).floor() as u64;
        next = want.clamp(1, done).min(fit.max(1)).min(max_chunks - done);
    }
}

/// Plain Monte Carlo on a chain, for comparison: timelines of `horizon` from the
/// start state with exponential holding times.
#[derive(Clone, Debug, PartialEq)]
pub struct PlainChainRun {
    pub timelines: u64,
    /// Mean unavailability over the horizon with its 95% interval.
    pub unavailability: Estimate,
    /// Up→down transitions seen in total.
    pub outages: u64,
    /// Sum over chunks of their compute time.
    pub cpu_s: f64,
}

/// Simulates `timelines` plain timelines of `horizon` on `chain` (in parallel,
/// independent of the thread count).
pub fn plain_chain_mc(chain: &Chain, horizon: f64, timelines: u64, seed: u64) -> PlainChainRun {
    let chunks = timelines.div_ceil(CHUNK);
    let parts: Vec<(f64, f64, u64, f64)> = (0..chunks)
        .into_par_iter()
        .map(|i| {
            let t0 = Instant::now();
            let mut rng = crate::engine::timeline_rng(seed ^ 0x9A1D_0000_7117_0001, i);
            let n = timelines.saturating_sub(i * CHUNK).min(CHUNK);
            let (mut s, mut s2, mut k) = (0.0, 0.0, 0u64);
            for _ in 0..n {
                let mut x = chain.start;
                let mut t = 0.0;
                let mut down = 0.0;
                while t < horizon {
                    let q = chain.exit_rate(x);
                    let hold = if q > 0.0 {
                        -(1.0 - rng.random::<f64>()).ln() / q
                    } else {
                        f64::INFINITY
                    };
                    let h = hold.min(horizon - t);
                    if !chain.up[x] {
                        down += h;
                    }
                    t += hold;
                    if t >= horizon {
                        break;
                    }
                    let mut u = rng.random::<f64>() * q;
                    let mut y = x;
                    for (j, r) in chain.row(x) {
                        y = j;
                        if u < r {
                            break;
                        }
                        u -= r;
                    }
                    if chain.up[x] && !chain.up[y] {
                        k += 1;
                    }
                    x = y;
                }
                let a = down / horizon;
                s += a;
                s2 += a * a;
            }
            (s, s2, k, t0.elapsed().as_secs_f64())
        })
        .collect();
    let (mut s, mut s2, mut k, mut cpu) = (0.0, 0.0, 0u64, 0.0);
    for p in parts {
        s += p.0;
        s2 += p.1;
        k += p.2;
        cpu += p.3;
    }
    let n = timelines.max(1) as f64;
    let se = (var(timelines, s, s2) / n).sqrt();
    PlainChainRun {
        timelines,
        unavailability: est(s / n, se),
        outages: k,
        cpu_s: cpu,
    }
}

/// Figures of an importance run beside the usual summary (`RunSummary::rare`).
pub use crate::results::RareInfo;

/// Runs [`bfb()`] on the scenario's CTMC (`chain` in hours, `level` as for `bfb`)
/// and reports it as a [`RunSummary`]: availability, downtime, outages per year,
/// outage duration mean, MTBF/MTTR and P(outage within horizon) come from the
/// regenerative steady-state estimator; `rare` carries the method, relative error
/// and equivalent plain timelines. Figures this estimator does not produce
/// (request success, degraded time, causes, tiers, data loss, percentiles,
/// histogram, survival curve) are NaN or empty; `timelines` is 0.
///
/// P(outage within horizon) is `1 − exp(−H/MTTF)` (first passage from all-up is
/// asymptotically exponential when outages are rare).
pub fn run_importance(
    s: &crate::model::Scenario,
    chain: &Chain,
    level: &[u32],
    cfg: &BfbConfig,
) -> Result<RunSummary, String> {
    use crate::model::{HOUR, YEAR};
    use crate::results::*;
    let h_h = s.simulation.horizon / HOUR;
    let cfg = BfbConfig {
        horizon_h: h_h,
        ..cfg.clone()
    };
    let e = bfb(chain, level, &cfg)?;
    let year_h = YEAR / HOUR;
    let u = e.unavailability;
    let scale = |x: Estimate, k: f64| Estimate {
        mean: x.mean * k,
        lo: x.lo * k,
        hi: x.hi * k,
    };
    let p_within = |m: f64| {
        if m.is_finite() && m > 0.0 {
            -(-h_h / m).exp_m1()
        } else if m.is_infinite() {
            0.0
        } else if m <= 0.0 {
            1.0
        } else {
            f64::NAN
        }
    };
    let nan = Estimate {
        mean: f64::NAN,
        lo: f64::NAN,
        hi: f64::NAN,
    };
    let f = e.frequency.mean;
    Ok(RunSummary {
        scenario: s.name.clone(),
        timelines: 0,
        horizon_h: h_h,
        seed: cfg.seed,
        threads: rayon::current_num_threads(),
        elapsed_s: e.elapsed_s,
        events: e.steps,
        availability: Estimate {
            mean: 1.0 - u.mean,
            lo: 1.0 - u.hi,
            hi: 1.0 - u.lo,
        },
        request_success: nan,
        downtime_per_year_s: scale(u, YEAR),
        degraded_per_year_s: nan,
        outages_per_year: scale(e.frequency, year_h),
        outage_duration: DurationStats {
            count: e.hits,
            mean: e.mdt.mean * HOUR,
            p50: f64::NAN,
            p90: f64::NAN,
            p99: f64::NAN,
            max: f64::NAN,
        },
        p_outage_within_horizon: Estimate {
            mean: p_within(e.mttf.mean),
            lo: p_within(e.mttf.hi.max(0.0)),
            hi: p_within(e.mttf.lo.max(0.0)),
        },
        mtbf_h: if f > 0.0 {
            (1.0 - u.mean) / f
        } else {
            f64::INFINITY
        },
        mttr_h: e.mdt.mean,
        data_loss: DataLoss {
            failovers_per_year: nan,
            lost_writes_s_per_year: nan,
        },
        rare: Some(RareInfo {
            method: e.method.to_string(),
            rel_error: e.rel_error,
            equivalent_timelines: e.equivalent_timelines,
            cycles: e.biased_cycles + e.plain_cycles,
            converged: e.converged,
        }),
        // Causes, tiers, deploys, histogram and survival: not estimated.
        ..RunSummary::default()
    })
}

/// Runs [`split::restart`] (RESTART splitting) on the scenario and reports it as
/// a [`RunSummary`]
/// (finite-horizon figures, the same meaning as plain timelines): availability,
/// downtime, outages per year, P(outage within horizon), MTBF/MTTR and the mean
/// outage duration; the rest is NaN or empty as for [`run_importance`].
pub fn run_splitting(
    s: &crate::model::Scenario,
    cfg: &split::RestartConfig,
) -> Result<RunSummary, String> {
    use crate::model::{HOUR, YEAR};
    use crate::results::*;
    let e = split::restart(s, cfg)?;
    let h = s.simulation.horizon;
    let years = h / YEAR;
    let u = e.unavailability;
    let scale = |x: Estimate, k: f64| Estimate {
        mean: x.mean * k,
        lo: x.lo * k,
        hi: x.hi * k,
    };
    let nan = Estimate {
        mean: f64::NAN,
        lo: f64::NAN,
        hi: f64::NAN,
    };
    let clamp01 = |x: Estimate| Estimate {
        mean: x.mean,
        lo: x.lo.clamp(0.0, 1.0),
        hi: x.hi.clamp(0.0, 1.0),
    };
    let k = e.outages.mean;
    Ok(RunSummary {
        scenario: s.name.clone(),
        timelines: 0,
        horizon_h: h / HOUR,
        seed: cfg.seed,
        threads: rayon::current_num_threads(),
        elapsed_s: e.elapsed_s,
        events: e.events,
        availability: Estimate {
            mean: 1.0 - u.mean,
            lo: 1.0 - u.hi,
            hi: 1.0 - u.lo,
        },
        request_success: nan,
        downtime_per_year_s: scale(u, YEAR),
        degraded_per_year_s: nan,
        outages_per_year: scale(e.outages, 1.0 / years),
        outage_duration: DurationStats {
            count: e.replications,
            mean: e.mdt_s,
            p50: f64::NAN,
            p90: f64::NAN,
            p99: f64::NAN,
            max: f64::NAN,
        },
        p_outage_within_horizon: clamp01(e.p_outage),
        mtbf_h: if k > 0.0 {
            (1.0 - u.mean) * h / HOUR / k
        } else {
            f64::INFINITY
        },
        mttr_h: e.mdt_s / HOUR,
        data_loss: DataLoss {
            failovers_per_year: nan,
            lost_writes_s_per_year: nan,
        },
        rare: Some(RareInfo {
            method: e.method.to_string(),
            rel_error: e.rel_error,
            equivalent_timelines: e.equivalent_timelines,
            cycles: e.replications,
            converged: e.converged,
        }),
        // Causes, tiers, deploys, histogram and survival: not estimated.
        ..RunSummary::default()
    })
}

/// `method = "importance"`: balanced failure biasing on the scenario's CTMC when
/// it is Markovian (`markov` = the builder's chain in hours and its levels), else
/// importance splitting on the engine. Seed from `[simulation] seed`; default
/// targets (5% for BFB, 10% for splitting, 30 s each).
pub fn run_rare(
    s: &crate::model::Scenario,
    markov: Option<(&Chain, &[u32])>,
) -> Result<RunSummary, String> {
    let seed = s.simulation.seed;
    match markov {
        Some((chain, level)) => run_importance(
            s,
            chain,
            level,
            &BfbConfig {
                seed,
                ..BfbConfig::default()
            },
        ),
        None => run_splitting(
            s,
            &split::RestartConfig {
                seed,
                ..split::RestartConfig::default()
            },
        ),
    }
}

#[cfg(test)]
mod split_tests;
#[cfg(test)]
mod tests;

//! Fixed-effort multilevel importance splitting on the event-driven engine, for
//! scenarios with any distributions (MODELS.md §10, "Splitting / RESTART";
//! Garvels & Kroese 1998; L'Ecuyer, Demers & Tuffin 2006).
//!
//! Importance function: I = m₀ − margin, where `margin` is the number of instance
//! losses the service can still absorb ([`Sim::margin`], −1 while down) and m₀ its
//! value at t = 0 (all up). Level ℓ = 1..=m₀+1 is reached when I ≥ ℓ; level m₀+1
//! is the first outage. One *replication*:
//! - stage 0: N fresh timelines run from t = 0 until they reach level 1 or the
//!   horizon;
//! - stage ℓ: N copies of the stage's entrance states (the full engine state at the
//!   moment a timeline first reached level ℓ, residual clocks included), each with
//!   a fresh random stream, run until level ℓ+1 or the horizon. Each entrance
//!   state gets ⌊N/M⌋ copies and a random subset of them one more (random
//!   assignment keeps the estimator unbiased);
//! - last stage: N copies of the first-outage states run to the horizon and report
//!   their downtime D and outages K over [0, H].
//!
//! With p̂ℓ the share of stage-ℓ runs that reached the next level,
//! P̂(outage within H) = ∏ p̂ℓ, Ê[D] = ∏ p̂ℓ · mean(D), Ê[K] = ∏ p̂ℓ · mean(K):
//! finite-horizon figures with the same meaning as plain timelines. Confidence
//! intervals come from independent replications. Replication r draws from
//! streams (seed, r, stage, run) only and replications merge in order, so results
//! do not depend on the thread count.

use super::bfb::{var, Z95};
use crate::engine::compiled::Compiled;
use crate::engine::timeline::Sim;
use crate::model::Scenario;
use crate::results::Estimate;
use rand::seq::SliceRandom;
use rayon::prelude::*;
use std::time::Instant;

/// Name reported for the splitting estimator.
pub const METHOD_SPLIT: &str = "importance splitting (fixed effort, margin levels)";

/// Settings of [`split()`].
#[derive(Clone, Debug, PartialEq)]
pub struct SplitConfig {
    pub seed: u64,
    /// Runs per stage and replication (N).
    pub effort: usize,
    /// Independent replications; with `target_rel_error`: the minimum.
    pub replications: u64,
    /// Stop once the unavailability's 95% half-width / estimate is at most this.
    pub target_rel_error: Option<f64>,
    /// Wall-clock limit for adaptive runs, seconds.
    pub time_limit_s: f64,
    /// Upper bound on replications in adaptive runs.
    pub max_replications: u64,
}

impl Default for SplitConfig {
    /// Adaptive: N = 1000, at least 8 replications, 10% target, 30 s.
    fn default() -> Self {
        SplitConfig {
            seed: 1,
            effort: 1000,
            replications: 8,
            target_rel_error: Some(0.10),
            time_limit_s: 30.0,
            max_replications: 100_000,
        }
    }
}

/// What [`split()`] estimated (finite horizon, like plain timelines).
#[derive(Clone, Debug, PartialEq)]
pub struct SplitEstimate {
    pub method: &'static str,
    /// Mean unavailability over the horizon.
    pub unavailability: Estimate,
    /// 95% half-width of the unavailability divided by the estimate.
    pub rel_error: f64,
    pub std_error: f64,
    /// Expected outages per timeline.
    pub outages: Estimate,
    /// P(at least one outage within the horizon).
    pub p_outage: Estimate,
    /// Mean outage duration E[D]/E[K], seconds.
    pub mdt_s: f64,
    /// Levels (m₀ + 1) and the mean per-stage conditional probabilities.
    pub levels: u32,
    pub stage_probs: Vec<f64>,
    pub replications: u64,
    pub effort: usize,
    /// Engine events processed.
    pub events: u64,
    pub cpu_s: f64,
    pub elapsed_s: f64,
    /// Variance of plain MC's unavailability from one timeline, E[(D/H)²] − U².
    pub plain_var_per_timeline: f64,
    /// Plain timelines with the same variance as this run.
    pub equivalent_timelines: f64,
    pub converged: bool,
}

/// One replication's figures.
#[derive(Clone, Debug, Default)]
struct Rep {
    /// Estimates of E[D/H], E[K], P(outage), E[(D/H)²].
    u: f64,
    k: f64,
    p: f64,
    u2: f64,
    stage: Vec<f64>,
    events: u64,
    cpu_s: f64,
}

fn rng(seed: u64, rep: u64, stage: u64, run: u64) -> rand_xoshiro::Xoshiro256PlusPlus {
    let s = crate::engine::splitmix(seed ^ 0x5911_7000_0000_0001) ^ rep;
    crate::engine::timeline_rng(crate::engine::splitmix(s), (stage << 40) ^ run)
}

/// Runs `sim` until I ≥ `level` (margin ≤ m₀ − level) or the horizon; returns
/// whether the level was reached.
fn run_to_level(sim: &mut Sim, threshold: i64) -> bool {
    loop {
        if sim.margin() <= threshold {
            return true;
        }
        if !sim.step() {
            return false;
        }
    }
}

fn replication(c: &Compiled, m0: i64, cfg: &SplitConfig, r: u64) -> Rep {
    let t0 = Instant::now();
    let n = cfg.effort.max(1);
    let h = c.horizon;
    let levels = (m0 + 1) as usize;
    let mut rep = Rep::default();
    let mut prod = 1.0;
    let mut starts: Vec<Sim> = Vec::new();
    for stage in 0..levels {
        let threshold = m0 - (stage as i64 + 1);
        let mut next = Vec::new();
        // assignment of the N runs to entrance states
        let sources: Vec<usize> = if stage == 0 {
            vec![0; n]
        } else {
            let m = starts.len();
            let mut extra: Vec<usize> = (0..m).collect();
            let mut g = rng(cfg.seed, r, stage as u64, u64::MAX);
            extra.shuffle(&mut g);
            let mut v = Vec::with_capacity(n);
            for (i, _) in starts.iter().enumerate() {
                for _ in 0..n / m {
                    v.push(i);
                }
            }
            v.extend(extra.into_iter().take(n % m));
            v
        };
        let mut base = Sim::new(c);
        for (j, &src) in sources.iter().enumerate() {
            let g = rng(cfg.seed, r, stage as u64, j as u64);
            let mut sim = if stage == 0 {
                base.begin(g);
                base.clone()
            } else {
                let mut s = starts[src].clone();
                s.reseed(g);
                s.resample_memoryless();
                s
            };
            let before = sim.events();
            let hit = run_to_level(&mut sim, threshold);
            rep.events += sim.events() - before;
            if hit {
                next.push(sim);
            }
        }
        let p = next.len() as f64 / n as f64;
        rep.stage.push(p);
        prod *= p;
        if next.is_empty() {
            rep.stage.resize(levels, 0.0);
            rep.cpu_s = t0.elapsed().as_secs_f64();
            return rep;
        }
        starts = next;
    }
    // final stage: copies of the first-outage states to the horizon
    let m = starts.len();
    let (mut sd, mut sk, mut sd2) = (0.0, 0.0, 0.0);
    for j in 0..n {
        let mut sim = starts[j % m].clone();
        if j >= m {
            sim.reseed(rng(cfg.seed, r, levels as u64, j as u64));
            sim.resample_memoryless();
        }
        let before = sim.events();
        while sim.step() {}
        rep.events += sim.events() - before;
        let (d, k) = sim.downtime_and_outages_at_horizon();
        let u = d / h;
        sd += u;
        sd2 += u * u;
        sk += k as f64;
    }
    let nf = n as f64;
    rep.p = prod;
    rep.u = prod * sd / nf;
    rep.u2 = prod * sd2 / nf;
    rep.k = prod * sk / nf;
    rep.cpu_s = t0.elapsed().as_secs_f64();
    rep
}

fn summarize(reps: &[Rep], levels: u32, cfg: &SplitConfig, elapsed: f64) -> SplitEstimate {
    let n = reps.len() as u64;
    let nf = n.max(1) as f64;
    let stat = |f: &dyn Fn(&Rep) -> f64| {
        let s: f64 = reps.iter().map(f).sum();
        let s2: f64 = reps.iter().map(|r| f(r) * f(r)).sum();
        let m = s / nf;
        let se = (var(n, s, s2) / nf).sqrt();
        (m, se)
    };
    let e = |(m, se): (f64, f64)| Estimate {
        mean: m,
        lo: m - Z95 * se,
        hi: m + Z95 * se,
    };
    let (u, se_u) = stat(&|r| r.u);
    let (k, se_k) = stat(&|r| r.k);
    let (p, se_p) = stat(&|r| r.p);
    let (u2, _) = stat(&|r| r.u2);
    let plain_var = (u2 - u * u).max(0.0);
    let mut stage_probs = vec![0.0; levels as usize];
    for r in reps {
        for (a, b) in stage_probs.iter_mut().zip(&r.stage) {
            *a += b / nf;
        }
    }
    SplitEstimate {
        method: METHOD_SPLIT,
        unavailability: e((u, se_u)),
        rel_error: if u > 0.0 {
            Z95 * se_u / u
        } else {
            f64::INFINITY
        },
        std_error: se_u,
        outages: e((k, se_k)),
        p_outage: e((p, se_p)),
        mdt_s: f64::NAN, // set by the caller, which knows the horizon
        levels,
        stage_probs,
        replications: n,
        effort: cfg.effort,
        events: reps.iter().map(|r| r.events).sum(),
        cpu_s: reps.iter().map(|r| r.cpu_s).sum(),
        elapsed_s: elapsed,
        plain_var_per_timeline: plain_var,
        equivalent_timelines: if se_u > 0.0 {
            plain_var / (se_u * se_u)
        } else {
            0.0
        },
        converged: false,
    }
}

/// Importance splitting on the engine for any scenario. Errors (never panics) when
/// the service is down at t = 0 or cannot lose anything (m₀ < 0).
pub fn split(s: &Scenario, cfg: &SplitConfig) -> Result<SplitEstimate, String> {
    let t0 = Instant::now();
    let c = Compiled::new(s);
    let mut probe = Sim::new(&c);
    probe.begin(rng(cfg.seed, 0, 0, 0));
    let m0 = probe.margin();
    if m0 < 0 || !probe.service_up() {
        return Err("the service is down at t = 0; splitting needs an all-up start".into());
    }
    if cfg.effort == 0 {
        return Err("splitting effort must be at least 1".into());
    }
    let levels = (m0 + 1) as u32;
    let h = c.horizon;
    let fix = |mut e: SplitEstimate| {
        e.mdt_s = if e.outages.mean > 0.0 {
            e.unavailability.mean * h / e.outages.mean
        } else {
            f64::NAN
        };
        e
    };
    let run = |a: u64, b: u64| -> Vec<Rep> {
        (a..b)
            .into_par_iter()
            .map(|r| replication(&c, m0, cfg, r))
            .collect()
    };
    let Some(target) = cfg.target_rel_error else {
        let reps = run(0, cfg.replications.max(2));
        let mut e = fix(summarize(&reps, levels, cfg, t0.elapsed().as_secs_f64()));
        e.converged = true;
        return Ok(e);
    };
    let mut reps = run(0, cfg.replications.max(2));
    loop {
        let elapsed = t0.elapsed().as_secs_f64();
        let mut e = fix(summarize(&reps, levels, cfg, elapsed));
        let done = reps.len() as u64;
        if e.rel_error <= target {
            e.converged = true;
            return Ok(e);
        }
        if done >= cfg.max_replications || elapsed >= cfg.time_limit_s {
            return Ok(e);
        }
        let next = next_round(
            done,
            e.rel_error,
            target,
            elapsed,
            cfg.time_limit_s,
            cfg.max_replications,
        );
        reps.extend(run(done, done + next));
    }
}

// ------------------------------------------------------------------- RESTART

/// Name reported for the RESTART estimator.
pub const METHOD_RESTART: &str = "importance splitting (RESTART, margin levels)";

/// Settings of [`restart()`].
#[derive(Clone, Debug, PartialEq)]
pub struct RestartConfig {
    pub seed: u64,
    /// Independent main trials (replications); with `target_rel_error`: the minimum.
    pub replications: u64,
    /// Stop once the unavailability's 95% half-width / estimate is at most this.
    pub target_rel_error: Option<f64>,
    /// Wall-clock limit for adaptive runs, seconds.
    pub time_limit_s: f64,
    pub max_replications: u64,
    /// Runs per level of the pilot that sets the retrial factors.
    pub pilot: usize,
    /// Largest retrial factor R_ℓ.
    pub max_factor: u64,
    /// Explicit retrial factors R_1..R_M (skips the pilot); `None`: from the pilot.
    pub factors: Option<Vec<u64>>,
}

impl Default for RestartConfig {
    /// Adaptive: at least 64 main trials, 10% target, 30 s, pilot of 2000 runs per
    /// level, factors at most 100.
    fn default() -> Self {
        RestartConfig {
            seed: 1,
            replications: 64,
            target_rel_error: Some(0.10),
            time_limit_s: 30.0,
            max_replications: 1 << 32,
            pilot: 2000,
            max_factor: 100,
            factors: None,
        }
    }
}

/// Trajectories one main trial may spawn before the run is abandoned.
pub const MAX_TRAJECTORIES: u64 = 20_000_000;

fn level_of(sim: &Sim, m0: i64) -> usize {
    (m0 - sim.margin()).clamp(0, m0 + 1) as usize
}

/// Pilot: p̂ℓ = P(reach level ℓ+1 before dropping below ℓ | entered ℓ), from
/// `n` runs per level started at entrance states (level 1 from fresh timelines).
/// Returns R_1..R_M with R_1 = 1 and R_{ℓ+1} = round(1/p̂ℓ) within [1, max].
fn pilot_factors(c: &Compiled, m0: i64, cfg: &RestartConfig) -> Vec<u64> {
    let m = (m0 + 1) as usize;
    let n = cfg.pilot.max(10);
    let mut factors = vec![1u64; m];
    let seed = cfg.seed ^ 0x9110_7000_0000_0000;
    // entrance states of level 1
    let mut starts: Vec<Sim> = Vec::new();
    let mut base = Sim::new(c);
    for j in 0..n {
        base.begin(rng(seed, 0, 0, j as u64));
        let mut sim = base.clone();
        if run_to_level(&mut sim, m0 - 1) {
            starts.push(sim);
        }
    }
    let mut last = cfg.max_factor;
    for l in 1..m {
        if starts.is_empty() {
            factors[l] = last;
            continue;
        }
        let mut next = Vec::new();
        for j in 0..n {
            let mut sim = starts[j % starts.len()].clone();
            sim.reseed(rng(seed, 0, l as u64, j as u64));
            sim.resample_memoryless();
            loop {
                let lv = level_of(&sim, m0);
                if lv > l {
                    next.push(sim);
                    break;
                }
                if lv < l || !sim.step() {
                    break;
                }
            }
        }
        let p = next.len() as f64 / n as f64;
        // No success in the pilot: do not split there (a guessed large factor
        // can explode, because copies of one state share its pre-sampled clocks).
        let r = if p > 0.0 {
            (1.0 / p).round().clamp(1.0, cfg.max_factor as f64) as u64
        } else {
            1
        };
        factors[l] = r;
        last = r;
        starts = next;
    }
    factors
}

/// One trajectory on the RESTART stack.
struct Traj<'a> {
    sim: Sim<'a>,
    /// Level it was born at (killed when it drops below; 0 = main trial).
    born: usize,
    base_down: f64,
    base_outages: u64,
    base_durations: usize,
}

/// One main trial with all its retrials: weighted sums
/// (Σ D/H, Σ K, first outages, Σ d²/H²) / ∏R, events, trajectories.
fn restart_replication(
    c: &Compiled,
    m0: i64,
    factors: &[u64],
    seed: u64,
    r: u64,
) -> Result<Rep, String> {
    let t0 = Instant::now();
    let h = c.horizon;
    let m = (m0 + 1) as usize;
    let w: f64 = factors.iter().map(|&f| f as f64).product();
    let mut main = Sim::new(c);
    main.begin(rng(seed, r, 0, 0));
    let mut stack = vec![Traj {
        sim: main,
        born: 0,
        base_down: 0.0,
        base_outages: 0,
        base_durations: 0,
    }];
    let (mut sd, mut sk, mut sfirst, mut sd2) = (0.0, 0.0, 0.0, 0.0);
    let mut spawned = 0u64;
    let mut events = 0u64;
    while let Some(mut t) = stack.pop() {
        let mut lvl = level_of(&t.sim, m0);
        let before = t.sim.events();
        let alive_at_horizon = loop {
            if !t.sim.step() {
                break true;
            }
            let new = level_of(&t.sim, m0);
            if new < t.born {
                break false;
            }
            if new > lvl {
                if new == m && lvl < m && t.sim.completed_outages().1 == 0 {
                    // a first outage: counted for this trajectory and its new copies
                    let copies: u64 = factors[lvl..new].iter().product();
                    sfirst += copies as f64;
                }
                // retrials at each threshold crossed: every copy splits again
                let mut borns: Vec<usize> = Vec::new();
                for l in (lvl + 1)..=new {
                    let existing = 1 + borns.len();
                    for _ in 0..existing * (factors[l - 1] as usize - 1) {
                        borns.push(l);
                    }
                }
                let (bd, bk) = t.sim.completed_outages();
                let bl = t.sim.outage_durations().len();
                for b in borns {
                    spawned += 1;
                    if spawned > MAX_TRAJECTORIES {
                        return Err("RESTART: too many retrials (retrial factors too large)".into());
                    }
                    let mut sim = t.sim.clone();
                    sim.reseed(rng(seed, r, 1, spawned));
                    sim.resample_memoryless();
                    stack.push(Traj {
                        sim,
                        born: b,
                        base_down: bd,
                        base_outages: bk,
                        base_durations: bl,
                    });
                }
            }
            lvl = new;
        };
        events += t.sim.events() - before;
        let (d, k) = t.sim.completed_outages();
        let mut dd: f64 = t.sim.outage_durations()[t.base_durations..]
            .iter()
            .map(|x| x * x)
            .sum();
        let (mut d, mut k) = (d - t.base_down, (k - t.base_outages) as f64);
        if alive_at_horizon {
            let open = t.sim.open_outage_at_horizon();
            if open > 0.0 {
                d += open;
                k += 1.0;
                dd += open * open;
            }
        }
        sd += d / h;
        sk += k;
        sd2 += dd / (h * h);
    }
    Ok(Rep {
        u: sd / w,
        k: sk / w,
        p: sfirst / w,
        u2: sd2 / w,
        stage: factors.iter().map(|&f| f as f64).collect(),
        events,
        cpu_s: t0.elapsed().as_secs_f64(),
    })
}

/// RESTART (Villén-Altamirano) on the engine for any scenario: thresholds at each
/// level of I = m₀ − margin; a trajectory up-crossing threshold ℓ makes R_ℓ − 1
/// retrials there (every copy again at each further threshold crossed by the same
/// jump), retrials die when they drop below the threshold they were born at, and
/// events in the outage region count with weight 1/∏R. Retrial factors come from a
/// pilot (R_{ℓ+1} ≈ 1/P(reach ℓ+1 before dropping below ℓ)). Estimates the mean
/// unavailability over the horizon, expected outages and P(outage within H), like
/// plain timelines; intervals from independent main trials. The plain-MC variance
/// per timeline is taken as E[Σ dᵢ²]/H² − U² (exact when a timeline has at most
/// one outage; a slight underestimate otherwise).
pub fn restart(s: &Scenario, cfg: &RestartConfig) -> Result<SplitEstimate, String> {
    let t0 = Instant::now();
    let c = Compiled::new(s);
    let mut probe = Sim::new(&c);
    probe.begin(rng(cfg.seed, 0, 0, 0));
    let m0 = probe.margin();
    if m0 < 0 || !probe.service_up() {
        return Err("the service is down at t = 0; splitting needs an all-up start".into());
    }
    let m = (m0 + 1) as usize;
    let factors = match &cfg.factors {
        Some(f) if f.len() == m && f.iter().all(|&x| x >= 1) => f.clone(),
        Some(f) => {
            return Err(format!(
                "RESTART needs {m} retrial factors >= 1, got {}",
                f.len()
            ))
        }
        None => pilot_factors(&c, m0, cfg),
    };
    let h = c.horizon;
    let run = |a: u64, b: u64| -> Result<Vec<Rep>, String> {
        (a..b)
            .into_par_iter()
            .map(|r| restart_replication(&c, m0, &factors, cfg.seed, r))
            .collect()
    };
    let finish = |reps: &[Rep], converged: bool| {
        let sc = SplitConfig {
            effort: 1,
            ..SplitConfig::default()
        };
        let mut e = summarize(reps, m as u32, &sc, t0.elapsed().as_secs_f64());
        e.method = METHOD_RESTART;
        e.effort = 1;
        e.stage_probs = factors.iter().map(|&f| f as f64).collect();
        e.mdt_s = if e.outages.mean > 0.0 {
            e.unavailability.mean * h / e.outages.mean
        } else {
            f64::NAN
        };
        e.converged = converged;
        e
    };
    let mut reps = run(0, cfg.replications.max(2))?;
    let Some(target) = cfg.target_rel_error else {
        return Ok(finish(&reps, true));
    };
    loop {
        let e = finish(&reps, false);
        let elapsed = t0.elapsed().as_secs_f64();
        let done = reps.len() as u64;
        if e.rel_error <= target {
            return Ok(finish(&reps, true));
        }
        if done >= cfg.max_replications || elapsed >= cfg.time_limit_s {
            return Ok(e);
        }
        let next = next_round(
            done,
            e.rel_error,
            target,
            elapsed,
            cfg.time_limit_s,
            cfg.max_replications,
        );
        reps.extend(run(done, done + next)?);
    }
}

/// Replications for the next adaptive round: enough to reach `target` if the
/// error falls like 1/√n (10% margin), at most doubling, within the time left
/// (at the pace so far) and the replication cap.
fn next_round(
    done: u64,
    rel_error: f64,
    target: f64,
    elapsed: f64,
    time_limit: f64,
    max: u64,
) -> u64 {
    let want = if rel_error.is_finite() {
        ((done as f64 * (rel_error / target).powi(2) * 1.1).ceil() as u64).saturating_sub(done)
    } else {
        done
    };
    let per = elapsed / done as f64;
    let fit = ((time_limit - elapsed) / per.max(1e-9)).floor() as u64;
    want.clamp(1, done).min(fit.max(1)).min(max - done)
}

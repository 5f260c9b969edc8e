//! Closed-form models of MODELS.md: the formulas engineers quote, each with the
//! assumptions that make it exact. Rates are per hour (λ = 1/MTTF, μ = 1/MTTR).

use crate::model::{Dist, Mode, Scenario, Standby, Strategy, HOUR, YEAR};
use crate::results::Prediction;

/// Hours in the scenario year (365.25 d).
pub const YEAR_H: f64 = YEAR / HOUR;

// ------------------------------------------------------------ single unit (§1)

/// Steady-state availability of one repairable unit, any distributions.
pub fn single_unit(mttf: f64, mttr: f64) -> f64 {
    mttf / (mttf + mttr)
}

/// Exponential point availability A(t) from up.
pub fn point_availability(lam: f64, mu: f64, t: f64) -> f64 {
    mu / (lam + mu) + lam / (lam + mu) * (-(lam + mu) * t).exp()
}

/// Exponential mean availability over [0, T] from up.
pub fn interval_availability(lam: f64, mu: f64, t: f64) -> f64 {
    let s = lam + mu;
    mu / s + lam * (1.0 - (-s * t).exp()) / (s * s * t)
}

/// Steady-state failures per year of one unit: 8766 / (MTTF + MTTR).
pub fn failures_per_year(mttf: f64, mttr: f64) -> f64 {
    YEAR_H / (mttf + mttr)
}

/// Survival R(t) of a time-to-failure distribution (hours in, hours out).
pub fn survival(d: &Dist, t_h: f64) -> f64 {
    let t = t_h * HOUR;
    match d {
        Dist::Exponential { mean } => (-t / mean).exp(),
        Dist::Weibull { shape, scale } => (-(t / scale).powf(*shape)).exp(),
        Dist::LogNormal { mu, sigma } => 1.0 - normal_cdf((t.ln() - mu) / sigma),
        Dist::Fixed(v) => {
            if t < *v {
                1.0
            } else {
                0.0
            }
        }
        Dist::Uniform { min, max } => ((max - t) / (max - min)).clamp(0.0, 1.0),
        Dist::Gamma { .. } | Dist::Empirical(_) => f64::NAN,
    }
}

/// Standard normal CDF.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Complementary error function: the Taylor series of erf below 2, a continued
/// fraction (Lentz) above.
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.0 {
        // erf series: erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
        let mut sum = 0.0f64;
        let mut term = x;
        let mut n = 0.0;
        while term.abs() > 1e-17 * sum.abs().max(1e-300) {
            sum += term / (2.0 * n + 1.0);
            n += 1.0;
            term *= -x * x / n;
            if n > 200.0 {
                break;
            }
        }
        1.0 - 2.0 / std::f64::consts::PI.sqrt() * sum
    } else {
        // Lentz continued fraction for erfc.
        let mut f = x;
        let mut c = x;
        let mut d = 0.0;
        for k in 1..300 {
            let a = k as f64 / 2.0;
            d = x + a * d;
            d = if d == 0.0 { 1e-300 } else { 1.0 / d };
            c = x + a / c;
            let delta = c * d;
            f *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-x * x).exp() / (f * std::f64::consts::PI.sqrt())
    }
}

// ------------------------------------------------------- per-second model (§2)

/// Median of the first outage when each second fails with probability `q`:
/// ln 0.5 / ln(1 - q), in seconds.
pub fn per_second_median_s(q: f64) -> f64 {
    0.5f64.ln() / (-q).ln_1p()
}

/// P(no outage by t) of a repairable 1-of-2 pair from all-up (one repair at a
/// time matters: an outage is the second failure during a repair). The transient
/// generator [[-2λ, 2λ], [μ, -(λ+μ)]] has decay rates s₁, s₂, the roots of
/// s² - (3λ+μ)s + 2λ² = 0, and S(t) = (s₂e^{-s₁t} - s₁e^{-s₂t}) / (s₂ - s₁).
/// μ = 0 is the pair without repair: S = 2e^{-λt} - e^{-2λt}.
pub fn pair_survival(lam: f64, mu: f64, t: f64) -> f64 {
    let b = 3.0 * lam + mu;
    let disc = (b * b - 8.0 * lam * lam).sqrt();
    // Stable roots: s₁ = 2λ² / s₂ avoids cancellation when μ ≫ λ.
    let s2 = 0.5 * (b + disc);
    let s1 = 2.0 * lam * lam / s2;
    (s2 * (-s1 * t).exp() - s1 * (-s2 * t).exp()) / (s2 - s1)
}

/// Median time to the first outage of the repairable pair (bisection on
/// [`pair_survival`]).
pub fn pair_median(lam: f64, mu: f64) -> f64 {
    let mut hi = 1.0 / lam;
    while pair_survival(lam, mu, hi) > 0.5 {
        hi *= 2.0;
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if pair_survival(lam, mu, mid) > 0.5 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Repairable 1-of-2 MTTF from all-up: (3λ + μ) / (2λ²).
pub fn mttf_one_of_two(lam: f64, mu: f64) -> f64 {
    (3.0 * lam + mu) / (2.0 * lam * lam)
}

// ------------------------------------------------------------ k-of-n (§3, §4)

/// Binomial coefficient as f64.
pub fn binom(n: u32, k: u32) -> f64 {
    if k > n {
        return 0.0;
    }
    let k = k.min(n - k);
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// P(at least k of n up) for identical independent units of availability a.
pub fn kofn(k: u32, n: u32, a: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let q = 1.0 - a;
    // Sum the smaller tail for accuracy: U = P(at most k-1 up).
    let u: f64 = (0..k)
        .map(|j| binom(n, j) * a.powi(j as i32) * q.powi((n - j) as i32))
        .sum();
    1.0 - u
}

/// Parallel: A = 1 - Π(1 - a_i).
pub fn parallel(a: &[f64]) -> f64 {
    1.0 - a.iter().map(|x| 1.0 - x).product::<f64>()
}

/// The AWS spares approximation: A ≈ 1 - C(n, s+1) q^(s+1).
pub fn spares_approx(n: u32, s: u32, q: f64) -> f64 {
    1.0 - binom(n, s + 1) * q.powi(s as i32 + 1)
}

/// Birth–death k-of-n with r FIFO crews and an optional overload multiplier
/// (failure rate × m while load per surviving unit exceeds capacity 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BirthDeath {
    pub availability: f64,
    /// Outages per hour (flow across the up/down cut).
    pub frequency: f64,
    pub mttf: f64,
    pub mut_h: f64,
    pub mdt_h: f64,
    /// Time-average share of requests served, E[min(1, (n-j)/L)].
    pub request_success: f64,
}

pub fn birth_death(
    k: u32,
    n: u32,
    r: u32,
    lam: f64,
    mu: f64,
    overload: Option<(f64, f64)>,
) -> BirthDeath {
    let n_ = n as usize;
    let fail = |j: usize| -> f64 {
        let up = (n_ - j) as f64;
        let m = match overload {
            Some((mult, load)) if load / up > 1.0 => mult,
            _ => 1.0,
        };
        up * lam * m
    };
    let rep = |j: usize| -> f64 { j.min(r as usize) as f64 * mu };
    let mut w = vec![1.0f64; n_ + 1];
    for j in 0..n_ {
        w[j + 1] = w[j] * fail(j) / rep(j + 1);
    }
    let z: f64 = w.iter().sum();
    let pi: Vec<f64> = w.iter().map(|x| x / z).collect();
    let last_up = (n - k) as usize;
    let a: f64 = pi[..=last_up].iter().sum();
    let f = pi[last_up] * fail(last_up);
    // MTTF from all-up: Σ_{j ≤ n-k} τ_j, τ_j = (Σ_{i ≤ j} w_i) / (λ_j w_j).
    let mut mttf = 0.0;
    let mut cum = 0.0;
    for j in 0..=last_up {
        cum += w[j];
        mttf += cum / (fail(j) * w[j]);
    }
    let load = overload.map(|o| o.1).unwrap_or(k as f64);
    let rs = (0..=n_)
        .map(|j| pi[j] * (((n_ - j) as f64) / load).min(1.0))
        .sum();
    BirthDeath {
        availability: a,
        frequency: f,
        mttf,
        mut_h: a / f,
        mdt_h: (1.0 - a) / f,
        request_success: rs,
    }
}

// ----------------------------------------------------------- coverage (§5)

/// The static "redundancy paradox" formula R = a + (1-a)·c·a.
pub fn static_coverage(a: f64, c: f64) -> f64 {
    a + (1.0 - a) * c * a
}

/// Parameters of the §5 duplex (hours; `None` manual = wait for the repair).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Duplex {
    pub lam: f64,
    pub mu: f64,
    /// Standby failure rate while monitored (λ hot, wλ warm, 0 cold).
    pub lam_sb: f64,
    pub detection: f64,
    pub switchover: f64,
    pub coverage: f64,
    /// Manual recovery rate ν.
    pub manual: f64,
    pub crews: u32,
}

/// State probabilities of the §5 duplex: [2U, 1U, 1D, 1S, 1X, 0].
pub fn duplex_states(p: &Duplex) -> [f64; 6] {
    let (l, m, d, s, c, nu) = (p.lam, p.mu, p.detection, p.switchover, p.coverage, p.manual);
    let x1d = l / (1.0 / d + l + m);
    let x1s = (c / d) * x1d / (1.0 / s + l + m);
    let x1x = ((1.0 - c) / d) * x1d / (nu + l + m);
    let x1u = (p.lam_sb + x1s * (1.0 / s + l) + x1x * (nu + l) + l * x1d) / m;
    let x0 = l * (x1u + x1d + x1s + x1x) / (p.crews.min(2) as f64 * m);
    let z = 1.0 + x1u + x1d + x1s + x1x + x0;
    [1.0 / z, x1u / z, x1d / z, x1s / z, x1x / z, x0 / z]
}

/// The §5 duplex closed form: (U, f per hour).
pub fn duplex(p: &Duplex) -> (f64, f64) {
    let (l, m, d, s, c, nu) = (p.lam, p.mu, p.detection, p.switchover, p.coverage, p.manual);
    let x1d = l / (1.0 / d + l + m);
    let x1s = (c / d) * x1d / (1.0 / s + l + m);
    let x1x = ((1.0 - c) / d) * x1d / (nu + l + m);
    let x1u = (p.lam_sb + x1s * (1.0 / s + l) + x1x * (nu + l) + l * x1d) / m;
    let x0 = l * (x1u + x1d + x1s + x1x) / (p.crews.min(2) as f64 * m);
    let z = 1.0 + x1u + x1d + x1s + x1x + x0;
    let u = (x1d + x1s + x1x + x0) / z;
    (u, l * (1.0 + x1u) / z)
}

/// First-order duplex unavailability, MODELS §5, plus false alarms at rate φ per
/// hour whose failover takes `s` with probability c and `m_fa` otherwise.
/// With P₂ = 1/(1+ρ)², u₀ = P₂[ρ² + λ(d + c·s + (1-c)/(ν+μ))] (real failures) and
/// x = P₂·φ·(c·s + (1-c)·m_fa) (false-alarm outage time per unit of healthy time),
/// U ≈ (u₀ + x)/(1 + x): false-alarm outages displace time in which the pair
/// would otherwise be up, hence the normalisation.
pub fn duplex_first_order(p: &Duplex, phi: f64, m_fa: f64) -> f64 {
    let (u0, x) = duplex_parts(p, phi, m_fa);
    (u0 + x) / (1.0 + x)
}

fn duplex_parts(p: &Duplex, phi: f64, m_fa: f64) -> (f64, f64) {
    let rho = p.lam / p.mu;
    let c = p.coverage;
    let p2 = 1.0 / (1.0 + rho).powi(2);
    let u0 =
        p2 * (rho * rho + p.lam * (p.detection + c * p.switchover + (1.0 - c) / (p.manual + p.mu)));
    let x = p2 * phi * (c * p.switchover + (1.0 - c) * m_fa);
    (u0, x)
}

/// The coverage below which the duplex of [`duplex_first_order`] is less
/// available than one instance (U_single = ρ/(1+ρ)); `None` when it never is
/// (or always is) for coverage in [0, 1]. U(c) = U_single is
/// u₀(c) + (1 - U_single)·x(c) = U_single, linear in c.
pub fn paradox_crossover(p: &Duplex, phi: f64, m_fa: f64) -> Option<f64> {
    let single = p.lam / (p.lam + p.mu);
    let g = |c: f64| {
        let (u0, x) = duplex_parts(&Duplex { coverage: c, ..*p }, phi, m_fa);
        u0 + (1.0 - single) * x - single
    };
    let (g0, g1) = (g(0.0), g(1.0));
    if g0 > 0.0 && g1 < 0.0 {
        Some(g0 / (g0 - g1))
    } else {
        None
    }
}

// ---------------------------------------------------- common cause (§6)

/// Classic beta-factor 1-of-2 (common-cause failures fail both; crews repair
/// them individually): (U, MTTF).
pub fn beta_classic_pair(lam: f64, mu: f64, beta: f64, crews: u32) -> (f64, f64) {
    let rho = lam / mu;
    let p1 = (2.0 - beta) * rho;
    let p2 = lam * (beta + (2.0 - beta) * rho) / (crews.min(2) as f64 * mu);
    let u = p2 / (1.0 + p1 + p2);
    let mttf = (3.0 * lam + mu - 2.0 * beta * lam) / (lam * ((2.0 - beta) * lam + beta * mu));
    (u, mttf)
}

/// Availability of the common-cause overlay: no new event while one is active
/// (the scenario format) 1/(1 + rate·E[R]), or overlapping (M/G/∞) e^{-rate·E[R]}.
pub fn ccf_overlay(rate: f64, mean_repair: f64, overlap: bool) -> f64 {
    if overlap {
        (-rate * mean_repair).exp()
    } else {
        1.0 / (1.0 + rate * mean_repair)
    }
}

/// MGL rates for m = 3: (λ1, λ2, λ3) per specific group.
pub fn mgl3(lam_t: f64, beta: f64, gamma: f64) -> (f64, f64, f64) {
    (
        (1.0 - beta) * lam_t,
        beta * (1.0 - gamma) * lam_t / 2.0,
        beta * gamma * lam_t,
    )
}

/// Alpha factor: the rate of each specific k-group,
/// λ_k = k α_k λ_t / (C(m-1, k-1) α_t), α_t = Σ k α_k.
pub fn alpha_factor_rates(alpha: &[f64], lam_t: f64) -> Vec<f64> {
    let m = alpha.len() as u32;
    let at: f64 = alpha
        .iter()
        .enumerate()
        .map(|(i, a)| (i + 1) as f64 * a)
        .sum();
    alpha
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let k = (i + 1) as u32;
            k as f64 * a * lam_t / (binom(m - 1, k - 1) * at)
        })
        .collect()
}

// -------------------------------------------------- capacity, maintenance (§7, §8)

/// Instances needed for a load in units of one instance's capacity.
pub fn required_for_load(load: f64) -> u32 {
    (load - 1e-9).ceil().max(1.0) as u32
}

/// Rolling maintenance / deploys: U ≈ (1 - p_m) U(k, n) + p_m U(k, n-1), with
/// p_m = n · step · rate the share of time one instance is out.
pub fn rolling_maintenance(k: u32, n: u32, a: f64, p_m: f64) -> f64 {
    let u_n = 1.0 - kofn(k, n, a);
    let u_n1 = if n > 0 { 1.0 - kofn(k, n - 1, a) } else { 1.0 };
    (1.0 - p_m) * u_n + p_m * u_n1
}

// ------------------------------------------------------ sample sizes (§9)

/// Timelines for relative half-width ε at 95% on a probability p.
pub fn timelines_for_probability(p: f64, eps: f64) -> f64 {
    1.96f64.powi(2) * (1.0 - p) / (p * eps * eps)
}

/// Outages to observe for relative half-width ε on a time-average U, given the
/// squared coefficient of variation of outage durations.
pub fn outages_for_unavailability(cv2: f64, eps: f64) -> f64 {
    1.96f64.powi(2) * (1.0 + cv2) / (eps * eps)
}

/// P(X ≤ x) for X ~ Binomial(n, p), summed in log space.
pub fn binomial_cdf(x: u64, n: u64, p: f64) -> f64 {
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return if x >= n { 1.0 } else { 0.0 };
    }
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let mut log_c = 0.0f64; // ln C(n, 0)
    let mut sum = 0.0;
    for k in 0..=x.min(n) {
        if k > 0 {
            log_c += ((n - k + 1) as f64).ln() - (k as f64).ln();
        }
        sum += (log_c + k as f64 * lp + (n - k) as f64 * lq).exp();
    }
    sum.min(1.0)
}

/// Clopper–Pearson (exact) two-sided interval for x successes in n trials at
/// confidence 1 - alpha, by bisection on the binomial CDF.
pub fn clopper_pearson(x: u64, n: u64, alpha: f64) -> (f64, f64) {
    let solve = |f: &dyn Fn(f64) -> bool| {
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if f(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    let lower = if x == 0 {
        0.0
    } else {
        // P(X ≥ x | p) = alpha/2
        solve(&|p| 1.0 - binomial_cdf(x - 1, n, p) < alpha / 2.0)
    };
    let upper = if x == n {
        1.0
    } else {
        // P(X ≤ x | p) = alpha/2
        solve(&|p| binomial_cdf(x, n, p) > alpha / 2.0)
    };
    (lower, upper)
}

/// 95% upper bound on a rate after zero events in total time `t`: -ln(0.05)/t.
pub fn zero_rate_upper(t: f64) -> f64 {
    -(0.05f64.ln()) / t
}

/// Exact one-sided 95% upper bound on p after 0 successes in n trials.
pub fn zero_events_upper(n: f64) -> f64 {
    1.0 - 0.05f64.powf(1.0 / n)
}

// ------------------------------------------ product form over the scenario (§3, §6)

/// A shared component (domain, or a tier's common-cause overlay) of the product form.
struct Shared {
    a: f64,
    /// Failures per hour in steady state (1 / (E[up] + E[down])).
    freq: f64,
    /// Instances it holds down.
    members: Vec<usize>,
}

struct ProductForm {
    shared: Vec<Shared>,
    /// Per tier: (first instance, n, k).
    tiers: Vec<(usize, u32, u32)>,
    /// Per instance: availability and failure frequency of its own process.
    inst: Vec<(f64, f64)>,
}

impl ProductForm {
    /// With `correlated = false`, domains and common causes are ignored and
    /// instances use their full failure rate (the textbook view).
    fn new(s: &Scenario, correlated: bool) -> Option<ProductForm> {
        let mut inst = Vec::new();
        let mut tiers = Vec::new();
        let mut shared = Vec::new();
        for t in &s.tiers {
            let first = inst.len();
            let beta = if correlated {
                t.common_cause.as_ref().and_then(|c| c.beta).unwrap_or(0.0)
            } else {
                0.0
            };
            let (a, f) = match (&t.failure, &t.repair) {
                (Some(f), Some(r)) => {
                    let mttf = f.mean() / HOUR / (1.0 - beta);
                    let mttr = r.mean() / HOUR;
                    if !mttf.is_finite() {
                        (1.0, 0.0)
                    } else {
                        (single_unit(mttf, mttr), 1.0 / (mttf + mttr))
                    }
                }
                _ => (1.0, 0.0),
            };
            for _ in 0..t.instances {
                inst.push((a, f));
            }
            tiers.push((first, t.instances, t.required));
            if correlated {
                if let Some(c) = &t.common_cause {
                    let up = c.every.mean() / HOUR;
                    let down = c.repair.mean() / HOUR;
                    shared.push(Shared {
                        a: up / (up + down),
                        freq: 1.0 / (up + down),
                        members: (first..first + t.instances as usize).collect(),
                    });
                }
            }
        }
        if correlated {
            let mut members: Vec<Vec<usize>> = vec![Vec::new(); s.domains.len()];
            let mut idx = 0;
            for t in &s.tiers {
                for p in &t.placement {
                    if let Some(d) = p {
                        for a in s.domain_path(*d) {
                            members[a].push(idx);
                        }
                    }
                    idx += 1;
                }
            }
            for (di, d) in s.domains.iter().enumerate() {
                let l = &s.levels[d.level];
                if let (Some(f), Some(r)) = (&l.failure, &l.repair) {
                    let (up, down) = (f.mean() / HOUR, r.mean() / HOUR);
                    shared.push(Shared {
                        a: up / (up + down),
                        freq: 1.0 / (up + down),
                        members: std::mem::take(&mut members[di]),
                    });
                }
            }
        }
        if shared.len() > 16 {
            return None;
        }
        Some(ProductForm {
            shared,
            tiers,
            inst,
        })
    }

    /// Service availability with optional forced components: `shared_forced`
    /// (index, up) and `inst_forced` (instance, up).
    fn availability(
        &self,
        shared_forced: Option<(usize, bool)>,
        inst_forced: Option<(usize, bool)>,
    ) -> f64 {
        let ns = self.shared.len();
        let mut total = 0.0;
        let mut blocked = vec![false; self.inst.len()];
        for mask in 0u32..(1u32 << ns) {
            let mut w = 1.0;
            for (j, c) in self.shared.iter().enumerate() {
                let up = mask & (1 << j) == 0;
                w *= match shared_forced {
                    Some((f, fu)) if f == j => {
                        if up == fu {
                            1.0
                        } else {
                            0.0
                        }
                    }
                    _ => {
                        if up {
                            c.a
                        } else {
                            1.0 - c.a
                        }
                    }
                };
            }
            if w == 0.0 {
                continue;
            }
            blocked.iter_mut().for_each(|b| *b = false);
            for (j, c) in self.shared.iter().enumerate() {
                if mask & (1 << j) != 0 {
                    for &i in &c.members {
                        blocked[i] = true;
                    }
                }
            }
            let mut p = 1.0;
            for &(first, n, k) in &self.tiers {
                // Distribution of available instances, by convolution.
                let mut dist = vec![1.0f64];
                for i in first..first + n as usize {
                    let ai = if blocked[i] {
                        0.0
                    } else {
                        match inst_forced {
                            Some((f, fu)) if f == i => {
                                if fu {
                                    1.0
                                } else {
                                    0.0
                                }
                            }
                            _ => self.inst[i].0,
                        }
                    };
                    let mut next = vec![0.0; dist.len() + 1];
                    for (c, &q) in dist.iter().enumerate() {
                        next[c] += q * (1.0 - ai);
                        next[c + 1] += q * ai;
                    }
                    dist = next;
                }
                p *= dist[k as usize..].iter().sum::<f64>();
            }
            total += w * p;
        }
        total
    }

    /// (A, outages per hour): f = Σ_c [A(c up) - A(c down)] · freq_c (Birnbaum).
    fn measures(&self) -> (f64, f64) {
        let a = self.availability(None, None);
        let mut f = 0.0;
        for (j, c) in self.shared.iter().enumerate() {
            if c.freq > 0.0 {
                f += (self.availability(Some((j, true)), None)
                    - self.availability(Some((j, false)), None))
                    * c.freq;
            }
        }
        for (i, &(_, fi)) in self.inst.iter().enumerate() {
            if fi > 0.0 {
                f += (self.availability(None, Some((i, true)))
                    - self.availability(None, Some((i, false))))
                    * fi;
            }
        }
        (a, f)
    }
}

// ------------------------------------------------------------ predictions

fn pred(model: &str, availability: f64, exact: bool, assumption: &str) -> Prediction {
    Prediction {
        model: model.into(),
        availability,
        exact,
        horizon: false,
        outages_per_year: None,
        p_outage_within_horizon: None,
        mttf_h: None,
        median_first_outage_h: None,
        survival: Vec::new(),
        assumption: if exact {
            String::new()
        } else {
            assumption.into()
        },
    }
}

/// What breaks the independence of instances in `s` (first reason), if anything.
fn correlation(s: &Scenario) -> Option<&'static str> {
    let domains_fail = s.tiers.iter().any(|t| {
        t.placement.iter().any(|p| {
            p.is_some_and(|d| {
                s.domain_path(d)
                    .iter()
                    .any(|&a| s.levels[s.domains[a].level].failure.is_some())
            })
        })
    });
    if domains_fail {
        Some("independence (instances share failure domains)")
    } else if s.tiers.iter().any(|t| t.common_cause.is_some()) {
        Some("independence (common-cause failures)")
    } else if s.deploys.iter().any(|d| d.bad_probability > 0.0) {
        Some("independence (bad deploys hit many instances)")
    } else {
        None
    }
}

/// Anything besides independent k-of-n groups that the product form leaves out.
fn other_features(s: &Scenario) -> Option<&'static str> {
    if s.simulation.repair_crews.is_some() {
        Some("unlimited repair crews")
    } else if s.tiers.iter().any(|t| {
        t.mode == Mode::ActivePassive
            || !(t.failover.detection.is_zero() && t.failover.coverage >= 1.0)
    }) {
        Some("instant, perfect failover")
    } else if s.tiers.iter().any(|t| t.overload_multiplier.is_some()) {
        Some("no overload (survivors do not age faster)")
    } else if !s.deploys.is_empty() || !s.maintenance.is_empty() {
        Some("no deploys or maintenance")
    } else {
        None
    }
}

fn all_exponential(s: &Scenario) -> bool {
    s.tiers.iter().all(|t| {
        t.failure.as_ref().is_none_or(|d| d.is_exponential())
            && t.repair.as_ref().is_none_or(|d| d.is_exponential())
    })
}

/// The textbook models that apply to `s`, steady state.
pub fn predictions(s: &Scenario) -> Vec<Prediction> {
    let mut out = Vec::new();
    let corr = correlation(s);
    let other = other_features(s);

    // Independent k-of-n tiers in series: exact in steady state for any
    // distributions when nothing correlates or couples the instances.
    if let Some(pf) = ProductForm::new(s, false) {
        let (a, f) = pf.measures();
        let exact = corr.is_none() && other.is_none();
        let mut p = pred(
            "independent k-of-n (binomial)",
            a,
            exact,
            corr.or(other).unwrap_or("steady state"),
        );
        p.outages_per_year = Some(f * YEAR_H);
        out.push(p);
    }

    // Domains and common causes as independent shared components.
    if corr.is_some() && s.deploys.iter().all(|d| d.bad_probability == 0.0) {
        if let Some(pf) = ProductForm::new(s, true) {
            let (a, f) = pf.measures();
            let mut p = pred(
                "failure domains and common cause (product form)",
                a,
                other.is_none(),
                other.unwrap_or("steady state"),
            );
            p.outages_per_year = Some(f * YEAR_H);
            out.push(p);
        }
    }

    // Spares approximation per tier in series.
    if s.tiers.iter().any(|t| t.instances > t.required) {
        let mut a = 1.0;
        let mut exact = corr.is_none() && other.is_none();
        for t in &s.tiers {
            let q = 1.0 - unit_availability(t);
            let spares = t.instances - t.required;
            a *= spares_approx(t.instances, spares, q);
            exact &= t.required == 1 || t.instances == t.required;
        }
        out.push(pred(
            "spares approximation (AWS: 1 - C(n,s+1) q^(s+1))",
            a,
            exact,
            corr.or(other)
                .unwrap_or("n·q ≪ 1 (first union-bound term only)"),
        ));
    }

    // Per-second survival: each second an outage needs n-k+1 failures in the
    // same second (repair is instantaneous).
    let mut q_sys = 0.0;
    for t in &s.tiers {
        if let Some(f) = &t.failure {
            let q = 1.0 / f.mean();
            let need = t.instances - t.required + 1;
            q_sys += binom(t.instances, need) * q.powi(need as i32);
        }
    }
    if q_sys > 0.0 {
        let mut p = pred(
            "per-second survival model (P^N)",
            1.0 - q_sys,
            false,
            "instantaneous repair (a failure lasts one second)",
        );
        p.median_first_outage_h = Some(per_second_median_s(q_sys) / HOUR);
        p.mttf_h = Some(1.0 / q_sys / HOUR);
        p.p_outage_within_horizon = Some(-(s.simulation.horizon * (-q_sys).ln_1p()).exp_m1());
        out.push(p);
    }

    // Birth–death with limited crews (single tier).
    if let (Some(r), [t]) = (s.simulation.repair_crews, s.tiers.as_slice()) {
        if let (Some(f), Some(rep)) = (&t.failure, &t.repair) {
            let lam = HOUR / f.mean();
            let mu = HOUR / rep.mean();
            let ov = t.overload_multiplier.map(|m| (m, t.effective_load()));
            let bd = birth_death(t.required, t.instances, r, lam, mu, ov);
            let only = corr.is_none()
                && t.mode == Mode::ActiveActive
                && t.failover.detection.is_zero()
                && t.failover.coverage >= 1.0
                && s.deploys.is_empty()
                && s.maintenance.is_empty();
            let exact = only && all_exponential(s);
            let mut p = pred(
                &format!("birth-death k-of-n ({r} crews)"),
                bd.availability,
                exact,
                if only {
                    "exponential times"
                } else {
                    corr.or(other).unwrap_or("steady state")
                },
            );
            p.outages_per_year = Some(bd.frequency * YEAR_H);
            p.mttf_h = if exact { Some(bd.mttf) } else { None };
            out.push(p);
        }
    }

    // Active-passive pairs: the static coverage formula and the §5 closed form.
    for t in &s.tiers {
        if t.mode != Mode::ActivePassive || t.instances != 2 || t.required != 1 {
            continue;
        }
        let (Some(f), Some(rep)) = (&t.failure, &t.repair) else {
            continue;
        };
        let a = single_unit(f.mean(), rep.mean());
        let fo = &t.failover;
        let others: f64 = s
            .tiers
            .iter()
            .filter(|o| o.name != t.name)
            .map(|o| kofn(o.required, o.instances, unit_availability(o)))
            .product();
        out.push(pred(
            &format!("imperfect coverage, static (R = a + (1-a)·c·a, {})", t.name),
            static_coverage(a, fo.coverage) * others,
            false,
            "instant failover; a failed failover lasts the whole repair",
        ));
        let lam = HOUR / f.mean();
        let mu = HOUR / rep.mean();
        let hours = |d: &Dist| d.mean() / HOUR;
        let d = Duplex {
            lam,
            mu,
            lam_sb: match fo.standby {
                Standby::Hot => lam,
                Standby::Warm => fo.warm_factor * lam,
                Standby::Cold => 0.0,
            },
            detection: hours(&fo.detection).max(1e-12),
            switchover: hours(&fo.switchover).max(1e-12),
            coverage: fo.coverage,
            manual: fo
                .manual_recovery
                .as_ref()
                .map(|m| 1.0 / hours(m).max(1e-12))
                .unwrap_or(0.0),
            crews: s.simulation.repair_crews.unwrap_or(2),
        };
        let phi = fo
            .false_alarm
            .as_ref()
            .map(|x| HOUR / x.mean())
            .unwrap_or(0.0);
        let m_fa = fo
            .manual_recovery
            .as_ref()
            .or(t.repair.as_ref())
            .map(hours)
            .unwrap_or(0.0);
        let u = if phi > 0.0 {
            duplex_first_order(&d, phi, m_fa)
        } else {
            duplex(&d).0
        };
        let name = if phi > 0.0 {
            format!(
                "duplex with false alarms, first order (MODELS §5, {})",
                t.name
            )
        } else {
            format!("duplex Markov closed form (MODELS §5, {})", t.name)
        };
        out.push(pred(
            &name,
            (1.0 - u) * others,
            false,
            "exponential times; monitored standby; steady state",
        ));
    }

    // Capacity: what the "N+1" belief gives when load sets required.
    for t in &s.tiers {
        if let Some(load) = t.load {
            if t.instances >= 2 && t.required > t.instances - 1 {
                let a = unit_availability(t);
                out.push(pred(
                    &format!(
                        "N+1 belief ({}: any one may fail; load {:.0}% needs {})",
                        t.name,
                        load * 100.0,
                        t.required
                    ),
                    kofn(t.instances - 1, t.instances, a),
                    false,
                    "capacity: the load needs ceil(load) instances",
                ));
            }
        }
    }

    // Rolling maintenance or rolling deploys on single tiers (§8).
    for t_idx in 0..s.tiers.len() {
        let t = &s.tiers[t_idx];
        let mut p_m = 0.0;
        for m in &s.maintenance {
            if m.rolling && m.tiers == [t_idx] {
                p_m += t.instances as f64 * m.duration.mean() / m.every.mean();
            }
        }
        for d in &s.deploys {
            if d.tiers == [t_idx] && matches!(d.strategy, Strategy::Rolling { batch: 1 }) {
                p_m += t.instances as f64 * d.step.mean() / d.every.mean();
            }
        }
        if p_m > 0.0 && p_m < 1.0 {
            let a = unit_availability(t);
            let others: f64 = s
                .tiers
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != t_idx)
                .map(|(_, o)| kofn(o.required, o.instances, unit_availability(o)))
                .product();
            out.push(pred(
                &format!("rolling maintenance/deploys (MODELS §8, {})", t.name),
                (1.0 - rolling_maintenance(t.required, t.instances, a, p_m)) * others,
                false,
                "maintenance independent of failures; drained instance healthy",
            ));
        }
    }
    out
}

/// MTTF/(MTTF+MTTR) of one instance of `t` (1 when it never fails).
fn unit_availability(t: &crate::model::Tier) -> f64 {
    match (&t.failure, &t.repair) {
        (Some(f), Some(r)) => single_unit(f.mean(), r.mean()),
        _ => 1.0,
    }
}

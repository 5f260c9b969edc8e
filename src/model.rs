//! The validated, immutable scenario: what the engine simulates and the analytic
//! module solves. Every invariant listed on a type holds once `scenario::load` has
//! produced it; nothing here knows about TOML, spans or files.
//!
//! Units: every time is in **seconds** (`f64`); probabilities are in [0, 1].

use std::fmt;

/// Seconds in an hour.
pub const HOUR: f64 = 3600.0;
/// Seconds in a day.
pub const DAY: f64 = 86_400.0;
/// Seconds in a year of 365.25 days (the scenario unit `y`; MODELS.md's 8766 h).
pub const YEAR: f64 = 365.25 * DAY;

/// A probability distribution of a (non-negative) time, in seconds.
///
/// Invariants: every parameter is finite; means, scales, shapes and sigmas are > 0
/// `Fixed` and `Uniform` bounds are >= 0 and
/// `min <= max`; `Empirical` holds at least one sample, all >= 0.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always exactly this long (a plain duration string in the scenario).
    Fixed(f64),
    /// Exponential with this mean.
    Exponential { mean: f64 },
    /// Weibull with shape k and scale eta: mean = eta * Gamma(1 + 1/k).
    Weibull { shape: f64, scale: f64 },
    /// Lognormal: ln(T) ~ Normal(mu, sigma), T in seconds; median = e^mu.
    LogNormal { mu: f64, sigma: f64 },
    /// Gamma with shape and scale: mean = shape * scale.
    Gamma { shape: f64, scale: f64 },
    /// Uniform on [min, max].
    Uniform { min: f64, max: f64 },
    /// Resampled uniformly from these values.
    Empirical(Vec<f64>),
}

impl Dist {
    /// The mean, in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Exponential { mean } => *mean,
            Dist::Weibull { shape, scale } => scale * gamma_fn(1.0 + 1.0 / shape),
            Dist::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Dist::Gamma { shape, scale } => shape * scale,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Empirical(v) => v.iter().sum::<f64>() / v.len() as f64,
        }
    }

    /// The variance, in seconds squared.
    pub fn variance(&self) -> f64 {
        match self {
            Dist::Fixed(_) => 0.0,
            Dist::Exponential { mean } => mean * mean,
            Dist::Weibull { shape, scale } => {
                let g1 = gamma_fn(1.0 + 1.0 / shape);
                scale * scale * (gamma_fn(1.0 + 2.0 / shape) - g1 * g1)
            }
            Dist::LogNormal { mu, sigma } => {
                let s2 = sigma * sigma;
                (s2.exp() - 1.0) * (2.0 * mu + s2).exp()
            }
            Dist::Gamma { shape, scale } => shape * scale * scale,
            Dist::Uniform { min, max } => (max - min) * (max - min) / 12.0,
            Dist::Empirical(v) => {
                let m = self.mean();
                v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64
            }
        }
    }

    /// True for the exponential family (the memoryless case a Markov chain can hold).
    pub fn is_exponential(&self) -> bool {
        matches!(self, Dist::Exponential { .. })
    }

    /// True when the time is always zero (a zero time is allowed in Markov models).
    pub fn is_zero(&self) -> bool {
        matches!(self, Dist::Fixed(v) if *v == 0.0)
    }

    /// The same family with every time multiplied by `factor` (> 0).
    pub fn scaled(&self, factor: f64) -> Dist {
        match self {
            Dist::Fixed(v) => Dist::Fixed(v * factor),
            Dist::Exponential { mean } => Dist::Exponential {
                mean: mean * factor,
            },
            Dist::Weibull { shape, scale } => Dist::Weibull {
                shape: *shape,
                scale: scale * factor,
            },
            Dist::LogNormal { mu, sigma } => Dist::LogNormal {
                mu: mu + factor.ln(),
                sigma: *sigma,
            },
            Dist::Gamma { shape, scale } => Dist::Gamma {
                shape: *shape,
                scale: scale * factor,
            },
            Dist::Uniform { min, max } => Dist::Uniform {
                min: min * factor,
                max: max * factor,
            },
            Dist::Empirical(v) => Dist::Empirical(v.iter().map(|x| x * factor).collect()),
        }
    }
}

impl fmt::Display for Dist {
    /// Human description, e.g. `exponential(mean 10h)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = crate::units::format_duration;
        match self {
            Dist::Fixed(v) => write!(f, "fixed {}", d(*v)),
            Dist::Exponential { mean } => write!(f, "exponential(mean {})", d(*mean)),
            Dist::Weibull { shape, scale } => {
                write!(
                    f,
                    "weibull(shape {shape}, scale {}, mean {})",
                    d(*scale),
                    d(self.mean())
                )
            }
            Dist::LogNormal { mu, sigma } => write!(
                f,
                "lognormal(median {}, sigma {sigma}, mean {})",
                d(mu.exp()),
                d(self.mean())
            ),
            Dist::Gamma { shape, scale } => {
                write!(f, "gamma(shape {shape}, mean {})", d(shape * scale))
            }
            Dist::Uniform { min, max } => write!(f, "uniform({} .. {})", d(*min), d(*max)),
            Dist::Empirical(v) => {
                write!(f, "empirical({} samples, mean {})", v.len(), d(self.mean()))
            }
        }
    }
}

/// Lanczos approximation of the Gamma function (g = 7, n = 9), relative error ~1e-15
/// for the positive arguments used here (Weibull means).
pub fn gamma_fn(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma_fn(1.0 - x))
    } else {
        let x = x - 1.0;
        let mut a = C[0];
        let t = x + G + 0.5;
        for (i, c) in C.iter().enumerate().skip(1) {
            a += c / (x + i as f64);
        }
        (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
    }
}

/// Which estimator `run` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Plain Monte Carlo over independent timelines.
    Plain,
    /// Rare-event acceleration (importance sampling / splitting).
    Importance,
}

/// `[simulation]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    /// Number of independent timelines (>= 1).
    pub timelines: u64,
    /// Length of each timeline in seconds (> 0).
    pub horizon: f64,
    pub seed: u64,
    /// At most this many instance repairs at once (FIFO); `None` = unlimited.
    pub repair_crews: Option<u32>,
    pub method: Method,
}

/// One level of `[domains.NAME]` (e.g. `zone`, `rack`).
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    pub name: String,
    /// Index into `Scenario::levels`; parents always come before children.
    pub parent: Option<usize>,
    /// Domains per parent domain (>= 1).
    pub count: u32,
    /// `None`: never fails on its own.
    pub failure: Option<Dist>,
    /// Present whenever `failure` is.
    pub repair: Option<Dist>,
}

/// One concrete domain, e.g. `zone-2/rack-1`.
#[derive(Clone, Debug, PartialEq)]
pub struct Domain {
    /// Full path name, `zone-2/rack-1`.
    pub name: String,
    /// Index into `Scenario::levels`.
    pub level: usize,
    /// Index into `Scenario::domains`; parents come before children.
    pub parent: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    ActiveActive,
    ActivePassive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standby {
    Hot,
    Warm,
    Cold,
}

/// `[tiers.X.failover]` with defaults applied (defaults = plain k-of-n behaviour).
#[derive(Clone, Debug, PartialEq)]
pub struct Failover {
    /// Health-check delay before a failure is noticed (default fixed 0).
    pub detection: Dist,
    /// Probability that failover / removal from rotation succeeds (default 1).
    pub coverage: f64,
    /// Active-passive: time to promote a standby (default fixed 0).
    pub switchover: Dist,
    /// After a failed failover: time until an operator restores service;
    /// `None` = wait for the repair.
    pub manual_recovery: Option<Dist>,
    /// Active-active: a dead instance in rotation only degrades service.
    pub retries: bool,
    pub standby: Standby,
    /// Warm standbys age at this fraction of normal speed (in [0, 1]).
    pub warm_factor: f64,
    /// false: a failed standby goes unnoticed until a failover finds it dead.
    pub standby_monitoring: bool,
    /// Writes lost at each failover.
    pub replication_lag: Option<Dist>,
    /// Time between false alarms on the active (active-passive).
    pub false_alarm: Option<Dist>,
}

impl Default for Failover {
    fn default() -> Self {
        Failover {
            detection: Dist::Fixed(0.0),
            coverage: 1.0,
            switchover: Dist::Fixed(0.0),
            manual_recovery: None,
            retries: false,
            standby: Standby::Hot,
            warm_factor: 0.1,
            standby_monitoring: true,
            replication_lag: None,
            false_alarm: None,
        }
    }
}

impl Failover {
    /// True when the failover block changes nothing relative to a plain k-of-n group.
    pub fn is_trivial(&self) -> bool {
        self.detection.is_zero()
            && self.coverage == 1.0
            && self.switchover.is_zero()
            && self.standby == Standby::Hot
            && self.standby_monitoring
            && self.replication_lag.is_none()
            && self.false_alarm.is_none()
    }
}

/// `[tiers.X.common_cause]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CommonCause {
    /// Beta-factor form: independent failures run at (1 - beta) of the failure rate.
    /// `None` for the explicit `every` form.
    pub beta: Option<f64>,
    /// Time between common-cause events (beta form: exponential, mean MTTF / beta).
    pub every: Dist,
    /// How long one event holds the whole tier down (one draw for all instances).
    pub repair: Dist,
}

/// `[tiers.NAME]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    pub name: String,
    /// n >= 1.
    pub instances: u32,
    /// k, 1 <= k <= n (from `required`, or ceil(load)).
    pub required: u32,
    /// Total load in units of one instance's capacity, when given (`load`);
    /// otherwise `None` and the load is taken as `required`.
    pub load: Option<f64>,
    pub mode: Mode,
    /// Per instance: index of the innermost domain it sits in, or `None`.
    /// Length == instances.
    pub placement: Vec<Option<usize>>,
    /// `None`: never fails on its own.
    pub failure: Option<Dist>,
    /// Present whenever `failure` is.
    pub repair: Option<Dist>,
    pub common_cause: Option<CommonCause>,
    pub failover: Failover,
    /// `[tiers.X.overload] failure_multiplier` (> 0), when given.
    pub overload_multiplier: Option<f64>,
}

impl Tier {
    /// The load carried by the tier in instance-capacity units.
    pub fn effective_load(&self) -> f64 {
        self.load.unwrap_or(self.required as f64)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Strategy {
    AllAtOnce,
    /// Batches of `batch` instances, one after another.
    Rolling {
        batch: u32,
    },
    /// `canary` instances first, then after `bake` the rest in batches of `batch`
    /// (`batch` = all remaining when the scenario gives none).
    Canary {
        canary: u32,
        bake: Dist,
        batch: Option<u32>,
    },
}

/// One `[[deploys]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Deploy {
    /// Indices into `Scenario::tiers` (non-empty, no duplicates).
    pub tiers: Vec<usize>,
    /// Time between deploy starts; `Fixed` means a fixed schedule with a random
    /// phase per timeline.
    pub every: Dist,
    pub bad_probability: f64,
    pub strategy: Strategy,
    /// Time each batch is down while it restarts (default fixed 0).
    pub step: Dist,
    /// From deploy start to noticing a bad deploy.
    pub detect: Dist,
    /// From noticing to every hit instance restored.
    pub rollback: Dist,
}

/// One `[[maintenance]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Maintenance {
    pub tiers: Vec<usize>,
    /// Period; `Fixed` = fixed schedule with a random phase per timeline.
    pub every: Dist,
    pub duration: Dist,
    /// true: one instance at a time; false: the whole tier at once.
    pub rolling: bool,
}

/// A validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    pub simulation: Simulation,
    pub levels: Vec<Level>,
    /// All concrete domains; parents before children.
    pub domains: Vec<Domain>,
    /// At least one tier.
    pub tiers: Vec<Tier>,
    pub deploys: Vec<Deploy>,
    pub maintenance: Vec<Maintenance>,
}

impl Scenario {
    /// Domain indices from the innermost domain `d` up to its root, inclusive.
    pub fn domain_path(&self, d: usize) -> Vec<usize> {
        let mut out = vec![d];
        let mut cur = d;
        while let Some(p) = self.domains[cur].parent {
            out.push(p);
            cur = p;
        }
        out
    }

    /// Total number of instances over all tiers.
    pub fn instance_count(&self) -> usize {
        self.tiers.iter().map(|t| t.instances as usize).sum()
    }
}

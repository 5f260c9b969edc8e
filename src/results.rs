//! The figures a run produces, ready for reports: plain data, no I/O, no statistics
//! code. `engine` + `stats` fill these in; `report` turns them into text, CSV, JSON
//! and PNG; `analytic` supplies the `Prediction`s.

use std::collections::BTreeMap;

/// A mean with a two-sided 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Estimate {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Outage duration statistics over every outage seen in every timeline (seconds).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct DurationStats {
    /// Number of outages observed in total.
    pub count: u64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

/// One bin of the outage-duration histogram (log-spaced bins, seconds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistBin {
    pub low_s: f64,
    pub high_s: f64,
    pub count: u64,
}

/// One point of the survival curve P(no outage by t).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurvivalPoint {
    pub t_h: f64,
    pub p: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Downtime charged to one root cause.
#[derive(Clone, Debug, PartialEq)]
pub struct Cause {
    /// e.g. "instance failure (web)", "zone failure", "bad deploy", "failed failover (db)".
    pub cause: String,
    /// Share of all downtime, in [0, 1]; shares sum to 1 when there was downtime.
    pub downtime_share: f64,
    /// Mean downtime per year charged to this cause, seconds.
    pub downtime_per_year_s: f64,
}

/// An analytic prediction for the scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// e.g. "independent k-of-n (binomial)", "Markov chain (CTMC)".
    pub model: String,
    /// What the model predicts: interval availability over the horizon when
    /// `horizon` is true, else steady-state availability.
    pub availability: f64,
    /// Exact for this scenario (every assumption of the model holds).
    pub exact: bool,
    /// Whether `availability` is the finite-horizon mean (comparable with the
    /// simulation directly) or a steady-state value.
    pub horizon: bool,
    pub outages_per_year: Option<f64>,
    pub p_outage_within_horizon: Option<f64>,
    pub mttf_h: Option<f64>,
    /// Median time to the first outage from all-up, hours (where the model gives it).
    pub median_first_outage_h: Option<f64>,
    /// P(no outage by t) from all-up, (t hours, probability), where the model
    /// gives the whole curve (the exact chain); empty otherwise.
    pub survival: Vec<(f64, f64)>,
    /// Empty when exact; otherwise the assumption the scenario may break.
    pub assumption: String,
}

/// A prediction beside the simulation: z = (simulated - predicted) / standard error.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub prediction: Prediction,
    pub simulated: f64,
    pub z: f64,
}

/// Everything one run (one sweep point, one side of `compare`) reports.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunSummary {
    pub scenario: String,
    pub timelines: u64,
    pub horizon_h: f64,
    pub seed: u64,
    pub threads: usize,
    pub elapsed_s: f64,
    /// Simulated state changes, summed over timelines.
    pub events: u64,
    pub availability: Estimate,
    pub request_success: Estimate,
    pub downtime_per_year_s: Estimate,
    pub degraded_per_year_s: Estimate,
    pub outages_per_year: Estimate,
    pub outage_duration: DurationStats,
    /// Share of timelines with at least one outage; Wilson 95% interval.
    pub p_outage_within_horizon: Estimate,
    /// Mean up time between outages (h): horizon-years of uptime per outage.
    pub mtbf_h: f64,
    /// Mean outage duration (h).
    pub mttr_h: f64,
    /// Sorted by share, largest first.
    pub causes: Vec<Cause>,
    pub tiers: BTreeMap<String, TierSummary>,
    pub data_loss: DataLoss,
    pub deploys: DeployCounts,
    pub histogram: Vec<HistBin>,
    pub survival: Vec<SurvivalPoint>,
    pub analytic: Vec<Comparison>,
    /// Set when a rare-event method produced the figures (`None`: plain Monte Carlo).
    pub rare: Option<RareInfo>,
}

/// How a rare-event run (`method = "importance"`) was estimated. Its figures are
/// steady-state regenerative estimates, not finite-horizon timeline averages.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RareInfo {
    /// e.g. "importance sampling (balanced failure biasing, regenerative)".
    pub method: String,
    /// 95% half-width of the unavailability divided by the estimate.
    pub rel_error: f64,
    /// Plain timelines of the horizon that would give the same relative error.
    pub equivalent_timelines: f64,
    /// Regenerative cycles simulated (biased + plain) for BFB; main trials
    /// (independent replications) for RESTART splitting.
    pub cycles: u64,
    /// Whether the target relative error was reached.
    pub converged: bool,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct TierSummary {
    pub availability: Estimate,
}

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct DataLoss {
    pub failovers_per_year: Estimate,
    pub lost_writes_s_per_year: Estimate,
}

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct DeployCounts {
    pub started_per_year: f64,
    pub bad_per_year: f64,
    pub skipped_per_year: f64,
}

/// A `[sweep]`: one summary per value.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepResult {
    pub parameter: String,
    pub points: Vec<(f64, RunSummary)>,
}

/// `outage compare`: the scenario as written and its independent twin.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareResult {
    pub correlated: RunSummary,
    pub independent: RunSummary,
}

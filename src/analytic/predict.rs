//! Every applicable analytic model for a scenario, and its comparison with a run.

use super::{build, closed};
use crate::model::Scenario;
use crate::results::{Comparison, Prediction, RunSummary};

/// The analytic view of a scenario: every closed form that applies, and the exact
/// Markov chain when the scenario is Markovian (else the one-line reason why not).
#[derive(Clone, Debug)]
pub struct Analysis {
    pub predictions: Vec<Prediction>,
    /// Why no exact chain was built (non-exponential time, too many states, ...).
    pub ctmc_refused: Option<String>,
}

/// Closed forms first, then the exact chain.
pub fn analyse(s: &Scenario) -> Analysis {
    let mut predictions = closed::predictions(s);
    let ctmc_refused = match build::prediction(s) {
        Ok(p) => {
            predictions.push(p);
            None
        }
        Err(reason) => Some(reason),
    };
    Analysis {
        predictions,
        ctmc_refused,
    }
}

/// Each prediction beside the simulated availability, with
/// z = (simulated - predicted) / standard error of the simulated mean. The
/// standard error comes from the run's 95% CI (half-width / t quantile); with no
/// observed downtime it is zero and z is undefined (NaN) rather than infinite.
pub fn compare(predictions: &[Prediction], run: &RunSummary) -> Vec<Comparison> {
    let a = &run.availability;
    // Rare-event runs report no timelines; their CI is a normal 95% interval.
    let t = if run.timelines > 1 {
        crate::stats::t975(run.timelines - 1)
    } else {
        1.959964
    };
    let se = (a.hi - a.lo) / (2.0 * t);
    predictions
        .iter()
        .map(|p| {
            let d = a.mean - p.availability;
            let z = if se > 0.0 {
                d / se
            } else if d == 0.0 {
                0.0
            } else {
                f64::NAN
            };
            Comparison {
                prediction: p.clone(),
                simulated: a.mean,
                z,
            }
        })
        .collect()
}

/// Fills `run.analytic` for scenario `s`. The per-second survival model is left
/// out of runs (it is a claim about the first outage, not an availability a
/// simulation can be compared with); `check` shows it.
pub fn attach(s: &Scenario, run: &mut RunSummary) {
    let a = analyse(s);
    let comparable: Vec<Prediction> = a
        .predictions
        .into_iter()
        .filter(|p| p.median_first_outage_h.is_none())
        .collect();
    run.analytic = compare(&comparable, run);
}

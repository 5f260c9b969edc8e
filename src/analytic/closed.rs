//! Closed-form models of MODELS.md (textbook formulas engineers quote).

use crate::model::Scenario;
use crate::results::Prediction;

/// The textbook models that apply to `s`.
pub fn predictions(_s: &Scenario) -> Vec<Prediction> {
    Vec::new()
}

//! outage: Monte Carlo availability of redundant services.
//!
//! Data flow: TOML text → `scenario::load` → `model::Scenario` → `engine::run`
//! → `stats::Acc` → `summarize` → `results::RunSummary` → `report`.
pub mod analytic;
pub mod assertion;
pub mod engine;
pub mod model;
pub mod partial;
pub mod rare;
pub mod report;
pub mod results;
pub mod runner;
pub mod scenario;
pub mod stats;
pub mod twin;
pub mod units;

//! outage: Monte Carlo availability of redundant services.
pub mod model;
pub mod report;
pub mod results;
pub mod units;

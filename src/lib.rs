//! outage: Monte Carlo availability of redundant services.
pub mod analytic;
pub mod model;
pub mod results;
pub mod units;

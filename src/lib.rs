//! outage: Monte Carlo availability of redundant services.
pub mod model;
pub mod units;
pub mod results;

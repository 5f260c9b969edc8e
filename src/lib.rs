//! outage: Monte Carlo availability of redundant services.
pub mod model;
pub mod results;
pub mod scenario;
pub mod units;

//! Analytic predictions: closed forms (MODELS.md) and an exact CTMC built from the
//! scenario. No I/O.
pub mod build;
pub mod closed;
pub mod ctmc;
pub mod predict;

pub use predict::{analyse, attach, compare, Analysis};

#[cfg(test)]
mod build_tests;
#[cfg(test)]
mod closed_tests;

//! Command-line types (clap derive) only.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "outage",
    version,
    about = "Monte Carlo availability of redundant services"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate; print a summary; write the report folder.
    Run(RunArgs),
    /// Run the scenario and its independent twin side by side (same seed, same
    /// timelines) and show what the independence assumption hides.
    Compare(CompareArgs),
    /// Validate, print the resolved model and the analytic predictions; simulates nothing.
    Check {
        file: PathBuf,
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Merge the partial results of `run --shard` into the full report.
    Merge(MergeArgs),
}

/// Options shared by `run` and `compare`.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Override [simulation] timelines.
    #[arg(long)]
    pub timelines: Option<u64>,
    /// Override [simulation] seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override any scenario key, e.g. --set tiers.web.instances=4.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Report folder (default output/<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print exactly one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Overwrite a non-empty report folder.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub common: Common,
    /// Simulate only shard I of N (timelines split by index) and write a partial
    /// result to --out, for `outage merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Save progress in DIR after every batch; rerunning resumes from it.
    #[arg(long, value_name = "DIR")]
    pub checkpoint: Option<PathBuf>,
    /// Stop once the availability CI half-width is within X of the
    /// unavailability (the scenario's timelines become the maximum).
    #[arg(long, value_name = "X")]
    pub target_rel_error: Option<f64>,
    /// With --target-rel-error: stop after this many seconds at the latest.
    #[arg(long, value_name = "SECONDS", default_value_t = 600.0)]
    pub max_time: f64,
    /// Exit with status 3 when the 95% CI says the condition fails, e.g.
    /// --assert 'availability >= 99.95%'. May be repeated.
    #[arg(long = "assert", value_name = "EXPR")]
    pub asserts: Vec<String>,
    /// plain (default) or importance (rare-event acceleration, Markovian scenarios).
    #[arg(long)]
    pub method: Option<String>,
    /// Accept runs beyond the work limit (timelines x expected events).
    #[arg(long)]
    pub no_limit: bool,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Folders written by `run --shard I/N --out DIR`.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Report folder (default output/<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print exactly one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Overwrite a non-empty report folder.
    #[arg(long)]
    pub force: bool,
}

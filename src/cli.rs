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
    /// Validate and print the resolved model; simulates nothing.
    Check {
        file: PathBuf,
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
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
pub struct CompareArgs {
    pub file: PathBuf,
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
    /// Report folder (default output/<scenario name>-compare/).
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

//! Thin binary: parse arguments, run the pipeline, map errors to exit codes
//! (0 ok, 1 runtime failure, 2 bad scenario or arguments).

mod cli;

use clap::Parser;
use cli::{Cli, Command, CompareArgs, RunArgs};
use outage::engine::{self, RunConfig};
use outage::model::Scenario;
use outage::report::{self, Report};
use outage::results::{CompareResult, RunSummary, SweepResult};
use outage::{scenario, stats};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

enum Failure {
    BadInput(String),
    Runtime(anyhow::Error),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Check { file, set } => check(file, set),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Writes to stdout; a closed pipe (`outage run ... | head`) is not an error.
fn out(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes()).and_then(|_| o.flush());
}

fn load(file: &std::path::Path, set: &[String]) -> Result<scenario::Loaded, Failure> {
    scenario::load(file, set).map_err(|d| Failure::BadInput(d.to_string()))
}

fn check(file: PathBuf, set: Vec<String>) -> Result<(), Failure> {
    let loaded = load(&file, &set)?;
    out(&describe(&loaded.scenario));
    out(&outage::report::predictions_text(&loaded.scenario));
    Ok(())
}

/// The resolved model: every instance with its domain path, every distribution.
fn describe(s: &Scenario) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let sim = &s.simulation;
    let _ = writeln!(o, "scenario {}", s.name);
    let _ = writeln!(
        o,
        "  {} timelines x {}, seed {}, repair crews {}",
        sim.timelines,
        outage::units::format_duration(sim.horizon),
        sim.seed,
        sim.repair_crews
            .map(|c| c.to_string())
            .unwrap_or_else(|| "unlimited".into())
    );
    for l in &s.levels {
        let f = l
            .failure
            .as_ref()
            .map(|d| d.to_string())
            .unwrap_or_else(|| "never fails".into());
        let r = l
            .repair
            .as_ref()
            .map(|d| format!(", repair {d}"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "domain level {}: {} per parent, failure {f}{r}",
            l.name, l.count
        );
    }
    for t in &s.tiers {
        let _ = writeln!(
            o,
            "tier {}: {}-of-{} {:?}, failure {}, repair {}",
            t.name,
            t.required,
            t.instances,
            t.mode,
            t.failure
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_else(|| "never".into()),
            t.repair
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into())
        );
        for (i, p) in t.placement.iter().enumerate() {
            let place = p
                .map(|d| s.domains[d].name.clone())
                .unwrap_or_else(|| "(no domain)".into());
            let _ = writeln!(o, "  {}-{}  {place}", t.name, i + 1);
        }
    }
    o
}

fn set_threads(threads: Option<usize>) -> Result<(), Failure> {
    if let Some(t) = threads {
        if t == 0 {
            return Err(Failure::BadInput(
                "error: --threads must be at least 1".into(),
            ));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .map_err(|e| Failure::Runtime(e.into()))?;
    }
    Ok(())
}

fn compare(args: CompareArgs) -> Result<(), Failure> {
    set_threads(args.threads)?;
    if args.timelines == Some(0) {
        return Err(Failure::BadInput(
            "error: --timelines must be at least 1".into(),
        ));
    }
    let mut l = load(&args.file, &args.set)?;
    if l.sweep.is_some() {
        return Err(Failure::BadInput(format!(
            "error: {}: compare takes a scenario without [sweep]; use --set to pick one point",
            args.file.display()
        )));
    }
    let s = &mut l.scenario;
    if let Some(n) = args.timelines {
        s.simulation.timelines = n;
    }
    if let Some(seed) = args.seed {
        s.simulation.seed = seed;
    }
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-compare", s.name)));
    report::check_out_dir(&dir, args.force)
        .map_err(|e| Failure::BadInput(format!("error: {e:#}")))?;
    let twin = outage::twin::independent_twin(s);
    let threads = rayon::current_num_threads();
    let show = !args.quiet && !args.json && std::io::stderr().is_terminal();
    let result = CompareResult {
        correlated: simulate(s, threads, show)?,
        independent: simulate(&twin, threads, show)?,
    };
    let rep = Report::Compare(&result);
    if args.json {
        out(&report::json(&rep));
    } else {
        out(&report::text(&rep));
    }
    let files = report::write(&dir, &rep, args.force).map_err(Failure::Runtime)?;
    if !args.json {
        out(&format!("report: {} ({} files)\n", dir.display(), files.len()));
    }
    Ok(())
}

fn run(args: RunArgs) -> Result<(), Failure> {
    set_threads(args.threads)?;
    if args.files.len() > 1 && args.out.is_some() {
        return Err(Failure::BadInput(
            "error: --out takes one scenario file at a time".into(),
        ));
    }
    // Validate everything before simulating anything.
    let mut loaded = Vec::new();
    for f in &args.files {
        let mut l = load(f, &args.set)?;
        let apply = |s: &mut Scenario| {
            if let Some(n) = args.timelines {
                s.simulation.timelines = n;
            }
            if let Some(seed) = args.seed {
                s.simulation.seed = seed;
            }
        };
        apply(&mut l.scenario);
        if let Some(sw) = l.sweep.as_mut() {
            sw.points.iter_mut().for_each(|(_, s)| apply(s));
        }
        if args.timelines == Some(0) {
            return Err(Failure::BadInput(
                "error: --timelines must be at least 1".into(),
            ));
        }
        let dir = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output").join(&l.scenario.name));
        report::check_out_dir(&dir, args.force)
            .map_err(|e| Failure::BadInput(format!("error: {e:#}")))?;
        loaded.push((l, dir));
    }
    for (l, dir) in loaded {
        let threads = rayon::current_num_threads();
        let show = !args.quiet && !args.json && std::io::stderr().is_terminal();
        let (summary_run, sweep);
        if let Some(sw) = &l.sweep {
            let mut points = Vec::new();
            for (v, s) in &sw.points {
                points.push((*v, simulate(s, threads, show)?));
            }
            sweep = Some(SweepResult {
                parameter: sw.parameter.clone(),
                points,
            });
            summary_run = None;
        } else {
            sweep = None;
            summary_run = Some(simulate(&l.scenario, threads, show)?);
        }
        let rep = match (&summary_run, &sweep) {
            (Some(r), _) => Report::Run(r),
            (None, Some(s)) => Report::Sweep(s),
            _ => unreachable!("either a run or a sweep"),
        };
        if args.json {
            out(&report::json(&rep));
        } else {
            out(&report::text(&rep));
        }
        let files = report::write(&dir, &rep, args.force).map_err(Failure::Runtime)?;
        if !args.json {
            out(&format!("report: {} ({} files)\n", dir.display(), files.len()));
        }
    }
    Ok(())
}

fn simulate(s: &Scenario, threads: usize, show: bool) -> Result<RunSummary, Failure> {
    let n = s.simulation.timelines;
    let bar = if show {
        let b = indicatif::ProgressBar::new(n);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {bar:40} {pos}/{len} timelines  {per_sec}  eta {eta}",
            )
            .expect("static progress template is valid"),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let t0 = Instant::now();
    let cancel = AtomicBool::new(false);
    let cfg = RunConfig {
        seed: s.simulation.seed,
        start: 0,
        end: n,
    };
    let acc = engine::run(s, &cfg, &|k| bar.inc(k), &cancel)
        .ok_or_else(|| Failure::Runtime(anyhow::anyhow!("run cancelled")))?;
    bar.finish_and_clear();
    let causes = engine::cause_names(s);
    let mut summary = stats::summarize(&acc, s, &causes, threads, t0.elapsed().as_secs_f64());
    outage::analytic::attach(s, &mut summary);
    Ok(summary)
}

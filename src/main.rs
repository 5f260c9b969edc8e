//! Thin binary: parse arguments, run the pipeline, map errors to exit codes
//! (0 ok, 1 runtime failure, 2 bad scenario or arguments, 3 a failed --assert,
//! 130 interrupted by Ctrl-C).

mod cli;

use clap::Parser;
use cli::{Cli, Command, Common, CompareArgs, MergeArgs, RunArgs};
use outage::model::{Method, Scenario};
use outage::partial::{self, Partial, Source};
use outage::report::{self, Report};
use outage::results::{CompareResult, RunSummary, SweepResult};
use outage::runner::{self, Outcome, Plan};
use outage::stats::Acc;
use outage::{assertion, engine, scenario, stats};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by Ctrl-C: the run stops after the chunks under way.
static CANCEL: AtomicBool = AtomicBool::new(false);

enum Failure {
    BadInput(String),
    Runtime(anyhow::Error),
    /// Ctrl-C: the message says how far the run got.
    Interrupted(String),
    /// A `--assert` failed (the report was written).
    Assert(String),
}

/// glibc raises its mmap threshold the first time a large block is freed, after
/// which big buffers stay on the heap: peak RSS then steps up once, at a run
/// length that depends on timing. A fixed threshold keeps memory flat and the
/// same for short and long runs.
fn fix_malloc_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator tuning parameter; it is called
    // once at start-up, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

fn main() -> ExitCode {
    fix_malloc_threshold();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Check { file, set } => check(file, set),
        Command::Merge(args) => merge(args),
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
        Err(Failure::Interrupted(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(130)
        }
        Err(Failure::Assert(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(3)
        }
    }
}

fn bad(msg: impl std::fmt::Display) -> Failure {
    Failure::BadInput(format!("error: {msg}"))
}

/// Writes to stdout; a closed pipe (`outage run ... | head`) is not an error.
fn out(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes()).and_then(|_| o.flush());
}

fn load(file: &Path, set: &[String]) -> Result<scenario::Loaded, Failure> {
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
            return Err(bad("--threads must be at least 1"));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .map_err(|e| Failure::Runtime(e.into()))?;
    }
    Ok(())
}

/// Applies --timelines and --seed to the scenario and every sweep point.
fn apply_overrides(l: &mut scenario::Loaded, c: &Common, method: Option<Method>) {
    let apply = |s: &mut Scenario| {
        if let Some(n) = c.timelines {
            s.simulation.timelines = n;
        }
        if let Some(seed) = c.seed {
            s.simulation.seed = seed;
        }
        if let Some(m) = method {
            s.simulation.method = m;
        }
    };
    apply(&mut l.scenario);
    if let Some(sw) = l.sweep.as_mut() {
        sw.points.iter_mut().for_each(|(_, s)| apply(s));
    }
}

fn points(l: &scenario::Loaded) -> Vec<(Option<f64>, &Scenario)> {
    match &l.sweep {
        Some(sw) => sw.points.iter().map(|(v, s)| (Some(*v), s)).collect(),
        None => vec![(None, &l.scenario)],
    }
}

/// Runs `plan` with a progress bar (on a terminal) and turns Ctrl-C into a clear
/// message. Returns the accumulator, the elapsed seconds and an early-stop note.
fn simulate(s: &Scenario, plan: &Plan, show: bool) -> Result<(Acc, f64, Option<String>), Failure> {
    let bar = if show {
        let b = indicatif::ProgressBar::new(plan.end - plan.start);
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
    let outcome = runner::simulate(s, plan, &|k| bar.inc(k), &CANCEL).map_err(Failure::Runtime)?;
    bar.finish_and_clear();
    match outcome {
        Outcome::Done { acc, stopped_early } => {
            Ok((acc, t0.elapsed().as_secs_f64(), stopped_early))
        }
        Outcome::Cancelled { acc } => {
            let total = plan.end - plan.start;
            let saved = match &plan.checkpoint {
                Some(d) if acc.n > 0 => format!(
                    "; progress is saved in {}: rerun the same command to resume",
                    d.display()
                ),
                _ => "; nothing was written".into(),
            };
            Err(Failure::Interrupted(format!(
                "interrupted: {} of {total} timelines of {} were simulated{saved}",
                acc.n, s.name
            )))
        }
    }
}

fn summarize(s: &Scenario, acc: &Acc, elapsed: f64) -> RunSummary {
    let causes = engine::cause_names(s);
    let mut r = stats::summarize(acc, s, &causes, rayon::current_num_threads(), elapsed);
    outage::analytic::attach(s, &mut r);
    r
}

fn parse_shard(text: &str) -> Result<(u64, u64), Failure> {
    let parsed = text
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((i, n)) if n >= 1 && (1..=n).contains(&i) => Ok((i, n)),
        _ => Err(bad(format!(
            "--shard `{text}`: expected I/N with 1 <= I <= N, e.g. --shard 2/4"
        ))),
    }
}

fn parse_method(m: &Option<String>) -> Result<Option<Method>, Failure> {
    match m.as_deref() {
        None => Ok(None),
        Some("plain") => Ok(Some(Method::Plain)),
        Some("importance") => Ok(Some(Method::Importance)),
        Some(other) => Err(bad(format!(
            "--method `{other}`: expected plain or importance"
        ))),
    }
}

/// Refuses runs that would exhaust the machine unless --no-limit.
fn check_work(s: &Scenario, no_limit: bool) -> Result<(), Failure> {
    let events = runner::estimated_events(s);
    if !no_limit && events > runner::EVENT_LIMIT {
        return Err(bad(format!(
            "{}: about {events:.2e} events to simulate ({} timelines); the limit is {:.0e} (hours of work); lower --timelines or pass --no-limit",
            s.name,
            s.simulation.timelines,
            runner::EVENT_LIMIT
        )));
    }
    Ok(())
}

fn emit(rep: &Report, dir: &Path, json: bool, force: bool) -> Result<(), Failure> {
    if json {
        out(&report::json(rep));
    } else {
        out(&report::text(rep));
    }
    let files = report::write(dir, rep, force).map_err(Failure::Runtime)?;
    if !json {
        out(&format!(
            "report: {} ({} files)\n",
            dir.display(),
            files.len()
        ));
    }
    Ok(())
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let c = &args.common;
    set_threads(c.threads)?;
    if args.files.len() > 1
        && (c.out.is_some() || args.shard.is_some() || args.checkpoint.is_some())
    {
        return Err(bad(
            "--out, --shard and --checkpoint take one scenario file at a time",
        ));
    }
    if c.timelines == Some(0) {
        return Err(bad("--timelines must be at least 1"));
    }
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    if shard.is_some() && c.out.is_none() {
        return Err(bad("--shard needs --out DIR for the partial result"));
    }
    if let Some(x) = args.target_rel_error {
        if !(x > 0.0 && x.is_finite()) {
            return Err(bad(
                "--target-rel-error must be a positive number, e.g. 0.05",
            ));
        }
    }
    if !(args.max_time > 0.0) {
        return Err(bad("--max-time must be positive"));
    }
    let asserts = args
        .asserts
        .iter()
        .map(|a| assertion::parse(a).map_err(bad))
        .collect::<Result<Vec<_>, _>>()?;
    let method = parse_method(&args.method)?;
    // Validate everything before simulating anything.
    let mut jobs = Vec::new();
    for f in &args.files {
        let mut l = load(f, &c.set)?;
        let source = Source {
            file: f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.display().to_string()),
            text: String::from_utf8_lossy(
                &std::fs::read(f).map_err(|e| Failure::Runtime(e.into()))?,
            )
            .into_owned(),
            sets: c.set.clone(),
            timelines: c.timelines,
            seed: c.seed,
        };
        if shard.is_some() {
            // Shards load the scenario exactly as `merge` will.
            l = source.load().map_err(Failure::BadInput)?;
        }
        apply_overrides(&mut l, c, method);
        for (_, s) in points(&l) {
            check_work(s, args.no_limit)?;
        }
        let dir = c
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output").join(&l.scenario.name));
        report::check_out_dir(&dir, c.force).map_err(|e| bad(format!("{e:#}")))?;
        jobs.push((l, source, dir));
    }
    let show = !c.quiet && !c.json && std::io::stderr().is_terminal();
    for (l, source, dir) in jobs {
        let mut partial = Partial::new(args.shard.clone().unwrap_or_default(), source);
        let mut summaries = Vec::new();
        for (k, (value, s)) in points(&l).into_iter().enumerate() {
            if s.simulation.method == Method::Importance {
                if shard.is_some() {
                    return Err(bad("--shard works with plain Monte Carlo only"));
                }
                // Balanced failure biasing on the exact chain when the scenario
                // is Markovian, importance splitting on the engine otherwise.
                let built = outage::analytic::build::build(s).ok();
                let markov = built.as_ref().map(|b| (&b.chain, b.level.as_slice()));
                let mut r = outage::rare::run_rare(s, markov)
                    .map_err(|e| Failure::Runtime(anyhow::anyhow!("{}: {e}", s.name)))?;
                outage::analytic::attach(s, &mut r);
                summaries.push((value, r));
                continue;
            }
            let t = s.simulation.timelines;
            let (start, end) = match shard {
                Some((i, n)) => runner::shard_range(i, n, t),
                None => (0, t),
            };
            let plan = Plan {
                start,
                end,
                target_rel_error: args.target_rel_error,
                time_limit: args
                    .target_rel_error
                    .map(|_| Duration::from_secs_f64(args.max_time)),
                checkpoint: args
                    .checkpoint
                    .as_ref()
                    .map(|d| d.join(format!("point-{k}"))),
            };
            let (acc, elapsed, note) = simulate(s, &plan, show)?;
            if let Some(n) = note {
                eprintln!("{}: {n}", s.name);
            }
            if shard.is_some() {
                partial.push(value, s, (start, end), &acc, elapsed);
            } else {
                summaries.push((value, summarize(s, &acc, elapsed)));
            }
        }
        if let Some((i, n)) = shard {
            std::fs::create_dir_all(&dir).map_err(|e| Failure::Runtime(e.into()))?;
            let text =
                serde_json::to_string_pretty(&partial).map_err(|e| Failure::Runtime(e.into()))?;
            report::write_atomic(&dir, partial::FILE, text.as_bytes()).map_err(Failure::Runtime)?;
            let p = &partial.points[0];
            out(&format!(
                "shard {i}/{n} of {}: timelines {}..{} written to {}\n",
                l.scenario.name,
                p.start,
                p.end,
                dir.join(partial::FILE).display()
            ));
            continue;
        }
        report_and_assert(&l, summaries, &dir, c.json, c.force, &asserts)?;
    }
    Ok(())
}

fn report_and_assert(
    l: &scenario::Loaded,
    mut summaries: Vec<(Option<f64>, RunSummary)>,
    dir: &Path,
    json: bool,
    force: bool,
    asserts: &[assertion::Assertion],
) -> Result<(), Failure> {
    let sweep;
    let single;
    let rep = match &l.sweep {
        Some(sw) => {
            sweep = SweepResult {
                parameter: sw.parameter.clone(),
                points: summaries
                    .drain(..)
                    .map(|(v, r)| (v.unwrap_or(f64::NAN), r))
                    .collect(),
            };
            Report::Sweep(&sweep)
        }
        None => {
            single = summaries.pop().expect("one run").1;
            Report::Run(&single)
        }
    };
    emit(&rep, dir, json, force)?;
    let runs: Vec<&RunSummary> = match &rep {
        Report::Run(r) => vec![*r],
        Report::Sweep(s) => s.points.iter().map(|(_, r)| r).collect(),
        Report::Compare(_) => vec![],
    };
    let mut failed = Vec::new();
    for a in asserts {
        for r in &runs {
            match assertion::check(a, r) {
                Ok(msg) => eprintln!("{msg}"),
                Err(msg) => failed.push(msg),
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Assert(failed.join("\n")))
    }
}

fn merge(args: MergeArgs) -> Result<(), Failure> {
    let mut parts = Vec::new();
    for d in &args.dirs {
        parts.push((d.clone(), partial::read(d).map_err(bad)?));
    }
    let m = partial::merge(&parts).map_err(bad)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&m.loaded.scenario.name));
    report::check_out_dir(&dir, args.force).map_err(|e| bad(format!("{e:#}")))?;
    let scen = points(&m.loaded);
    let summaries = m
        .points
        .iter()
        .zip(scen)
        .map(|((v, acc, elapsed), (_, s))| (*v, summarize(s, acc, *elapsed)))
        .collect();
    report_and_assert(&m.loaded, summaries, &dir, args.json, args.force, &[])
}

fn compare(args: CompareArgs) -> Result<(), Failure> {
    let c = &args.common;
    set_threads(c.threads)?;
    if c.timelines == Some(0) {
        return Err(bad("--timelines must be at least 1"));
    }
    let mut l = load(&args.file, &c.set)?;
    if let Some(sw) = &l.sweep {
        // `--set PARAMETER=VALUE` on the swept key picks one point: compare it.
        let picked = c.set.iter().any(|x| {
            x.split_once('=')
                .is_some_and(|(k, _)| k.trim() == sw.parameter)
        });
        if !picked {
            return Err(bad(format!(
                "{}: compare takes one scenario, not a [sweep]; pick a point with --set {}=VALUE",
                args.file.display(),
                sw.parameter
            )));
        }
        l.sweep = None;
    }
    apply_overrides(&mut l, c, None);
    let s = &l.scenario;
    check_work(s, false)?;
    let dir = c
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-compare", s.name)));
    report::check_out_dir(&dir, c.force).map_err(|e| bad(format!("{e:#}")))?;
    let twin = outage::twin::independent_twin(s);
    let show = !c.quiet && !c.json && std::io::stderr().is_terminal();
    let side = |s: &Scenario| -> Result<RunSummary, Failure> {
        let plan = Plan {
            end: s.simulation.timelines,
            ..Plan::default()
        };
        let (acc, elapsed, _) = simulate(s, &plan, show)?;
        Ok(summarize(s, &acc, elapsed))
    };
    let result = CompareResult {
        correlated: side(s)?,
        independent: side(&twin)?,
    };
    emit(&Report::Compare(&result), &dir, c.json, c.force)
}

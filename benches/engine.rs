//! Engine throughput: timelines/s and transitions/s per scenario kind, on 1 and 2
//! threads, plus scenario loading, report writing and a sweep.
//!
//! `cargo bench --bench engine` measures; `cargo test --release --benches` runs every
//! benchmark once as a smoke test (CI does this; nothing is timed there).
//! The process-level comparison with the minimal loop is `benches/side_by_side.sh`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use outage::engine::{self, RunConfig};
use outage::model::Scenario;
use outage::report::{self, Report};
use std::hint::black_box;
use std::sync::atomic::AtomicBool;

/// Bench scenarios (file stem, timelines per iteration).
const SCENARIOS: &[(&str, u64)] = &[
    ("s3_2of3", 40_960),
    ("s4_3of5", 20_480),
    ("zones_racks", 8_192),
    ("common_cause", 20_480),
    ("deploys", 4_096),
    ("active_passive", 20_480),
    ("large", 64),
];

fn load(stem: &str) -> Scenario {
    let path = format!(
        "{}/benches/scenarios/{stem}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    outage::scenario::load(std::path::Path::new(&path), &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

fn simulate(s: &Scenario, n: u64) -> outage::stats::Acc {
    let cfg = RunConfig {
        seed: 1,
        start: 0,
        end: n,
    };
    engine::run(s, &cfg, &|_| {}, &AtomicBool::new(false)).expect("not cancelled")
}

fn timelines(c: &mut Criterion) {
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let mut g = c.benchmark_group(format!("timelines/{threads}t"));
        g.sample_size(10);
        for &(stem, n) in SCENARIOS {
            let s = load(stem);
            g.throughput(Throughput::Elements(n));
            g.bench_with_input(BenchmarkId::from_parameter(stem), &s, |b, s| {
                b.iter(|| pool.install(|| black_box(simulate(s, n))))
            });
        }
        g.finish();
    }
}

/// The same runs with events as the element: transitions (events) per second.
fn transitions(c: &mut Criterion) {
    let mut g = c.benchmark_group("transitions/2t");
    g.sample_size(10);
    for &(stem, n) in SCENARIOS {
        let s = load(stem);
        let events = simulate(&s, n).events;
        g.throughput(Throughput::Elements(events));
        g.bench_with_input(BenchmarkId::from_parameter(stem), &s, |b, s| {
            b.iter(|| black_box(simulate(s, n)))
        });
    }
    g.finish();
}

fn loading_and_reports(c: &mut Criterion) {
    let path = format!(
        "{}/benches/scenarios/zones_racks.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("bench scenario");
    c.bench_function("load/zones_racks", |b| {
        b.iter(|| black_box(outage::scenario::load_str("zones_racks.toml", &text, &[]).is_ok()))
    });
    let s = load("zones_racks");
    let acc = simulate(&s, 2048);
    let causes = engine::cause_names(&s);
    let summary = outage::stats::summarize(&acc, &s, &causes, 2, 1.0);
    let dir = tempfile::tempdir().expect("temp dir");
    c.bench_function("report/write_all_files", |b| {
        b.iter(|| report::write(dir.path(), &Report::Run(&summary), true).expect("report written"))
    });
}

fn sweep(c: &mut Criterion) {
    let text = r#"
[simulation]
timelines = 8192
horizon = "1y"
[tiers.web]
instances = 3
required = 2
failure = { mean = "1000h" }
repair = { mean = "10h" }
[sweep]
parameter = "tiers.web.instances"
values = [2, 3, 4, 5, 6]
"#;
    let loaded = outage::scenario::load_str("sweep.toml", text, &[]).expect("valid");
    let points = loaded.sweep.expect("a sweep").points;
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(8192 * points.len() as u64));
    g.bench_function("instances_2_to_6", |b| {
        b.iter(|| {
            for (_, s) in &points {
                black_box(simulate(s, 8192));
            }
        })
    });
    g.finish();
}

/// Cost per event as the model grows: n-of-(n + n/10) tiers of n instances in
/// 10 zones; transitions/s should fall at most like 1/log n.
fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale/transitions");
    g.sample_size(10);
    for n in [10u32, 100, 1_000, 10_000] {
        let text = format!(
            r#"
[simulation]
horizon = "30d"
[domains.zone]
count = 10
failure = {{ mean = "1y" }}
repair = {{ mean = "4h" }}
[tiers.fleet]
instances = {n}
required = {k}
placement = "zone"
failure = {{ mean = "1000h" }}
repair = {{ mean = "10h" }}
"#,
            k = n - n / 10
        );
        let s = outage::scenario::load_str("scale.toml", &text, &[])
            .expect("valid")
            .scenario;
        let timelines = (200_000 / n as u64).max(8);
        let events = simulate(&s, timelines).events;
        g.throughput(Throughput::Elements(events));
        g.bench_with_input(BenchmarkId::from_parameter(n), &s, |b, s| {
            b.iter(|| black_box(simulate(s, timelines)))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    timelines,
    transitions,
    scale,
    ctmc,
    loading_and_reports,
    sweep
);
criterion_main!(benches);

/// The exact chain: build and solve a scenario of 21,952 states (3 zones x 13
/// instances, lumped): steady state, MTTF and the one-year horizon figures.
fn ctmc(c: &mut Criterion) {
    let text = r#"
[simulation]
horizon = "1y"
[domains.zone]
count = 3
failure = { mean = "1y" }
repair = { mean = "4h" }
[tiers.web]
instances = 39
required = 20
placement = "zone"
failure = { mean = "1000h" }
repair = { mean = "10h" }
"#;
    let s = outage::scenario::load_str("ctmc.toml", text, &[])
        .expect("valid")
        .scenario;
    let states = outage::analytic::build::build(&s)
        .expect("Markovian")
        .chain
        .n;
    let mut g = c.benchmark_group("ctmc");
    g.sample_size(10);
    g.bench_function(format!("build_and_solve_{states}_states"), |b| {
        b.iter(|| black_box(outage::analytic::build::solve(&s).expect("solves")))
    });
    g.finish();
}

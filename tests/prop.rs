//! Property test: thousands of mutated scenarios (random byte edits, deleted and
//! duplicated lines, swapped values, extreme numbers) must each give an error or
//! a run: never a panic, never a hang. Bounded: a fixed seed and a fixed count.

use outage::engine::{self, RunConfig};
use outage::scenario::load_str;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::sync::atomic::AtomicBool;

const CASES: usize = 4000;

const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "1e-320",
    "99999999999999999999999",
    "\"0s\"",
    "\"1e308y\"",
    "\"-5h\"",
    "\"nan h\"",
    "\"\"",
    "[]",
    "{}",
    "\"100%\"",
    "\"1000%\"",
    "true",
    "\"zone-9\"",
    "4294967296",
    "0.0000001",
];

fn corpus() -> Vec<String> {
    let mut v = Vec::new();
    for dir in ["scenarios", "benches/scenarios"] {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            v.push(std::fs::read_to_string(f).unwrap());
        }
    }
    v
}

fn mutate(text: &str, rng: &mut Xoshiro256PlusPlus) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for _ in 0..rng.random_range(1..4) {
        if lines.is_empty() {
            break;
        }
        let i = rng.random_range(0..lines.len());
        match rng.random_range(0..6) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => {
                // Swap the values of two assignments.
                let j = rng.random_range(0..lines.len());
                if let (Some((ka, va)), Some((kb, vb))) = (
                    lines[i]
                        .split_once('=')
                        .map(|(a, b)| (a.to_string(), b.to_string())),
                    lines[j]
                        .split_once('=')
                        .map(|(a, b)| (a.to_string(), b.to_string())),
                ) {
                    lines[i] = format!("{ka}={vb}");
                    lines[j] = format!("{kb}={va}");
                }
            }
            3 => {
                if let Some((k, _)) = lines[i].split_once('=') {
                    let x = EXTREMES[rng.random_range(0..EXTREMES.len())];
                    lines[i] = format!("{k}= {x}");
                }
            }
            _ => {
                // Random byte edits.
                let mut b = lines[i].clone().into_bytes();
                for _ in 0..rng.random_range(1..3) {
                    let c = rng.random_range(32u8..127);
                    if b.is_empty() || rng.random_bool(0.3) {
                        b.push(c);
                    } else {
                        let k = rng.random_range(0..b.len());
                        if rng.random_bool(0.5) {
                            b[k] = c;
                        } else {
                            b.remove(k);
                        }
                    }
                }
                lines[i] = String::from_utf8_lossy(&b).into_owned();
            }
        }
    }
    lines.join("\n")
}

#[test]
fn mutated_scenarios_never_panic_or_hang() {
    let corpus = corpus();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2026);
    let t0 = std::time::Instant::now();
    let (mut ok, mut err) = (0, 0);
    for case in 0..CASES {
        let base = &corpus[case % corpus.len()];
        let text = mutate(base, &mut rng);
        let tc = std::time::Instant::now();
        let result = std::panic::catch_unwind(|| {
            match load_str("mutant.toml", &text, &[]) {
                Err(d) => {
                    assert!(!d.0.is_empty());
                    assert!(d.to_string().contains("mutant.toml"));
                    false
                }
                Ok(l) => {
                    let mut s = l.scenario;
                    s.simulation.timelines = 2;
                    // What the CLI would refuse without --no-limit is not run here.
                    if outage::runner::estimated_events(&s) < 2e5 {
                        let cfg = RunConfig {
                            seed: 1,
                            start: 0,
                            end: 2,
                        };
                        engine::run(&s, &cfg, &|_| {}, &AtomicBool::new(false));
                    }
                    true
                }
            }
        });
        if tc.elapsed().as_secs_f64() > 1.0 {
            eprintln!(
                "slow case {case} ({:.1}s):\n{text}",
                tc.elapsed().as_secs_f64()
            );
        }
        match result {
            Ok(true) => ok += 1,
            Ok(false) => err += 1,
            Err(_) => panic!("case {case} panicked on:\n{text}"),
        }
    }
    assert!(
        ok > 100 && err > 100,
        "both outcomes exercised: {ok} runs, {err} errors"
    );
    eprintln!(
        "{CASES} mutated scenarios: {ok} ran, {err} rejected, {:.1}s",
        t0.elapsed().as_secs_f64()
    );
}

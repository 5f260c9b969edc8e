//! Every bundled scenario whose times are all exponential: the simulation agrees
//! with the scenario's exact Markov chain within 4 standard errors (pinned seed,
//! at most 20,000 timelines per point to keep the suite fast).

use outage::engine::{self, RunConfig};
use outage::scenario::load;
use std::sync::atomic::AtomicBool;

#[test]
fn bundled_markovian_scenarios_agree_with_their_exact_chain() {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut checked = 0;
    for f in files {
        let l = load(&f, &[]).unwrap_or_else(|e| panic!("{e}"));
        let points: Vec<_> = match &l.sweep {
            Some(sw) => sw.points.iter().map(|(_, s)| s.clone()).collect(),
            None => vec![l.scenario.clone()],
        };
        for mut s in points {
            let Ok(p) = outage::analytic::build::prediction(&s) else {
                continue;
            };
            s.simulation.timelines = s.simulation.timelines.min(20_000);
            let cfg = RunConfig {
                seed: s.simulation.seed,
                start: 0,
                end: s.simulation.timelines,
            };
            let acc = engine::run(&s, &cfg, &|_| {}, &AtomicBool::new(false)).unwrap();
            let n = acc.n;
            let u = acc.down.estimate(n, outage::stats::FP).mean;
            let se = acc.down.std_error(n, outage::stats::FP);
            let ux = 1.0 - p.availability;
            assert!(
                se > 0.0,
                "{}: no downtime observed; pick more timelines",
                f.display()
            );
            assert!(
                (u - ux).abs() <= 4.0 * se,
                "{}: simulated U {u:.4e} vs exact {ux:.4e} (se {se:.1e})",
                f.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} Markovian scenario points");
    eprintln!("{checked} Markovian scenario points agree with their exact chain");
}

//! Rare-event benchmark: balanced failure biasing against exact CTMC answers and
//! against plain Monte Carlo on the same chains (`cargo bench --bench rare`).
//!
//! For each system it prints the exact steady-state unavailability, the BFB
//! estimate run until 10% relative error (95% half-width), its CPU time, what plain
//! Monte Carlo saw in the same CPU time, and the work-normalized variance ratio
//!
//!   ratio = (Var_plain per timeline × CPU per plain timeline) / (Var_BFB × CPU_BFB)
//!
//! where Var_plain per one-year timeline is the regenerative-CLT value measured by
//! the BFB run (checked against measured plain variance in the unit tests) and the
//! CPU per plain timeline is measured here. The ratio is how many times longer
//! plain Monte Carlo would run for the same confidence interval.

use outage::analytic::ctmc::{self, Chain};
use outage::rare::examples::{bd, common_cause, zones};
use outage::rare::split::{restart, RestartConfig};
use outage::rare::{bfb, plain_chain_mc, BfbConfig};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

const H: f64 = 8766.0;

fn exact_u(c: &Chain) -> f64 {
    let pi = ctmc::steady_state(c).expect("steady state");
    1.0 - ctmc::steady_measures(c, &pi).0
}

/// Engine scenarios for RESTART splitting (any distributions).
const SPLIT: &[(&str, &str)] = &[
    (
        "2-of-6 exp (engine)",
        "name = \"a\"\n[simulation]\nhorizon = \"1y\"\n[tiers.db]\ninstances = 6\nrequired = 2\n\
         failure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n",
    ),
    (
        "T16 zones (engine)",
        "name = \"b\"\n[simulation]\nhorizon = \"1y\"\n[domains.zone]\ncount = 3\n\
         failure = { mean = \"8766h\" }\nrepair = { mean = \"4h\" }\n[tiers.web]\ninstances = 6\n\
         required = 3\nplacement = \"zone\"\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n",
    ),
    (
        "1-of-3 Weibull/exp",
        "name = \"c\"\n[simulation]\nhorizon = \"1y\"\n[tiers.web]\ninstances = 3\nrequired = 1\n\
         failure = { distribution = \"weibull\", shape = 2.0, mean = \"1000h\" }\n\
         repair = { mean = \"10h\" }\n",
    ),
    (
        "2-of-5 Weibull/exp",
        "name = \"d\"\n[simulation]\nhorizon = \"1y\"\n[tiers.web]\ninstances = 5\nrequired = 2\n\
         failure = { distribution = \"weibull\", shape = 2.0, mean = \"1000h\" }\n\
         repair = { mean = \"10h\" }\n",
    ),
];

fn splitting() {
    println!(
        "\nRESTART splitting on the engine (finite horizon 1 y, target 10%):\n{:<22} {:>11} {:>7} {:>8} {:>9} {:>10} {:>11} {:>10}",
        "scenario", "U (1 y)", "rel.err", "trials", "cpu s", "plain out", "equiv. tl", "work ratio"
    );
    for (name, text) in SPLIT {
        let s = outage::scenario::load_str("b.toml", text, &[])
            .expect("scenario")
            .scenario;
        let e = restart(
            &s,
            &RestartConfig {
                time_limit_s: 30.0,
                ..RestartConfig::default()
            },
        )
        .expect("restart");
        // plain engine timelines: cost per timeline, and outages seen in the same CPU time
        let mut n = 20_000u64;
        let (outages, cost) = loop {
            let t0 = Instant::now();
            let acc = outage::engine::run(
                &s,
                &outage::engine::RunConfig {
                    seed: 1,
                    start: 0,
                    end: n,
                },
                &|_| {},
                &AtomicBool::new(false),
            )
            .expect("run");
            let cpu = t0.elapsed().as_secs_f64() * rayon::current_num_threads() as f64;
            if cpu >= e.cpu_s.max(0.5) || n >= 1 << 28 {
                break (acc.outages.s1, cpu / n as f64);
            }
            n *= 2;
        };
        let ratio = e.plain_var_per_timeline * cost / (e.std_error.powi(2) * e.cpu_s);
        println!(
            "{:<22} {:>11.4e} {:>6.2}% {:>8} {:>9.3} {:>10} {:>11.3e} {:>10.3e}",
            name,
            e.unavailability.mean,
            100.0 * e.rel_error,
            e.replications,
            e.cpu_s,
            format!("{outages}/{n}"),
            e.equivalent_timelines,
            ratio
        );
    }
    println!(
        "plain out = outages in plain engine timelines run for at least the same CPU time \
         (or 0.5 s)."
    );
}

fn main() {
    let systems: Vec<(&str, (Chain, Vec<u32>))> = vec![
        ("1-of-3 r=3", bd(3, 1, 3, 1e-3, 0.1)),
        ("2-of-4 r=1", bd(4, 2, 1, 1e-3, 0.1)),
        ("2-of-6 r=6", bd(6, 2, 6, 1e-3, 0.1)),
        ("3-of-8 r=2 (spares)", bd(8, 3, 2, 1e-3, 0.1)),
        (
            "3 zones x 2, need 2",
            zones(3, 2, 2, (1e-3, 0.1), (1.0 / 8766.0, 0.25)),
        ),
        (
            "3 zones x 4, need 4",
            zones(3, 4, 4, (1e-3, 0.1), (1.0 / 8766.0, 0.25)),
        ),
        ("1-of-3 r=1 CCF b=5e-4", common_cause(3, 1, 1e-4, 5e-4, 0.1)),
        ("1-of-4 r=2 CCF b=1e-4", common_cause(4, 2, 1e-4, 1e-4, 0.1)),
    ];
    println!(
        "{:<22} {:>6} {:>11} {:>11} {:>7} {:>4} {:>9} {:>10} {:>9} {:>11} {:>10}",
        "system",
        "states",
        "exact U",
        "BFB U",
        "rel.err",
        "z",
        "cycles",
        "BFB cpu s",
        "plain out",
        "equiv. tl",
        "work ratio"
    );
    for (name, (c, l)) in &systems {
        let u = exact_u(c);
        let cfg = BfbConfig {
            seed: 1,
            target_rel_error: Some(0.10),
            time_limit_s: 30.0,
            horizon_h: H,
            ..BfbConfig::default()
        };
        let e = bfb(c, l, &cfg).expect("bfb");
        // Plain MC for the same CPU time (at least 1000 timelines), then ~1 s to
        // measure its cost per timeline.
        let t0 = Instant::now();
        let mut n = 1000u64;
        let same = loop {
            let p = plain_chain_mc(c, H, n, 2);
            if p.cpu_s >= e.cpu_s || n >= 1 << 30 {
                break p;
            }
            n *= 2;
        };
        let mut m = same.timelines;
        let mut cost = same.cpu_s / same.timelines as f64;
        while m as f64 * cost < 1.0 && t0.elapsed().as_secs_f64() < 20.0 {
            m *= 4;
            let p = plain_chain_mc(c, H, m, 3);
            cost = p.cpu_s / m as f64;
        }
        let ratio = (e.plain_var_per_timeline * cost) / (e.std_error.powi(2) * e.cpu_s);
        println!(
            "{:<22} {:>6} {:>11.4e} {:>11.4e} {:>6.2}% {:>4.1} {:>9} {:>10.4} {:>9} {:>11.3e} {:>10.3e}",
            name,
            c.n,
            u,
            e.unavailability.mean,
            100.0 * e.rel_error,
            (e.unavailability.mean - u) / e.std_error,
            e.biased_cycles + e.plain_cycles,
            e.cpu_s,
            format!("{}/{}", same.outages, same.timelines),
            e.equivalent_timelines,
            ratio
        );
    }
    println!(
        "\nplain out = outages seen by plain Monte Carlo in one-year timelines run for the \
         same CPU time;\nequiv. tl = one-year plain timelines with the same variance as the \
         BFB run;\nwork ratio = plain variance x CPU / (BFB variance x CPU)."
    );
    splitting();
}

//! Fuzz target: any bytes given to the scenario loader must give a clean error
//! or a scenario; an accepted scenario within a small work budget must
//! simulate a few timelines without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::atomic::AtomicBool;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(l) = outage::scenario::load_str("fuzz.toml", text, &[]) else {
        return;
    };
    let mut s = l.scenario;
    s.simulation.timelines = s.simulation.timelines.min(2);
    if outage::runner::estimated_events(&s) > 1e5 {
        return;
    }
    let cfg = outage::engine::RunConfig {
        seed: s.simulation.seed,
        start: 0,
        end: s.simulation.timelines,
    };
    let acc = outage::engine::run(&s, &cfg, &|_| {}, &AtomicBool::new(false)).expect("not cancelled");
    let causes = outage::engine::cause_names(&s);
    let r = outage::stats::summarize(&acc, &s, &causes, 1, 0.0);
    let _ = outage::report::json(&outage::report::Report::Run(&r));
});

//! The engine against the exact Markov chain built from the same scenario, for
//! every kind of feature the chain covers: 4 standard errors, pinned seeds.

use super::tests::simulate;
use crate::analytic::build::solve;
use crate::model::YEAR;
use crate::scenario::load_str;
use crate::stats::FP;

/// Simulates `text` and compares U over the horizon, outages per timeline and
/// P(outage within the horizon) with the exact chain.
fn agree(name: &str, text: &str, timelines: u64) {
    let s = load_str(&format!("{name}.toml"), text, &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario;
    let e = solve(&s).unwrap_or_else(|r| panic!("{name}: chain refused: {r}"));
    let acc = simulate(&s, timelines, 3);
    let n = acc.n;
    let u = acc.down.estimate(n, FP).mean;
    let se = acc.down.std_error(n, FP);
    let u_x = 1.0 - e.availability_horizon;
    assert!(
        (u - u_x).abs() <= 4.0 * se,
        "{name}: U {u:.5e} vs exact {u_x:.5e} (se {se:.1e})"
    );
    let o = acc.outages.estimate(n, 1.0).mean;
    let se_o = acc.outages.std_error(n, 1.0);
    assert!(
        (o - e.outages_horizon).abs() <= 4.0 * se_o,
        "{name}: outages {o:.5} vs exact {:.5} (se {se_o:.1e})",
        e.outages_horizon
    );
    let p = acc.had_outage as f64 / n as f64;
    let px = e.p_outage_within_horizon;
    let se_p = (px * (1.0 - px) / n as f64).sqrt().max(1e-12);
    assert!(
        (p - px).abs() <= 4.0 * se_p,
        "{name}: P(outage) {p:.5} vs exact {px:.5}"
    );
    let _ = YEAR;
}

const TIER: &str = r#"
failure = { mean = "1000h" }
repair = { mean = "10h" }
"#;

#[test]
fn zones_and_racks() {
    let text = format!(
        r#"
[simulation]
horizon = "90d"
[domains.zone]
count = 2
failure = {{ mean = "60d" }}
repair = {{ mean = "8h" }}
[domains.rack]
parent = "zone"
count = 2
failure = {{ mean = "90d" }}
repair = {{ mean = "4h" }}
[tiers.web]
instances = 4
required = 2
placement = "rack"
{TIER}"#
    );
    agree("zones-racks", &text, 40_000);
}

#[test]
fn shared_zones_across_tiers_and_explicit_placement() {
    let text = format!(
        r#"
[simulation]
horizon = "90d"
[domains.zone]
count = 3
failure = {{ mean = "30d" }}
repair = {{ mean = "6h" }}
[tiers.web]
instances = 3
required = 2
placement = "zone"
{TIER}
[tiers.db]
instances = 2
placement = ["zone-1", "zone-2"]
failure = {{ mean = "500h" }}
repair = {{ mean = "20h" }}
"#
    );
    agree("shared-zones", &text, 40_000);
}

#[test]
fn common_cause_beta_and_every() {
    let beta = format!(
        r#"
[simulation]
horizon = "180d"
[tiers.db]
instances = 3
required = 2
{TIER}
[tiers.db.common_cause]
beta = 0.2
repair = {{ mean = "5h" }}
"#
    );
    agree("ccf-beta", &beta, 40_000);
    let every = format!(
        r#"
[simulation]
horizon = "180d"
[tiers.db]
instances = 2
{TIER}
[tiers.db.common_cause]
every = {{ mean = "60d" }}
"#
    );
    agree("ccf-every", &every, 40_000);
}

#[test]
fn one_crew_for_two_different_tiers() {
    let text = format!(
        r#"
[simulation]
horizon = "180d"
repair_crews = 1
[tiers.web]
instances = 3
required = 2
failure = {{ mean = "300h" }}
repair = {{ mean = "10h" }}
[tiers.db]
instances = 2
{TIER}"#
    );
    agree("crews", &text, 40_000);
}

#[test]
fn active_active_coverage_and_retries() {
    let text = format!(
        r#"
[simulation]
horizon = "30d"
[tiers.web]
instances = 3
required = 2
{TIER}
[tiers.web.failover]
detection = {{ mean = "5m" }}
coverage = 0.8
manual_recovery = {{ mean = "1h" }}
"#
    );
    agree("aa-coverage", &text, 40_000);
    agree("aa-retries", &format!("{text}retries = true\n"), 40_000);
}

#[test]
fn duplex_hot_warm_cold_unmonitored_false_alarms() {
    let base = |extra: &str| {
        format!(
            r#"
[simulation]
horizon = "60d"
[tiers.db]
instances = 2
mode = "active-passive"
failure = {{ mean = "500h" }}
repair = {{ mean = "10h" }}
[tiers.db.failover]
detection = {{ mean = "2m" }}
switchover = {{ mean = "5m" }}
coverage = 0.8
manual_recovery = {{ mean = "1h" }}
{extra}
"#
        )
    };
    agree("duplex-hot", &base(""), 40_000);
    agree(
        "duplex-warm",
        &base("standby = \"warm\"\nwarm_factor = 0.3"),
        40_000,
    );
    agree("duplex-cold", &base("standby = \"cold\""), 40_000);
    agree(
        "duplex-unmonitored",
        &base("standby_monitoring = false"),
        40_000,
    );
    agree(
        "duplex-false-alarms",
        &base("false_alarm = { mean = \"5d\" }"),
        40_000,
    );
}

#[test]
fn three_instances_two_active_with_a_spare() {
    let text = r#"
[simulation]
horizon = "60d"
[tiers.db]
instances = 3
required = 2
mode = "active-passive"
failure = { mean = "500h" }
repair = { mean = "10h" }
[tiers.db.failover]
detection = { mean = "2m" }
switchover = { mean = "5m" }
coverage = 0.9
"#;
    agree("ap-2-of-3", text, 40_000);
}

#[test]
fn overload_cascade() {
    let text = r#"
[simulation]
horizon = "90d"
[tiers.pods]
instances = 3
load = "180%"
failure = { mean = "1000h" }
repair = { mean = "10h" }
[tiers.pods.overload]
failure_multiplier = 10
"#;
    agree("overload", text, 40_000);
}

#[test]
fn a_mix_of_everything_the_chain_holds() {
    let text = r#"
[simulation]
horizon = "60d"
repair_crews = 2
[domains.zone]
count = 2
failure = { mean = "90d" }
repair = { mean = "6h" }
[tiers.web]
instances = 3
required = 2
placement = "zone"
failure = { mean = "800h" }
repair = { mean = "8h" }
[tiers.web.failover]
detection = { mean = "1m" }
coverage = 0.95
[tiers.db]
instances = 2
mode = "active-passive"
placement = "zone"
failure = { mean = "1500h" }
repair = { mean = "12h" }
[tiers.db.common_cause]
beta = 0.05
repair = { mean = "3h" }
[tiers.db.failover]
detection = { mean = "30s" }
switchover = { mean = "2m" }
coverage = 0.9
manual_recovery = { mean = "30m" }
"#;
    agree("mix", text, 40_000);
}

#[test]
fn bad_deploys_with_exponential_detect_and_rollback() {
    for strategy in [
        "strategy = \"all-at-once\"",
        "strategy = \"rolling\"\nbatch = 1\nstep = { mean = \"10m\" }",
        "strategy = \"canary\"\ncanary = 1\nbake = { mean = \"30m\" }\nstep = { mean = \"5m\" }",
    ] {
        let text = format!(
            r#"
[simulation]
horizon = "60d"
[tiers.web]
instances = 3
required = 2
failure = {{ mean = "1000h" }}
repair = {{ mean = "10h" }}
[[deploys]]
tiers = ["web"]
every = {{ mean = "3d" }}
bad_probability = 0.2
{strategy}
detect = {{ mean = "20m" }}
rollback = {{ mean = "15m" }}
"#
        );
        agree(&format!("deploys {strategy}"), &text, 40_000);
    }
}

#[test]
fn rolling_and_whole_tier_maintenance() {
    for rolling in [true, false] {
        let text = format!(
            r#"
[simulation]
horizon = "60d"
[tiers.db]
instances = 3
required = 2
failure = {{ mean = "1000h" }}
repair = {{ mean = "10h" }}
[[maintenance]]
tiers = ["db"]
every = {{ mean = "5d" }}
duration = {{ mean = "1h" }}
rolling = {rolling}
"#
        );
        agree(&format!("maintenance rolling={rolling}"), &text, 40_000);
    }
}

#[test]
fn maintenance_drains_an_active_passive_pair_gracefully() {
    let text = r#"
[simulation]
horizon = "60d"
[tiers.db]
instances = 2
mode = "active-passive"
failure = { mean = "1000h" }
repair = { mean = "10h" }
[tiers.db.failover]
detection = { mean = "1m" }
switchover = { mean = "2m" }
coverage = 0.9
[[maintenance]]
tiers = ["db"]
every = { mean = "7d" }
duration = { mean = "30m" }
rolling = true
"#;
    agree("ap-maintenance", text, 40_000);
}

#[test]
fn independent_twin_matches_private_zone_copies() {
    // 2 zones x 2 instances, 2 of 4 needed. The twin gives every instance a
    // private copy of its zone's failure process; its exact chain is the chain
    // of that scenario, and in steady state the binomial with a_i = a·a_zone.
    let text = r#"
[simulation]
horizon = "90d"
[domains.zone]
count = 2
failure = { mean = "30d" }
repair = { mean = "12h" }
[tiers.web]
instances = 4
required = 2
placement = "zone"
failure = { mean = "1000h" }
repair = { mean = "10h" }
"#;
    let s = load_str("twin.toml", text, &[]).unwrap().scenario;
    let twin = crate::twin::independent_twin(&s);
    let e = solve(&twin).unwrap();
    let a = 1000.0 / 1010.0 * (720.0 / 732.0);
    let q: f64 = 1.0 - a;
    let binom = 1.0 - (4.0 * a * q.powi(3) + q.powi(4));
    assert!(
        (e.availability - binom).abs() < 1e-12,
        "{} vs {binom}",
        e.availability
    );
    let acc = simulate(&twin, 40_000, 5);
    let u = acc.down.estimate(acc.n, FP).mean;
    let se = acc.down.std_error(acc.n, FP);
    let ux = 1.0 - e.availability_horizon;
    assert!(
        (u - ux).abs() <= 4.0 * se,
        "twin U {u:.4e} vs exact {ux:.4e} (se {se:.1e})"
    );
    // ...and the correlated original is clearly worse.
    let orig = solve(&s).unwrap();
    assert!(1.0 - orig.availability > 5.0 * (1.0 - e.availability));
}

#[test]
fn explicit_default_failover_is_the_plain_k_of_n_group() {
    let plain = super::tests::kofn(2, 3, None);
    let text = r#"
name = "2-of-3"
[simulation]
timelines = 20000
horizon = "1y"
[tiers.t]
instances = 3
required = 2
failure = { mean = "1000h" }
repair = { mean = "10h" }
[tiers.t.failover]
detection = "0s"
coverage = 1
switchover = "0s"
retries = false
"#;
    let with = load_str("d.toml", text, &[]).unwrap().scenario;
    let a = simulate(&plain, 5000, 9);
    let b = simulate(&with, 5000, 9);
    assert_eq!(
        format!("{a:?}"),
        format!("{b:?}"),
        "same numbers, bit for bit"
    );
}

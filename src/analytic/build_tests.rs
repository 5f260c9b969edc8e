//! The exact chain built from scenario text against MODELS.md §11 and the closed
//! forms of §4–§6.

use super::build::{build, solve, Exact};
use crate::scenario::load_str;

fn exact(text: &str) -> Exact {
    let s = load_str("t.toml", text, &[])
        .expect("valid scenario")
        .scenario;
    solve(&s).unwrap_or_else(|e| panic!("refused: {e}"))
}

/// Relative agreement to the printed precision of the table.
fn close(got: f64, want: f64, digits: u32, what: &str) {
    let tol = 0.5 * 10f64.powi(-(digits as i32 - 1)) * want.abs();
    assert!(
        (got - want).abs() <= tol * 1.0000001,
        "{what}: {got:.10e} vs {want:.10e} (tol {tol:.1e})"
    );
}

fn kofn(k: u32, n: u32, crews: Option<u32>) -> String {
    let crews = crews
        .map(|c| format!("repair_crews = {c}\n"))
        .unwrap_or_default();
    format!(
        r#"
[simulation]
horizon = "8766h"
{crews}
[tiers.t]
instances = {n}
required = {k}
failure = {{ mean = "1000h" }}
repair = {{ mean = "10h" }}
"#
    )
}

/// (A, MTTF h, outages/y, MDT h, U over 1 y, E[outages] 1 y, P(outage in 1 y)) with
/// their printed significant digits.
#[allow(clippy::too_many_arguments)]
fn check(
    e: &Exact,
    id: &str,
    a: (f64, u32),
    mttf: (f64, u32),
    f: (f64, u32),
    mdt: (f64, u32),
    uh: (f64, u32),
    oh: (f64, u32),
    p: (f64, u32),
) {
    close(e.availability, a.0, a.1, &format!("{id} A"));
    close(e.mttf_h, mttf.0, mttf.1, &format!("{id} MTTF"));
    close(e.outages_per_year, f.0, f.1, &format!("{id} outages/y"));
    close(e.mdt_h, mdt.0, mdt.1, &format!("{id} MDT"));
    close(
        1.0 - e.availability_horizon,
        uh.0,
        uh.1,
        &format!("{id} U 1y"),
    );
    close(e.outages_horizon, oh.0, oh.1, &format!("{id} outages 1y"));
    close(
        e.p_outage_within_horizon,
        p.0,
        p.1,
        &format!("{id} P(outage)"),
    );
}

#[test]
fn t1_to_t8_k_of_n() {
    let e = exact(&kofn(1, 1, None));
    check(
        &e,
        "T1",
        (0.9900990099, 10),
        (1000.0, 4),
        (8.679208, 7),
        (10.0, 4),
        (9.889807e-3, 7),
        (8.679306, 7),
        (0.999844, 6),
    );
    let e = exact(&kofn(1, 2, Some(1)));
    check(
        &e,
        "T2",
        (0.9998039600, 10),
        (51500.0, 5),
        (0.1718487, 7),
        (10.0, 4),
        (1.955950e-4, 7),
        (0.1716546, 7),
        (0.156383, 6),
    );
    let e = exact(&kofn(1, 2, None));
    check(
        &e,
        "T3",
        (0.9999019704, 10),
        (51500.0, 5),
        (0.1718655, 7),
        (5.0, 4),
        (9.786352e-5, 7),
        (0.1716724, 7),
        (0.156383, 6),
    );
    let e = exact(&kofn(2, 3, Some(1)));
    check(
        &e,
        "T4",
        (0.9994119964, 10),
        (17500.0, 5),
        (0.5103405, 7),
        (10.1, 3),
        (5.866558e-4, 7),
        (0.5097646, 7),
        (0.393859, 6),
    );
    let e = exact(&kofn(2, 3, None));
    check(
        &e,
        "T5",
        (0.9997078524, 10),
        (17500.0, 5),
        (0.5104916, 7),
        (5.01667, 6),
        (2.916534e-4, 7),
        (0.5099208, 7),
        (0.393859, 6),
    );
    let e = exact(&kofn(3, 5, Some(1)));
    check(
        &e,
        "T6",
        (0.9999418171, 10),
        (180783.3, 7),
        (0.04999329, 7),
        (10.202, 5),
        (5.797992e-5, 7),
        (0.04987819, 7),
        (0.0472341, 6),
    );
    let e = exact(&kofn(3, 5, None));
    check(
        &e,
        "T7",
        (0.9999904377, 10),
        (355783.3, 7),
        (0.02502164, 7),
        (3.35003, 6),
        (9.542565e-6, 7),
        (0.02497954, 7),
        (0.0242984, 6),
    );
    let e = exact(&kofn(1, 3, None));
    check(
        &e,
        "T8",
        (0.9999990294, 10),
        (3451833.0, 7),
        (0.002552458, 7),
        (3.33333, 6),
        (9.685803e-7, 7),
        (0.002548143, 7),
        (0.00253204, 6),
    );
}

fn duplex(extra: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "8766h"
repair_crews = 1
[tiers.t]
instances = 2
mode = "active-passive"
failure = {{ mean = "1000h" }}
repair = {{ mean = "10h" }}
[tiers.t.failover]
{extra}
"#
    )
}

#[test]
fn t9_t10_cold_and_warm_standby() {
    let e = exact(&duplex("standby = \"cold\""));
    check(
        &e,
        "T9",
        (0.9999009999, 10),
        (102000.0, 6),
        (0.08678349, 7),
        (10.0, 4),
        (9.877425e-5, 7),
        (0.08668451, 7),
        (0.0822711, 6),
    );
    let e = exact(&duplex("standby = \"warm\"\nwarm_factor = 0.1"));
    check(
        &e,
        "T10",
        (0.9998912087, 10),
        (92818.18, 7),
        (0.09536648, 7),
        (10.0, 4),
        (1.085433e-4, 7),
        (0.09525782, 7),
        (0.0900332, 6),
    );
}

#[test]
fn t11_hot_duplex_and_t11b_active_active_pair() {
    let text = r#"
[simulation]
horizon = "8766h"
[tiers.t]
instances = 2
mode = "active-passive"
failure = { mean = "1000h" }
repair = { mean = "10h" }
[tiers.t.failover]
detection = { mean = "30s" }
coverage = 0.9
switchover = { mean = "60s" }
manual_recovery = { mean = "30m" }
"#;
    let e = exact(text);
    check(
        &e,
        "T11",
        (0.9998325214, 10),
        (1000.0, 4),
        (8.764532, 7),
        (0.167507, 6),
        (1.673114e-4, 7),
        (8.764533, 7),
        (0.999844, 6),
    );
    let text = r#"
[simulation]
horizon = "8766h"
[tiers.t]
instances = 2
failure = { mean = "1000h" }
repair = { mean = "10h" }
[tiers.t.failover]
detection = { mean = "30s" }
coverage = 0.9
manual_recovery = { mean = "30m" }
"#;
    let e = exact(text);
    // MODELS §5 lets a repair out of "both failed" serve at once (0 → 1U). Our
    // semantics keep the failover logic of the second failure running: if that
    // instance is still being detected or stuck in rotation when the other one is
    // repaired, the tier stays down until detection/manual recovery removes it. The
    // difference is 2e-4 of U (far below Monte Carlo resolution); the remaining
    // columns match the table to 4 digits.
    check(
        &e,
        "T11b",
        (0.9997924073, 7),
        (500.0, 3),
        (17.35746, 4),
        (0.10484, 3),
        (2.074240e-4, 3),
        (17.35765, 4),
        (1.0 - 2.4e-8, 9),
    );
    assert!(
        ((1.0 - e.availability) / 2.075927e-4 - 1.0).abs() < 5e-4,
        "{}",
        1.0 - e.availability
    );
}

#[test]
fn t13_common_cause_overlay() {
    let text = r#"
[simulation]
horizon = "8766h"
[tiers.t]
instances = 2
failure = { mean = "1000h" }
repair = { mean = "10h" }
[tiers.t.common_cause]
beta = 0.1
repair = { mean = "10h" }
"#;
    let e = exact(text);
    check(
        &e,
        "T13",
        (0.9989215170, 10),
        (8638.655, 7),
        (1.015002, 7),
        (9.31425, 6),
        (1.077210e-3, 7),
        (1.014847, 7),
        (0.637505, 6),
    );
    // §6 (b) closed form: A = mu/(beta lam + mu) [1 - ((1-beta) rho / (1 + (1-beta) rho))^2].
    let (lam, mu, b): (f64, f64, f64) = (1e-3, 0.1, 0.1);
    let r = (1.0 - b) * lam / mu;
    let a = mu / (b * lam + mu) * (1.0 - (r / (1.0 + r)).powi(2));
    assert!((e.availability - a).abs() / a < 1e-9);
}

fn zones(per: u32, k: u32) -> String {
    format!(
        r#"
[simulation]
horizon = "8766h"
[domains.zone]
count = 3
failure = {{ mean = "8766h" }}
repair = {{ mean = "4h" }}
[tiers.t]
instances = {n}
required = {k}
placement = "zone"
failure = {{ mean = "1000h" }}
repair = {{ mean = "10h" }}
"#,
        n = 3 * per
    )
}

#[test]
fn t15_to_t17_zones() {
    let e = exact(&zones(1, 1));
    check(
        &e,
        "T15",
        (0.9999988905, 10),
        (2836339.0, 7),
        (0.003107529, 7),
        (3.12991, 6),
        (1.107295e-6, 7),
        (0.003102396, 7),
        (0.00308078, 6),
    );
    let e = exact(&zones(2, 3));
    check(
        &e,
        "T16",
        (0.9999984409, 10),
        (1386409.0, 7),
        (0.006347757, 7),
        (2.15301, 6),
        (1.556920e-6, 7),
        (0.006340836, 7),
        (0.00629608, 6),
    );
    let e = exact(&zones(5, 10));
    check(
        &e,
        "T17",
        (0.9998698940, 10),
        (22488.14, 7),
        (0.3947342, 7),
        (2.88931, 6),
        (1.299452e-4, 7),
        (0.3943793, 7),
        (0.322668, 6),
    );
}

#[test]
fn az_table_rows() {
    // MODELS §6: 2 AZ x 10, 3 AZ x 6, 3 AZ x 4, needing 10.
    let two = exact(
        &zones(5, 10)
            .replace("count = 3", "count = 2")
            .replace("instances = 15", "instances = 20"),
    );
    close(1.0 - two.availability, 8.65659e-5, 6, "2x10 U");
    close(two.outages_per_year, 0.2624, 4, "2x10 f");
    let six = exact(&zones(6, 10));
    close(1.0 - six.availability, 8.9690e-7, 5, "3x6 U");
    let four = exact(&zones(4, 10));
    close(1.0 - four.availability, 1.56711e-3, 6, "3x4 U");
    close(four.outages_per_year, 3.508, 4, "3x4 f");
}

#[test]
fn closed_forms_to_1e9() {
    let (lam, mu) = (1e-3, 0.1);
    let rho = lam / mu;
    // T2: A = (1+2ρ)/(1+2ρ+2ρ²); T3: 1-(ρ/(1+ρ))²; T9: (1+ρ)/(1+ρ+ρ²), MTTF (2λ+μ)/λ².
    let t2 = exact(&kofn(1, 2, Some(1)));
    let a = (1.0 + 2.0 * rho) / (1.0 + 2.0 * rho + 2.0 * rho * rho);
    assert!((t2.availability - a).abs() / a < 1e-9);
    assert!((t2.mttf_h - (3.0 * lam + mu) / (2.0 * lam * lam)).abs() / t2.mttf_h < 1e-9);
    let t3 = exact(&kofn(1, 2, None));
    let a = 1.0 - (rho / (1.0 + rho)).powi(2);
    assert!((t3.availability - a).abs() / a < 1e-9);
    let t9 = exact(&duplex("standby = \"cold\""));
    let a = (1.0 + rho) / (1.0 + rho + rho * rho);
    assert!((t9.availability - a).abs() / a < 1e-9);
    assert!((t9.mttf_h - (2.0 * lam + mu) / (lam * lam)).abs() / t9.mttf_h < 1e-9);
    // Binomial k-of-n with independent repair, any k, n.
    for (k, n) in [(1, 4), (3, 6), (5, 7)] {
        let e = exact(&kofn(k, n, None));
        let q: f64 = 10.0 / 1010.0;
        let a: f64 = (k..=n)
            .map(|j| binom(n, j) * (1.0 - q).powi(j as i32) * q.powi((n - j) as i32))
            .sum();
        assert!((e.availability - a).abs() / (1.0 - a) < 1e-7, "{k}-of-{n}");
    }
}

fn binom(n: u32, k: u32) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

#[test]
fn refusals_say_why() {
    let s = |t: &str| load_str("t.toml", t, &[]).unwrap().scenario;
    let lognormal = kofn(2, 3, None).replace(
        "repair = { mean = \"10h\" }",
        "repair = { distribution = \"lognormal\", median = \"5h\", sigma = 1 }",
    );
    let e = build(&s(&lognormal)).unwrap_err();
    assert!(e.contains("repair") && e.contains("lognormal"), "{e}");
    let fixed = format!(
        "{}\n[tiers.t.failover]\ndetection = \"30s\"\n",
        kofn(2, 3, None)
    );
    let e = build(&s(&fixed)).unwrap_err();
    assert!(e.contains("detection") && e.contains("fixed"), "{e}");
    // 24 zones with one instance each: nothing is exchangeable.
    let big = zones(1, 1)
        .replace("count = 3", "count = 24")
        .replace("instances = 3", "instances = 24");
    let e = build(&s(&big)).unwrap_err();
    assert!(e.contains("states"), "{e}");
}

#[test]
fn lumping_keeps_large_symmetric_models_small() {
    let s = load_str("t.toml", &zones(5, 10), &[]).unwrap().scenario;
    let b = build(&s).unwrap();
    // 3 zones, each: up/down × 0..5 failed instances → (2 × 6)^3 = 1728 at most.
    assert!(b.chain.n <= 1728, "{}", b.chain.n);
    assert_eq!(b.level[0], 0);
}

use super::testdata::*;
use super::*;
use serde_json::Value;

fn has_run_keys(v: &Value) {
    for k in [
        "scenario",
        "timelines",
        "horizon_h",
        "seed",
        "threads",
        "elapsed_s",
        "events",
        "availability",
        "request_success",
        "downtime_per_year_s",
        "outages_per_year",
        "outage_duration_s",
        "p_outage_within_horizon",
        "mtbf_h",
        "mttr_h",
        "causes",
        "tiers",
        "data_loss",
        "analytic",
        "degraded_per_year_s",
        "deploys",
        "unavailability",
        "nines",
    ] {
        assert!(v.get(k).is_some(), "missing key {k}");
    }
    for k in ["mean", "ci95"] {
        assert!(v["availability"].get(k).is_some());
        assert!(v["unavailability"].get(k).is_some());
    }
    for k in ["mean", "p50", "p90", "p99", "max"] {
        assert!(v["outage_duration_s"].get(k).is_some(), "{k}");
    }
    assert!(v["p_outage_within_horizon"]["estimate"].is_number());
    assert_eq!(
        v["p_outage_within_horizon"]["ci95"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(v["causes"][0]["cause"].is_string());
    assert!(v["causes"][0]["downtime_share"].is_number());
    assert!(v["causes"][0]["downtime_per_year_s"].is_number());
    assert!(v["tiers"]["web"]["availability"]["ci95"].is_array());
    assert!(v["data_loss"]["failovers_per_year"].is_number());
    assert!(v["data_loss"]["lost_writes_s_per_year"].is_number());
    for k in [
        "model",
        "availability",
        "exact",
        "simulated",
        "z",
        "horizon",
        "assumption",
    ] {
        assert!(v["analytic"][0].get(k).is_some(), "analytic {k}");
    }
    assert!(v["analytic"][1]["p_outage_within_horizon"].is_number());
}

#[test]
fn json_run_has_every_key() {
    let r = run("web-and-db", 0.999913);
    let s = json(&Report::Run(&r));
    assert!(s.ends_with('\n'));
    let v: Value = serde_json::from_str(&s).unwrap();
    has_run_keys(&v);
    assert_eq!(v["scenario"], "web-and-db");
}

#[test]
fn json_non_finite_is_null() {
    let r = perfect("p");
    let v: Value = serde_json::from_str(&json(&Report::Run(&r))).unwrap();
    assert!(v["mtbf_h"].is_null());
    assert!(v["nines"].is_null());
}

#[test]
fn json_sweep_and_compare_shape() {
    let s = sweep();
    let v: Value = serde_json::from_str(&json(&Report::Sweep(&s))).unwrap();
    assert_eq!(v["scenario"], "s");
    assert!(v.get("availability").is_none());
    assert_eq!(v["sweep"]["parameter"], "web.replicas");
    let pts = v["sweep"]["points"].as_array().unwrap();
    assert_eq!(pts.len(), 3);
    assert_eq!(pts[1]["value"], 2.0);
    has_run_keys(&pts[1]);
    let c = compare();
    let v: Value = serde_json::from_str(&json(&Report::Compare(&c))).unwrap();
    has_run_keys(&v["correlated"]);
    has_run_keys(&v["independent"]);
    let ratio = v["unavailability_ratio"].as_f64().unwrap();
    assert!((ratio - 100.0).abs() < 1e-6, "{ratio}");
}

fn header_of(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn csv_headers_exact() {
    let r = run("x", 0.9999);
    let rep = Report::Run(&r);
    assert_eq!(
        header_of(&csv::summary(&rep).unwrap()),
        "scenario,sweep_value,assumption,metric,mean,ci95_low,ci95_high"
    );
    assert_eq!(
        header_of(&csv::analytic(&rep).unwrap()),
        "scenario,sweep_value,model,exact,availability,simulated,z"
    );
    assert_eq!(
        header_of(&csv::histogram(&rep).unwrap()),
        "bin_low_s,bin_high_s,count"
    );
    assert_eq!(
        header_of(&csv::survival(&rep).unwrap()),
        "t_h,p_no_outage,ci95_low,ci95_high"
    );
    assert_eq!(
        header_of(&csv::causes(&rep).unwrap()),
        "scenario,sweep_value,assumption,cause,downtime_share,downtime_per_year_s"
    );
    let s = sweep();
    assert_eq!(
        header_of(&csv::histogram(&Report::Sweep(&s)).unwrap()),
        "sweep_value,bin_low_s,bin_high_s,count"
    );
    let c = compare();
    assert_eq!(
        header_of(&csv::survival(&Report::Compare(&c)).unwrap()),
        "assumption,t_h,p_no_outage,ci95_low,ci95_high"
    );
}

#[test]
fn csv_summary_rows() {
    let r = run("x", 0.9999);
    let text = String::from_utf8(csv::summary(&Report::Run(&r)).unwrap()).unwrap();
    for m in [
        "availability",
        "unavailability",
        "request_success",
        "downtime_per_year_s",
        "degraded_per_year_s",
        "outages_per_year",
        "p_outage_within_horizon",
        "mtbf_h",
        "mttr_h",
        "outage_duration_mean_s",
        "outage_duration_p50_s",
        "outage_duration_p90_s",
        "outage_duration_p99_s",
        "outage_duration_max_s",
        "tier.web.availability",
        "tier.db.availability",
        "failovers_per_year",
        "lost_writes_s_per_year",
    ] {
        assert!(text.contains(&format!(",as written,{m},")), "{m}");
    }
    assert!(text.contains("x,,as written,availability,0.9999,"));
    let c = compare();
    let text = String::from_utf8(csv::summary(&Report::Compare(&c)).unwrap()).unwrap();
    assert!(
        text.contains(",correlated,availability,") && text.contains(",independent,availability,")
    );
    // deterministic bytes
    assert_eq!(
        csv::summary(&Report::Compare(&c)).unwrap(),
        csv::summary(&Report::Compare(&c)).unwrap()
    );
}

#[test]
fn text_run_nines_and_mismatch() {
    let mut r = run("web-and-db", 0.999913);
    let t = text(&Report::Run(&r));
    assert!(t.contains("99.9913% (4.06 nines)"), "{t}");
    assert!(
        t.contains("differs (z = -9.5) because the scenario breaks: independent failures"),
        "{t}"
    );
    assert!(!t.contains("MISMATCH"));
    assert!(t.contains("zone failure"));
    assert!(t.contains("per tier"));
    assert!(t.contains("skipped deploys"));
    r.analytic[1].z = 7.25;
    let t = text(&Report::Run(&r));
    assert!(
        t.contains("MISMATCH: exact model disagrees with the simulation (z = 7.2"),
        "{t}"
    );
}

#[test]
fn text_perfect_run_does_not_panic() {
    let r = perfect("p");
    let t = text(&Report::Run(&r));
    assert!(t.contains("100% (∞ nines)"), "{t}");
    assert!(t.contains("none observed"));
}

#[test]
fn text_sweep_and_compare() {
    let s = sweep();
    let t = text(&Report::Sweep(&s));
    assert_eq!(
        t.lines().filter(|l| l.contains("Markov chain")).count(),
        3,
        "{t}"
    );
    assert!(t.contains("downtime/y") && t.contains("top cause"), "{t}");
    // point 1: availability 0.999 over a year is 8.766 h of downtime
    assert!(t.contains("8.766h"), "{t}");
    assert!(t.contains("zone failure (61%)"), "{t}");
    let c = compare();
    let t = text(&Report::Compare(&c));
    assert!(t.contains("correlation costs × 100"), "{t}");
    let mut c2 = compare();
    c2.independent.availability = crate::results::Estimate {
        mean: 1.0,
        lo: 0.99999,
        hi: 1.0,
    };
    let t = text(&Report::Compare(&c2));
    assert!(t.contains("correlation costs > × 10"), "{t}");
    c2.independent.availability.lo = 1.0;
    assert!(text(&Report::Compare(&c2)).contains("no independent downtime observed"));
}

#[test]
fn check_out_dir_refuses_non_empty() {
    let d = tempfile::tempdir().unwrap();
    assert!(check_out_dir(&d.path().join("new"), false).is_ok());
    assert!(check_out_dir(d.path(), false).is_ok());
    std::fs::write(d.path().join("x"), "1").unwrap();
    assert!(check_out_dir(d.path(), false).is_err());
    assert!(check_out_dir(d.path(), true).is_ok());
    assert!(check_out_dir(&d.path().join("x"), true).is_err());
}

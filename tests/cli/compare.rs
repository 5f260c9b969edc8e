//! `outage compare`: the scenario beside its independent twin.

use super::outage;

const PACKED: &str = r#"
name = "packed"
[simulation]
timelines = 20000
horizon = "1y"
[domains.zone]
count = 3
failure = { mean = "1y" }
repair = { mean = "4h" }
[tiers.web]
instances = 3
required = 2
placement = ["zone-1", "zone-1", "zone-1"]
failure = { mean = "1000h" }
repair = { mean = "10h" }
"#;

#[test]
fn packed_replicas_show_the_correlation_penalty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("packed.toml");
    std::fs::write(&file, PACKED).unwrap();
    let o = outage()
        .args(["compare", "--quiet", "--json", "--out"])
        .arg(dir.path().join("r"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = |side: &str, i: usize| v[side]["availability"]["ci95"][i].as_f64().unwrap();
    // The zone outage (about 4 h a year) is shared by all three: the correlated
    // run is clearly worse, CI against CI.
    assert!(a("correlated", 1) < a("independent", 0));
    for side in ["correlated", "independent"] {
        for key in [
            "availability",
            "downtime_per_year_s",
            "outages_per_year",
            "p_outage_within_horizon",
        ] {
            assert!(v[side].get(key).is_some(), "{side}.{key}");
        }
    }
    assert!(dir.path().join("r/compare.png").exists());

    let o = outage()
        .args(["compare", "--quiet", "--force", "--out"])
        .arg(dir.path().join("r"))
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("correlated") && text.contains("independent"),
        "{text}"
    );
    assert!(text.contains("correlation costs"), "{text}");
}

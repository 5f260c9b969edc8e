//! The binary as a user runs it: exit codes, diagnostics, determinism.

use assert_cmd::Command;
use std::path::Path;

mod breakage;
mod compare;
mod ops;

pub(crate) fn outage() -> Command {
    Command::cargo_bin("outage").expect("binary builds")
}

#[test]
fn bad_scenarios_exit_2_with_position_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (file, pos, needle) in [
        ("tests/fixtures/typo.toml", "typo.toml:2:1", "instances"),
        (
            "tests/fixtures/bare_number.toml",
            "bare_number.toml:3:",
            "unit",
        ),
    ] {
        let out = dir.path().join("r");
        let o = outage()
            .args(["run", file, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{file}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(pos) && err.contains(needle), "{file}: {err}");
        assert!(!out.exists(), "nothing is written for a bad scenario");
    }
}

#[test]
fn missing_file_and_bad_flags_exit_2() {
    let o = outage()
        .args(["run", "no/such/file.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = outage().args(["run", "--bogus"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

fn run_to(dir: &Path, threads: &str) {
    let o = outage()
        .args([
            "run",
            "scenarios/quickstart.toml",
            "--timelines",
            "20000",
            "--quiet",
            "--threads",
            threads,
            "--out",
        ])
        .arg(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn threads_do_not_change_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run_to(&a.path().join("r"), "1");
    run_to(&b.path().join("r"), "2");
    for f in [
        "summary.csv",
        "outage_durations.csv",
        "survival.csv",
        "causes.csv",
        "analytic.csv",
    ] {
        let x = std::fs::read(a.path().join("r").join(f)).unwrap();
        let y = std::fs::read(b.path().join("r").join(f)).unwrap();
        assert_eq!(x, y, "{f} differs between 1 and 2 threads");
    }
    for f in [
        "availability.png",
        "survival.png",
        "outage_durations.png",
        "causes.png",
    ] {
        let len = std::fs::metadata(a.path().join("r").join(f)).unwrap().len();
        assert!(len > 1000, "{f} is empty");
    }
}

#[test]
fn refuses_non_empty_out_dir_without_force() {
    let a = tempfile::tempdir().unwrap();
    std::fs::write(a.path().join("keep.txt"), "x").unwrap();
    let o = outage()
        .args([
            "run",
            "scenarios/quickstart.toml",
            "--timelines",
            "100",
            "--quiet",
            "--out",
        ])
        .arg(a.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_is_one_object_with_contract_keys() {
    let a = tempfile::tempdir().unwrap();
    let o = outage()
        .args([
            "run",
            "scenarios/quickstart.toml",
            "--timelines",
            "2000",
            "--json",
            "--out",
        ])
        .arg(a.path().join("r"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is one JSON object");
    for k in [
        "scenario",
        "availability",
        "downtime_per_year_s",
        "outages_per_year",
        "p_outage_within_horizon",
        "tiers",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
}

//! Running at scale: shards merged as separate processes, Ctrl-C and resume,
//! --assert exit codes.

use super::outage;
use std::path::Path;

const SCENARIO: &str = "scenarios/quickstart.toml";

fn same_report(a: &Path, b: &Path) {
    for entry in std::fs::read_dir(a).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let x = std::fs::read(&p).unwrap();
        let y = std::fs::read(b.join(&name)).unwrap_or_else(|_| panic!("{name} missing"));
        if name == "summary.json" {
            // Run-environment fields (wall time, threads) aside, byte-identical.
            let strip = |v: &[u8]| -> String {
                String::from_utf8_lossy(v)
                    .lines()
                    .filter(|l| !l.contains("\"elapsed_s\"") && !l.contains("\"threads\""))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(strip(&x), strip(&y), "{name}");
        } else {
            assert!(x == y, "{name} differs");
        }
    }
}

#[test]
fn four_shards_merge_to_the_bytes_of_one_run() {
    let d = tempfile::tempdir().unwrap();
    let t = ["--timelines", "30000", "--quiet"];
    let children: Vec<_> = (1..=4)
        .map(|i| {
            std::process::Command::new(env!("CARGO_BIN_EXE_outage"))
                .args(["run", SCENARIO, "--shard", &format!("{i}/4"), "--out"])
                .arg(d.path().join(format!("s{i}")))
                .args(t)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let o = outage()
        .arg("merge")
        .args((1..=4).map(|i| d.path().join(format!("s{i}"))))
        .arg("--out")
        .arg(d.path().join("merged"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = outage()
        .args(["run", SCENARIO, "--threads", "1", "--out"])
        .arg(d.path().join("single"))
        .args(t)
        .output()
        .unwrap();
    assert!(o.status.success());
    same_report(&d.path().join("single"), &d.path().join("merged"));

    // A missing shard, a duplicate, and another seed are refused.
    let merge = |dirs: &[&str], out: &str| {
        outage()
            .arg("merge")
            .args(dirs.iter().map(|s| d.path().join(s)))
            .arg("--out")
            .arg(d.path().join(out))
            .output()
            .unwrap()
    };
    let o = merge(&["s1", "s2", "s4"], "m1");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing"));
    let o = merge(&["s1", "s1", "s2", "s3", "s4"], "m2");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("twice"));
    let o = outage()
        .args(["run", SCENARIO, "--shard", "1/4", "--seed", "9", "--out"])
        .arg(d.path().join("x1"))
        .args(t)
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = merge(&["x1", "s2", "s3", "s4"], "m3");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("different seeds"));
    assert!(!d.path().join("m3").exists());
}

#[cfg(unix)]
#[test]
fn sigint_then_resume_ends_with_the_bytes_of_an_uninterrupted_run() {
    let d = tempfile::tempdir().unwrap();
    let t = ["--timelines", "4000000", "--quiet"];
    let o = outage()
        .args(["run", SCENARIO, "--out"])
        .arg(d.path().join("full"))
        .args(t)
        .output()
        .unwrap();
    assert!(o.status.success());
    let ck = d.path().join("ck");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_outage"))
        .args(["run", SCENARIO, "--out"])
        .arg(d.path().join("resumed"))
        .arg("--checkpoint")
        .arg(&ck)
        .args(t)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first checkpoint, then interrupt.
    let file = ck.join("point-0/checkpoint.txt");
    let t0 = std::time::Instant::now();
    while !file.exists() && t0.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    if o.status.code() == Some(130) {
        assert!(
            err.contains("interrupted") && err.contains("resume"),
            "{err}"
        );
        assert!(!d.path().join("resumed").exists(), "no report after Ctrl-C");
        let o = outage()
            .args(["run", SCENARIO, "--out"])
            .arg(d.path().join("resumed"))
            .arg("--checkpoint")
            .arg(&ck)
            .args(t)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    } else {
        // The run finished before the signal landed: still a valid outcome.
        assert!(o.status.success(), "{err}");
    }
    same_report(&d.path().join("full"), &d.path().join("resumed"));
}

#[test]
fn assert_exits_3_only_when_the_ci_is_on_the_wrong_side() {
    let d = tempfile::tempdir().unwrap();
    let run = |expr: &str, out: &str| {
        outage()
            .args([
                "run",
                SCENARIO,
                "--timelines",
                "20000",
                "--quiet",
                "--assert",
                expr,
                "--out",
            ])
            .arg(d.path().join(out))
            .output()
            .unwrap()
            .status
            .code()
    };
    // The quickstart is about 99.97% available with a 39% chance of an outage a year.
    assert_eq!(run("availability >= 99.9%", "a"), Some(0));
    assert_eq!(run("availability >= 99.99%", "b"), Some(3));
    assert_eq!(run("p_outage_within_horizon <= 0.5", "c"), Some(0));
    assert_eq!(run("p_outage_within_horizon <= 0.1", "d"), Some(3));
    assert_eq!(run("availabilty >= 99%", "e"), Some(2));
    assert!(
        d.path().join("b/summary.json").exists(),
        "the report is written before exit 3"
    );
}

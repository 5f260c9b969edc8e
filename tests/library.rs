//! The scenario library (scenarios/*.toml): every file loads, teaches (opens
//! with comments saying what it shows), is named after its file, is listed
//! in the README table, and simulates a few timelines without trouble.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use outage::engine::{self, RunConfig};
use outage::scenario;

fn library() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_bundled_scenario_loads_teaches_and_is_listed() {
    let files = library();
    assert!(files.len() >= 20, "{} scenario files", files.len());
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for path in &files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let comments = text.lines().take_while(|l| l.starts_with('#')).count();
        assert!(comments >= 3, "{stem}: opens with {comments} comment lines");
        let loaded =
            scenario::load(path, &[]).unwrap_or_else(|d| panic!("{stem} does not load: {d:?}"));
        assert_eq!(loaded.scenario.name, stem);
        assert!(
            readme.contains(&format!("`{stem}`")),
            "{stem} not in README"
        );
    }
}

#[test]
fn every_bundled_scenario_simulates() {
    let cancel = AtomicBool::new(false);
    for path in library() {
        let loaded = scenario::load(&path, &[]).unwrap();
        let mut runs = vec![loaded.scenario];
        if let Some(sw) = loaded.sweep {
            runs.extend(sw.points.into_iter().map(|(_, s)| s));
        }
        for s in &runs {
            let cfg = RunConfig {
                seed: s.simulation.seed,
                start: 0,
                end: 50,
            };
            assert!(
                engine::run(s, &cfg, &|_| {}, &cancel).is_some(),
                "{}",
                path.display()
            );
        }
    }
}

//! Twenty-plus kinds of broken scenario through the binary: each gets exit status
//! 2, `file:line:column`, a useful message, no panic, and nothing written.

use super::outage;

/// (name, file content, expected position, words the message must contain)
const CASES: &[(&str, &[u8], &str, &str)] = &[
    ("bad_percent", b"[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n[tiers.web.failover]\ncoverage = \"95 %%\"\n", "bad_percent.toml:7:12", "not a probability"),
    ("bad_strategy", b"[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n[[deploys]]\ntiers = [\"web\"]\nevery = { mean = \"7d\" }\nstrategy = \"blue-green\"\n", "bad_strategy.toml:9:12", "unknown strategy"),
    ("bare_number", b"[tiers.web]\ninstances = 3\nfailure = { mean = 1000 }\nrepair = { mean = \"10h\" }\n", "bare_number.toml:3:20", "bare number"),
    ("binary", b"\x00\xff\xfe\x89PNG\r\n\x1a\n\x00garbage\xc3(", "binary.toml:1:2", "UTF-8"),
    ("deploy_unknown_tier", b"[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n[[deploys]]\ntiers = [\"api\"]\nevery = { mean = \"7d\" }\n", "deploy_unknown_tier.toml:7:10", "no tier `api`"),
    ("duplicate_key", b"[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\ninstances = 4\n", "duplicate_key.toml:6:1", "duplicate key"),
    ("empirical_empty", b"[tiers.web]\ninstances = 3\nfailure = { mean = \"1000h\" }\nrepair = { distribution = \"empirical\", samples = [] }\n", "empirical_empty.toml:4:50", "at least one sample"),
    ("empty", b"\n", "empty.toml:1:1", "no tiers"),
    ("huge_instances", b"[tiers.web]\ninstances = 4000000000\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "huge_instances.toml:2:13", "limit"),
    ("huge_int", b"[simulation]\ntimelines = 99999999999999999999999\n[tiers.web]\ninstances = 3\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "huge_int.toml:2:13", "too large"),
    ("load_and_required", b"[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\nload = \"210%\"\n", "load_and_required.toml:6:8", "not both"),
    ("missing_param", b"[tiers.web]\ninstances = 3\nfailure = { distribution = \"weibull\", mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "missing_param.toml:3:11", "needs `shape`"),
    ("missing_repair", b"[tiers.web]\ninstances = 3\nfailure = { mean = \"1000h\" }\n", "missing_repair.toml:3:11", "no `repair`"),
    ("nan", b"[tiers.web]\ninstances = 3\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n[tiers.web.common_cause]\nbeta = nan\n", "nan.toml:6:8", "NaN"),
    ("negative_crews", b"[simulation]\nrepair_crews = -1\n[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "negative_crews.toml:2:16", "at least 1"),
    ("negative_mean", b"[tiers.web]\ninstances = 3\nfailure = { mean = \"-5h\" }\nrepair = { mean = \"10h\" }\n", "negative_mean.toml:3:20", "negative"),
    ("no_tiers", b"[simulation]\ntimelines = 1000\n", "no_tiers.toml:1:1", "no tiers"),
    ("parent_cycle", b"[domains.a]\nparent = \"b\"\ncount = 2\n[domains.b]\nparent = \"a\"\ncount = 2\n[tiers.web]\ninstances = 3\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "parent_cycle.toml:2:10", "cycle"),
    ("placement_missing", b"[domains.zone]\ncount = 2\nfailure = { mean = \"1y\" }\nrepair = \"4h\"\n[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\nplacement = [\"zone-1\", \"zone-3\", \"zone-2\"]\n", "placement_missing.toml:10:24", "no domain `zone-3`"),
    ("prob_range", b"[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n[tiers.web.failover]\ncoverage = 1.5\n", "prob_range.toml:7:12", "[0, 1]"),
    ("required_gt", b"[tiers.web]\ninstances = 3\nrequired = 4\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "required_gt.toml:3:12", "more than instances"),
    ("sweep_bad_path", b"[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n[sweep]\nparameter = \"tiers.db.instances\"\nvalues = [1, 2]\n", "sweep_bad_path.toml:7:13", "no key `db`"),
    ("syntax", b"[tiers.web\ninstances = 3\n", "syntax.toml:1:11", "invalid TOML"),
    ("uniform_reversed", b"[tiers.web]\ninstances = 3\nfailure = { mean = \"1000h\" }\nrepair = { distribution = \"uniform\", min = \"2h\", max = \"1h\" }\n", "uniform_reversed.toml:4:44", "min must be <= max"),
    ("unknown_dist", b"[tiers.web]\ninstances = 3\nfailure = { distribution = \"weibul\", shape = 2, mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "unknown_dist.toml:3:28", "unknown distribution"),
    ("unknown_key", b"[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\nreplicas = 4\n", "unknown_key.toml:6:1", "unknown key `replicas`"),
    ("unknown_unit", b"[tiers.web]\ninstances = 3\nfailure = { mean = \"1000hours\" }\nrepair = { mean = \"10h\" }\n", "unknown_unit.toml:3:20", "needs a unit"),
    ("wrong_type", b"[tiers.web]\ninstances = \"three\"\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "wrong_type.toml:2:13", "must be an integer"),
    ("zero_horizon", b"[simulation]\nhorizon = \"0s\"\n[tiers.web]\ninstances = 3\nrequired = 2\nfailure = { mean = \"1000h\" }\nrepair = { mean = \"10h\" }\n", "zero_horizon.toml:2:11", "must be > 0"),
    ("zero_mean", b"[tiers.web]\ninstances = 3\nfailure = { mean = \"0h\" }\nrepair = { mean = \"10h\" }\n", "zero_mean.toml:3:20", "must be > 0"),
];

#[test]
fn every_breakage_exits_2_with_position_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(CASES.len() >= 20);
    for (name, text, pos, needle) in CASES {
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join(format!("out-{name}"));
        for cmd in ["run", "check", "compare"] {
            let mut c = outage();
            c.current_dir(dir.path())
                .arg(cmd)
                .arg(format!("{name}.toml"));
            if cmd != "check" {
                c.arg("--out").arg(&out);
            }
            let o = c.output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{cmd} {name}: {err}");
            assert!(err.contains(pos), "{cmd} {name}: expected {pos} in {err}");
            assert!(
                err.contains(needle),
                "{cmd} {name}: expected `{needle}` in {err}"
            );
            assert!(!err.contains("panicked"), "{cmd} {name}: {err}");
            assert!(o.stdout.is_empty(), "{cmd} {name}: nothing on stdout");
            assert!(!out.exists(), "{cmd} {name}: nothing is written");
        }
    }
}

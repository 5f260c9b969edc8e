use super::*;
use crate::model::*;

const FULL: &str = r#"
name = "web-and-db"
description = "Two tiers in three zones"

[simulation]
timelines = 100_000
horizon = "2y"
seed = 7
repair_crews = 2
method = "importance"

[domains.rack]
parent = "zone"
count = 2
failure = { distribution = "weibull", shape = 1.5, mean = "5y" }
repair = "2h"

[domains.zone]
count = 3
failure = { mean = "2y" }
repair = { mean = "4h" }

[tiers.web]
instances = 4
load = "210%"
placement = "rack"
failure = { distribution = "weibull", shape = 0.8, mean = "30d" }
repair = { distribution = "lognormal", median = "5m", sigma = 1.2 }

[tiers.web.common_cause]
beta = 0.05

[tiers.web.overload]
failure_multiplier = 5

[tiers.db]
instances = 2
mode = "active-passive"
placement = ["zone-1", "zone-2/rack-2"]
failure = { distribution = "gamma", shape = 2, mean = "10d" }
repair = { distribution = "uniform", min = "1h", max = "3h" }

[tiers.db.common_cause]
every = { mean = "2y" }
repair = { distribution = "fixed", value = "30m" }

[tiers.db.failover]
detection = "30s"
coverage = "90%"
switchover = "1m"
manual_recovery = "30m"
standby = "warm"
warm_factor = 0.2
standby_monitoring = false
replication_lag = { mean = "2s" }
false_alarm = { mean = "60d" }

[[deploys]]
tiers = ["web"]
every = { mean = "7d" }
bad_probability = 0.02
strategy = "canary"
bake = "30m"
detect = { mean = "15m" }
rollback = "10m"

[[maintenance]]
tiers = ["db"]
every = "30d"
duration = { distribution = "empirical", samples = ["4m", "12m", "2h"] }
"#;

fn ok(text: &str) -> Loaded {
    match load_str("s.toml", text, &[]) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    }
}

fn errs(text: &str) -> Vec<Diagnostic> {
    errs_set(text, &[])
}

fn errs_set(text: &str, set: &[&str]) -> Vec<Diagnostic> {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    match load_str("s.toml", text, &set) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(d) => d.0,
    }
}

/// The single error: (line, column, message, help).
fn one(text: &str) -> (usize, usize, String, String) {
    let e = errs(text);
    assert_eq!(e.len(), 1, "{}", Diagnostics(e.clone()));
    let d = &e[0];
    (
        d.line.unwrap_or(0),
        d.column.unwrap_or(0),
        d.message.clone(),
        d.help.clone().unwrap_or_default(),
    )
}

const WEB: &str = "[tiers.web]\ninstances = 2\n";

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn loads_every_feature() {
    let s = ok(FULL).scenario;
    assert_eq!(s.name, "web-and-db");
    assert_eq!(s.description.as_deref(), Some("Two tiers in three zones"));
    assert_eq!(s.simulation.timelines, 100_000);
    assert_eq!(s.simulation.horizon, 2.0 * YEAR);
    assert_eq!(s.simulation.seed, 7);
    assert_eq!(s.simulation.repair_crews, Some(2));
    assert_eq!(s.simulation.method, Method::Importance);
    // Levels: parents first although rack is written first.
    assert_eq!(s.levels[0].name, "zone");
    assert_eq!(s.levels[1].parent, Some(0));
    assert_eq!(
        s.levels[0].failure,
        Some(Dist::Exponential { mean: 2.0 * YEAR })
    );
    assert_eq!(s.domains.len(), 9);
    assert_eq!(s.domains[3].name, "zone-1/rack-1");
    assert_eq!(s.domains[4].name, "zone-1/rack-2");
    assert_eq!(s.domains[3].parent, Some(0));
    let Some(Dist::Weibull { shape, scale }) = s.levels[1].failure else {
        panic!()
    };
    assert_eq!(shape, 1.5);
    assert!(close(scale * gamma_fn(1.0 + 1.0 / 1.5), 5.0 * YEAR));
    let web = &s.tiers[0];
    assert_eq!(web.load, Some(2.1));
    assert_eq!(web.required, 3);
    let names: Vec<&str> = web
        .placement
        .iter()
        .map(|p| s.domains[p.unwrap()].name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "zone-1/rack-1",
            "zone-2/rack-1",
            "zone-3/rack-1",
            "zone-1/rack-2"
        ]
    );
    let Some(Dist::LogNormal { mu, sigma }) = web.repair else {
        panic!()
    };
    assert!(close(mu.exp(), 300.0));
    assert!(close(
        web.repair.as_ref().unwrap().mean(),
        300.0 * (0.72f64).exp()
    ));
    assert_eq!(sigma, 1.2);
    assert!(close(web.failure.as_ref().unwrap().mean(), 30.0 * DAY));
    let cc = web.common_cause.as_ref().unwrap();
    assert_eq!(cc.beta, Some(0.05));
    assert!(close(cc.every.mean(), 30.0 * DAY / 0.05));
    assert_eq!(cc.repair, web.repair.clone().unwrap());
    assert_eq!(web.overload_multiplier, Some(5.0));
    assert!(web.failover.is_trivial());
    let db = &s.tiers[1];
    assert_eq!(db.mode, Mode::ActivePassive);
    assert_eq!(db.required, 1);
    assert_eq!(db.placement, vec![Some(0), Some(4 + 2)]);
    assert_eq!(s.domains[6].name, "zone-2/rack-2");
    assert_eq!(
        db.failure,
        Some(Dist::Gamma {
            shape: 2.0,
            scale: 5.0 * DAY
        })
    );
    assert_eq!(
        db.repair,
        Some(Dist::Uniform {
            min: 3600.0,
            max: 10800.0
        })
    );
    let cc = db.common_cause.as_ref().unwrap();
    assert_eq!(
        (cc.beta, cc.every.clone(), cc.repair.clone()),
        (
            None,
            Dist::Exponential { mean: 2.0 * YEAR },
            Dist::Fixed(1800.0)
        )
    );
    let f = &db.failover;
    assert_eq!(f.detection, Dist::Fixed(30.0));
    assert_eq!(f.coverage, 0.9);
    assert_eq!(f.switchover, Dist::Fixed(60.0));
    assert_eq!(f.manual_recovery, Some(Dist::Fixed(1800.0)));
    assert_eq!(
        (f.standby, f.warm_factor, f.standby_monitoring),
        (Standby::Warm, 0.2, false)
    );
    assert_eq!(f.replication_lag, Some(Dist::Exponential { mean: 2.0 }));
    assert_eq!(f.false_alarm, Some(Dist::Exponential { mean: 60.0 * DAY }));
    let d = &s.deploys[0];
    assert_eq!(d.tiers, vec![0]);
    assert_eq!(d.every, Dist::Exponential { mean: 7.0 * DAY });
    assert_eq!(d.bad_probability, 0.02);
    assert_eq!(
        d.strategy,
        Strategy::Canary {
            canary: 1,
            bake: Dist::Fixed(1800.0),
            batch: None
        }
    );
    assert_eq!(
        (d.step.clone(), d.detect.clone(), d.rollback.clone()),
        (
            Dist::Fixed(0.0),
            Dist::Exponential { mean: 900.0 },
            Dist::Fixed(600.0)
        )
    );
    let m = &s.maintenance[0];
    assert_eq!(
        (m.tiers.clone(), m.every.clone(), m.rolling),
        (vec![1], Dist::Fixed(30.0 * DAY), true)
    );
    assert_eq!(m.duration, Dist::Empirical(vec![240.0, 720.0, 7200.0]));
}

#[test]
fn defaults() {
    let s = ok(WEB).scenario;
    assert_eq!(s.name, "s");
    assert_eq!(
        s.simulation,
        Simulation {
            timelines: 100_000,
            horizon: YEAR,
            seed: 1,
            repair_crews: None,
            method: Method::Plain
        }
    );
    let t = &s.tiers[0];
    assert_eq!(
        (t.required, t.load, t.mode, t.failure.clone()),
        (1, None, Mode::ActiveActive, None)
    );
    assert_eq!(t.placement, vec![None, None]);
    assert_eq!(t.failover, Failover::default());
    let d = ok("[tiers.a]\ninstances = 1\n[[deploys]]\ntiers = [\"a\"]\nevery = \"7d\"\n")
        .scenario
        .deploys[0]
        .clone();
    assert_eq!(d.strategy, Strategy::Rolling { batch: 1 });
    assert_eq!(d.bad_probability, 0.0);
    assert_eq!(
        load_str("dir/my-file.toml", WEB, &[])
            .unwrap()
            .scenario
            .name,
        "my-file"
    );
}

#[test]
fn load_percent_and_noise() {
    let t = |load: &str| {
        ok(&format!("[tiers.w]\ninstances = 5\nload = {load}\n"))
            .scenario
            .tiers[0]
            .required
    };
    assert_eq!(t("2.0000000001"), 2);
    assert_eq!(t("2.01"), 3);
    assert_eq!(t("\"150%\""), 2);
    assert_eq!(t("0.5"), 1);
    let s = ok("[tiers.w]\ninstances = 2\nfailure = { mean = \"1d\" }\nrepair = \"1h\"\n[tiers.w.failover]\ncoverage = \"99.5%\"\n");
    assert!(close(s.scenario.tiers[0].failover.coverage, 0.995));
}

#[test]
fn distribution_forms() {
    let d = |v: &str| {
        ok(&format!(
            "[tiers.w]\ninstances = 1\nfailure = {v}\nrepair = \"1h\"\n"
        ))
        .scenario
        .tiers[0]
            .failure
            .clone()
            .unwrap()
    };
    assert_eq!(d("\"10h\""), Dist::Fixed(36_000.0));
    assert_eq!(
        d("{ mean = \"10h\" }"),
        Dist::Exponential { mean: 36_000.0 }
    );
    assert_eq!(
        d("{ distribution = \"weibull\", shape = 2, scale = \"1h\" }"),
        Dist::Weibull {
            shape: 2.0,
            scale: 3600.0
        }
    );
    let Dist::LogNormal { mu, sigma } =
        d("{ distribution = \"lognormal\", mean = \"1h\", sigma = 0.5 }")
    else {
        panic!()
    };
    assert!(close(Dist::LogNormal { mu, sigma }.mean(), 3600.0));
}

#[test]
fn overrides_apply() {
    let set = |s: &[&str]| {
        let v: Vec<String> = s.iter().map(|x| x.to_string()).collect();
        load_str("s.toml", WEB, &v).unwrap().scenario
    };
    let s = set(&[
        "tiers.web.instances=4",
        "simulation.horizon=2y",
        "simulation.seed=9",
    ]);
    assert_eq!(
        (
            s.tiers[0].instances,
            s.simulation.horizon,
            s.simulation.seed
        ),
        (4, 2.0 * YEAR, 9)
    );
    assert_eq!(
        set(&["simulation.horizon=\"3d\""]).simulation.horizon,
        3.0 * DAY
    );
    assert_eq!(
        set(&["tiers.web.failure={ mean = \"1d\" }", "tiers.web.repair=1h"]).tiers[0].repair,
        Some(Dist::Fixed(3600.0))
    );
}

#[test]
fn sweeps() {
    let text = format!("{WEB}[sweep]\nparameter = \"tiers.web.instances\"\nvalues = [1, 2, 3]\n");
    let sw = ok(&text).sweep.unwrap();
    assert_eq!(sw.parameter, "tiers.web.instances");
    let n: Vec<(f64, u32)> = sw
        .points
        .iter()
        .map(|(v, s)| (*v, s.tiers[0].instances))
        .collect();
    assert_eq!(n, [(1.0, 1), (2.0, 2), (3.0, 3)]);
    let text = "[tiers.w]\ninstances = 2\nfailure = { mean = \"1d\" }\nrepair = \"1h\"\n[tiers.w.failover]\ncoverage = 0.5\n[sweep]\nparameter = \"tiers.w.failover.coverage\"\nfrom = 0.5\nto = 1.0\nsteps = 11\n";
    let sw = ok(text).sweep.unwrap();
    assert_eq!(sw.points.len(), 11);
    assert!(close(sw.points[1].1.tiers[0].failover.coverage, 0.55));
    assert_eq!(sw.points[10].0, 1.0);
    let text = "[simulation]\ntimelines = 10\n[tiers.w]\ninstances = 1\n[sweep]\nparameter = \"simulation.timelines\"\nfrom = 10\nto = 1000\nsteps = 3\nscale = \"log\"\n";
    let t: Vec<u64> = ok(text)
        .sweep
        .unwrap()
        .points
        .iter()
        .map(|p| p.1.simulation.timelines)
        .collect();
    assert_eq!(t, [10, 100, 1000]);
}

#[test]
fn renders_like_the_contract() {
    let e = errs("[tiers.web]\ninstaces = 3\n");
    let text = e
        .iter()
        .find(|d| d.message.contains("instaces"))
        .unwrap()
        .to_string();
    assert_eq!(
        text,
        "error: s.toml:2:1: unknown key `instaces` in [tiers.web]\n  |\n2 | instaces = 3\n  | ^\n  = help: did you mean `instances`?"
    );
}

// ---- breakage: each asserts message and position ----

#[test]
fn syntax_error() {
    let (l, c, m, _) = one("[tiers.web]\ninstances = = 3\n");
    assert_eq!((l, c), (2, 13));
    assert!(m.starts_with("invalid TOML"), "{m}");
}

#[test]
fn unknown_key_with_suggestion() {
    let e = errs("[simulation]\ntimeline = 5\n[tiers.web]\ninstances = 2\n");
    assert_eq!((e[0].line, e[0].column), (Some(2), Some(1)));
    assert_eq!(e[0].message, "unknown key `timeline` in [simulation]");
    assert_eq!(e[0].help.as_deref(), Some("did you mean `timelines`?"));
}

#[test]
fn unknown_key_in_nested_table() {
    let (l, c, m, h) = one(&format!("{WEB}[tiers.web.failover]\ncoverge = 0.9\n"));
    assert_eq!((l, c), (4, 1));
    assert_eq!(m, "unknown key `coverge` in [tiers.web.failover]");
    assert_eq!(h, "did you mean `coverage`?");
    let (l, c, m, h) =
        one("[tiers.w]\ninstances = 1\nfailure = { mean = \"1d\", shap = 2 }\nrepair = \"1h\"\n");
    assert_eq!((l, c), (3, 26));
    assert_eq!(m, "unknown key `shap` in tiers.w.failure (exponential)");
    assert_eq!(h, "expected one of: distribution, mean");
}

#[test]
fn bare_number_duration() {
    let (l, c, m, h) = one(&format!("[simulation]\nhorizon = 10\n{WEB}"));
    assert_eq!((l, c), (2, 11));
    assert_eq!(m, "simulation.horizon: a bare number is not a duration");
    assert!(h.contains("ms, s, m (minutes), h, d, w, y"), "{h}");
}

#[test]
fn unknown_unit() {
    let (l, c, m, _) = one(&format!("[simulation]\nhorizon = \"10x\"\n{WEB}"));
    assert_eq!((l, c), (2, 11));
    assert!(
        m.starts_with("simulation.horizon: `10x` has no known unit"),
        "{m}"
    );
}

fn fail_dist(d: &str) -> (usize, usize, String, String) {
    one(&format!(
        "[tiers.w]\ninstances = 1\nfailure = {d}\nrepair = \"1h\"\n"
    ))
}

#[test]
fn negative_mean() {
    let (l, c, m, _) = fail_dist("{ mean = \"-1h\" }");
    assert_eq!((l, c), (3, 20));
    assert_eq!(
        m,
        "tiers.w.failure.mean: `-1h` is negative; durations are >= 0"
    );
}

#[test]
fn zero_mean() {
    let (l, c, m, _) = fail_dist("{ mean = \"0s\" }");
    assert_eq!((l, c), (3, 20));
    assert_eq!(m, "tiers.w.failure.mean must be > 0");
}

#[test]
fn nan_and_inf() {
    let (l, c, m, _) = fail_dist("{ distribution = \"weibull\", shape = nan, scale = \"1h\" }");
    assert_eq!((l, c), (3, 47));
    assert_eq!(
        m,
        "tiers.w.failure.shape must be a finite number, found NaN"
    );
    let (l, c, m, _) = fail_dist("{ distribution = \"weibull\", shape = inf, scale = \"1h\" }");
    assert_eq!((l, c), (3, 47));
    assert_eq!(
        m,
        "tiers.w.failure.shape must be a finite number, found inf"
    );
    let (_, _, m, _) = one(&format!("{WEB}load = -inf\n"));
    assert_eq!(m, "tiers.web.load must be a finite number, found -inf");
}

#[test]
fn required_more_than_instances() {
    let (l, c, m, _) = one("[tiers.web]\ninstances = 2\nrequired = 3\n");
    assert_eq!((l, c), (3, 12));
    assert_eq!(m, "[tiers.web]: required = 3 is more than instances = 2");
    let (_, _, m, _) = one("[tiers.web]\ninstances = 2\nload = \"210%\"\n");
    assert_eq!(
        m,
        "[tiers.web]: load 2.1 needs 3 instances but there are only 2"
    );
}

#[test]
fn unknown_distribution() {
    let (l, c, m, h) = fail_dist("{ distribution = \"weibul\", shape = 1, mean = \"1h\" }");
    assert_eq!((l, c), (3, 28));
    assert_eq!(m, "tiers.w.failure: unknown distribution `weibul`");
    assert_eq!(h, "did you mean `weibull`?");
}

#[test]
fn missing_parameter() {
    let (l, c, m, _) = fail_dist("{ distribution = \"weibull\", shape = 1 }");
    assert_eq!((l, c), (3, 11));
    assert_eq!(
        m,
        "tiers.w.failure (weibull) needs one of `scale` or `mean`"
    );
}

#[test]
fn both_scale_and_mean() {
    let (l, c, m, _) =
        fail_dist("{ distribution = \"weibull\", shape = 1, scale = \"1h\", mean = \"1h\" }");
    assert_eq!((l, c), (3, 71));
    assert_eq!(
        m,
        "tiers.w.failure (weibull): give either `scale` or `mean`, not both"
    );
}

#[test]
fn empty_file() {
    let e = errs("");
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].line, e[0].column), (Some(1), Some(1)));
    assert_eq!(e[0].message, "no tiers: a scenario needs at least one tier");
    assert_eq!(e[0].to_string(), "error: s.toml:1:1: no tiers: a scenario needs at least one tier\n  = help: add a table like [tiers.web] with instances = 2");
}

#[test]
fn binary_garbage() {
    let (l, c, m, _) = one("\u{0}\u{1}\u{7f}PK\u{3}\u{4}\u{14}");
    assert_eq!((l, c), (1, 9));
    assert!(m.starts_with("invalid TOML"), "{m}");
    let e = load_bytes("b.toml", b"[tiers.web]\ninstances = \xff\xfe\n", &[])
        .unwrap_err()
        .0;
    assert_eq!((e[0].line, e[0].column), (Some(2), Some(13)));
    assert_eq!(e[0].message, "the file is not valid UTF-8 text (byte 24)");
}

#[test]
fn huge_integer() {
    let e = errs("[simulation]\ntimelines = 99999999999999999999999\n[tiers.w]\ninstances = 1\n");
    assert_eq!((e[0].line, e[0].column), (Some(2), Some(13)));
    let (l, c, m, _) =
        one("[simulation]\ntimelines = 9223372036854775807\n[tiers.w]\ninstances = 1\n");
    assert_eq!((l, c), (2, 13));
    assert_eq!(m, "simulation.timelines = 9223372036854775807 is unreasonably large; the limit is 10000000000");
    let (_, _, m, _) = one("[tiers.w]\ninstances = 2000000\n");
    assert_eq!(
        m,
        "tiers.w.instances = 2000000 is unreasonably large; the limit is 1000000"
    );
    let (_, _, m, _) = one("[domains.a]\ncount = 1000\n[domains.b]\nparent = \"a\"\ncount = 1001\n[tiers.w]\ninstances = 1\n");
    assert_eq!(
        m,
        "the domain levels expand to 1002000 concrete domains; the limit is 1000000"
    );
}

#[test]
fn wrong_type() {
    let (l, c, m, _) = one("[tiers.web]\ninstances = \"3\"\n");
    assert_eq!((l, c), (2, 13));
    assert_eq!(m, "tiers.web.instances must be an integer, found a string");
}

#[test]
fn probability_above_one() {
    let (l, c, m, _) = one(&format!(
        "{WEB}[[deploys]]\ntiers = [\"web\"]\nevery = \"7d\"\nbad_probability = 1.5\n"
    ));
    assert_eq!((l, c), (6, 19));
    assert_eq!(
        m,
        "[[deploys]] #1 bad_probability must be a probability in [0, 1] (0% to 100%), found 1.5"
    );
}

#[test]
fn bad_percent() {
    let (l, c, m, h) = one(&format!(
        "{WEB}[tiers.web.failover]\ncoverage = \"90 percent\"\n"
    ));
    assert_eq!((l, c), (4, 12));
    assert_eq!(
        m,
        "tiers.web.failover.coverage: `90 percent` is not a probability"
    );
    assert!(h.contains("\"99.5%\""));
    let (_, _, m, _) = one(&format!("{WEB}[tiers.web.failover]\ncoverage = \"150%\"\n"));
    assert_eq!(
        m,
        "tiers.web.failover.coverage must be a probability in [0, 1] (0% to 100%), found 1.5"
    );
}

#[test]
fn placement_to_missing_domain() {
    let (l, c, m, h) = one("[domains.zone]\ncount = 2\n[tiers.w]\ninstances = 2\nplacement = [\"zone-1\", \"zone-3\"]\n");
    assert_eq!((l, c), (5, 24));
    assert_eq!(m, "tiers.w.placement: there is no domain `zone-3`");
    assert!(h.starts_with("did you mean"), "{h}");
    let (l, c, m, h) =
        one("[domains.zone]\ncount = 2\n[tiers.w]\ninstances = 2\nplacement = \"zon\"\n");
    assert_eq!((l, c), (5, 13));
    assert_eq!(m, "tiers.w.placement: there is no domain level `zon`");
    assert_eq!(h, "did you mean `zone`?");
}

#[test]
fn parent_cycle() {
    let (l, c, m, _) =
        one("[domains.a]\nparent = \"b\"\n[domains.b]\nparent = \"a\"\n[tiers.w]\ninstances = 1\n");
    assert_eq!((l, c), (2, 10));
    assert_eq!(
        m,
        "domain levels form a cycle through `parent`: a -> b -> a"
    );
}

#[test]
fn unknown_parent() {
    let (l, c, m, h) =
        one("[domains.zone]\n[domains.rack]\nparent = \"zones\"\n[tiers.w]\ninstances = 1\n");
    assert_eq!((l, c), (3, 10));
    assert_eq!(m, "domains.rack.parent: there is no domain level `zones`");
    assert_eq!(h, "did you mean `zone`?");
}

#[test]
fn deploy_unknown_tier() {
    let (l, c, m, h) = one(&format!(
        "{WEB}[[deploys]]\ntiers = [\"wbe\"]\nevery = \"7d\"\n"
    ));
    assert_eq!((l, c), (4, 10));
    assert_eq!(m, "[[deploys]] #1: there is no tier `wbe`");
    assert_eq!(h, "did you mean `web`?");
}

#[test]
fn explicit_placement_wrong_length() {
    let (l, c, m, _) = one("[domains.zone]\ncount = 2\n[tiers.w]\ninstances = 3\nplacement = [\"zone-1\", \"zone-2\"]\n");
    assert_eq!((l, c), (5, 13));
    assert_eq!(
        m,
        "tiers.w.placement lists 2 domains but the tier has 3 instances; give one per instance"
    );
}

#[test]
fn common_cause_beta_and_every() {
    let (l, c, m, _) = one("[tiers.w]\ninstances = 2\nfailure = \"1d\"\nrepair = \"1h\"\n[tiers.w.common_cause]\nbeta = 0.1\nevery = \"1y\"\n");
    assert_eq!((l, c), (7, 9));
    assert_eq!(
        m,
        "[tiers.w.common_cause]: give either `beta` or `every`, not both"
    );
}

#[test]
fn beta_without_failure() {
    let (l, c, m, _) =
        one("[tiers.w]\ninstances = 2\n[tiers.w.common_cause]\nbeta = 0.1\nrepair = \"1h\"\n");
    assert_eq!((l, c), (4, 8));
    assert_eq!(
        m,
        "tiers.w.common_cause.beta: the beta factor needs the tier's `failure` distribution"
    );
}

#[test]
fn many_errors_together() {
    let e = errs("[simulation]\nhorizon = 5\nseed = -1\n[tiers.web]\ninstaces = 3\n[tiers.db]\ninstances = 0\n");
    let at: Vec<(Option<usize>, Option<usize>)> = e.iter().map(|d| (d.line, d.column)).collect();
    assert!(at.contains(&(Some(2), Some(11))), "{at:?}");
    assert!(at.contains(&(Some(3), Some(8))), "{at:?}");
    assert!(at.contains(&(Some(5), Some(1))), "{at:?}");
    assert!(at.contains(&(Some(7), Some(13))), "{at:?}");
    assert!(e.len() >= 5, "{}", Diagnostics(e.clone()));
}

#[test]
fn bad_override() {
    let e = errs_set(WEB, &["tiers.web.instances=abc"]);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].file, "--set tiers.web.instances=abc");
    assert_eq!(e[0].line, None);
    assert_eq!(
        e[0].message,
        "tiers.web.instances must be an integer, found a string"
    );
    let e = errs_set(WEB, &["tiers.web.instances"]);
    assert_eq!(e[0].to_string(), "error: --set tiers.web.instances: expected PATH=VALUE\n  = help: e.g. --set tiers.web.instances=4 or --set simulation.horizon=2y");
    let e = errs_set(WEB, &["tiers.web.instances.x=1"]);
    assert_eq!(
        e[0].message,
        "`tiers.web.instances` is an integer, not a table"
    );
}

#[test]
fn sweep_over_missing_key() {
    let (l, c, m, h) = one(&format!(
        "{WEB}[sweep]\nparameter = \"tiers.web.instance\"\nvalues = [1, 2]\n"
    ));
    assert_eq!((l, c), (4, 13));
    assert_eq!(
        m,
        "sweep.parameter `tiers.web.instance`: there is no key `instance` in `tiers.web`"
    );
    assert_eq!(h, "did you mean `instances`?");
}

#[test]
fn sweep_point_error_names_value() {
    let (l, c, m, _) = one("[tiers.web]\ninstances = 3\nrequired = 2\n[sweep]\nparameter = \"tiers.web.instances\"\nvalues = [2, 1]\n");
    assert_eq!((l, c), (3, 12));
    assert_eq!(
        m,
        "sweep point tiers.web.instances = 1: [tiers.web]: required = 2 is more than instances = 1"
    );
}

#[test]
fn repair_required_with_failure() {
    let (l, c, m, _) = one("[tiers.w]\ninstances = 1\nfailure = \"1d\"\n");
    assert_eq!((l, c), (3, 11));
    assert_eq!(m, "[tiers.w] has a `failure` but no `repair`");
}

#[test]
fn required_and_load_both() {
    let (l, c, m, _) = one("[tiers.w]\ninstances = 3\nrequired = 2\nload = 2\n");
    assert_eq!((l, c), (4, 8));
    assert_eq!(m, "[tiers.w]: give either `required` or `load`, not both");
}

#[test]
fn uniform_min_above_max() {
    let (l, c, m, _) = fail_dist("{ distribution = \"uniform\", min = \"2h\", max = \"1h\" }");
    assert_eq!((l, c), (3, 45));
    assert_eq!(m, "tiers.w.failure (uniform): min must be <= max");
}

#[test]
fn bad_strategy_and_mode() {
    let (_, _, m, h) = one(&format!(
        "{WEB}[[deploys]]\ntiers = [\"web\"]\nevery = \"7d\"\nstrategy = \"roling\"\n"
    ));
    assert_eq!(m, "[[deploys]] #1: unknown strategy `roling`");
    assert_eq!(h, "did you mean `rolling`?");
    let (_, _, m, _) = one("[tiers.w]\ninstances = 1\nmode = \"active-pasive\"\n");
    assert_eq!(m, "tiers.w.mode: unknown mode `active-pasive`");
}

#[test]
fn warm_factor_out_of_range() {
    let (l, c, m, _) = one(&format!("{WEB}[tiers.web.failover]\nwarm_factor = 1.5\n"));
    assert_eq!((l, c), (4, 15));
    assert_eq!(
        m,
        "tiers.web.failover.warm_factor must be in [0, 1], found 1.5"
    );
}

#[test]
fn common_cause_without_repair() {
    let (_, _, m, _) = one("[tiers.w]\ninstances = 2\n[tiers.w.common_cause]\nevery = \"1y\"\n");
    assert_eq!(m, "[tiers.w.common_cause] needs `repair`");
}

#[test]
fn io_error() {
    let e = load(std::path::Path::new("/nonexistent/x.toml"), &[])
        .unwrap_err()
        .0;
    assert_eq!(
        (e[0].file.as_str(), e[0].line),
        ("/nonexistent/x.toml", None)
    );
    assert!(e[0].message.starts_with("cannot read the scenario"));
}

#[test]
fn odd_inputs_never_panic() {
    let cases = [
        "tiers = 5",
        "[[tiers]]\ninstances = 1",
        "deploys = 3\n[tiers.w]\ninstances = 1",
        "[tiers.w]\ninstances = 1\nplacement = \"zone\"",
        "[tiers.w]\ninstances = 1\nplacement = []",
        "[tiers.w]\ninstances = 1\n[sweep]\nparameter = \"name\"\nvalues = [1]",
        "[tiers.w]\ninstances = 1\n[sweep]\nparameter = \"tiers.w.instances\"\nvalues = [0, 1.5, nan]",
        "[tiers.w]\ninstances = 1\n[sweep]\nparameter = \"tiers.w.instances\"\nfrom = 1\nto = 3\nsteps = 0",
        "[domains.a]\nparent = \"a\"\n[tiers.w]\ninstances = 1",
        "[domains.a]\nparent = \"b\"\n[domains.b]\nparent = \"c\"\n[domains.c]\nparent = \"b\"\n[tiers.w]\ninstances = 1",
        "[tiers.w]\ninstances = 1\nfailure = { distribution = \"empirical\", samples = [] }\nrepair = 5",
        "[tiers.w]\ninstances = 1\nfailure = 1979-05-27T07:32:00Z",
        "[tiers.\"\"]\ninstances = 1\n[[deploys]]\ntiers = [\"\", \"\"]\nevery = \"1d\"",
        "\u{feff}[tiers.w]\ninstances = 1",
        "[tiers.w]\r\ninstances = 0\r\n",
    ];
    for c in cases {
        let _ = load_str("x.toml", c, &[]).map_err(|e| e.to_string());
    }
    for set in [
        "=1",
        "a..b=1",
        "tiers.w=1",
        "\"=1",
        "tiers.w.instances=[",
        "sweep.parameter=5",
    ] {
        let _ = load_str("x.toml", "[tiers.w]\ninstances = 1", &[set.to_string()])
            .map_err(|e| e.to_string());
    }
}

#[test]
fn deploy_resolves_names_of_tiers_with_errors() {
    let e = errs("[tiers.web]\ninstances = 0\n[[deploys]]\ntiers = [\"web\"]\nevery = \"1d\"\n");
    assert_eq!(e.len(), 1, "{}", Diagnostics(e.clone()));
}

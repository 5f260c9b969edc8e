//! Walks the raw document and builds a `model::Scenario`, collecting every problem
//! (unknown keys with suggestions, wrong types, out-of-range values) with its position.

use super::diag::{suggest, Diagnostic, LineIndex};
use super::raw::{Entry, Kind, Loc, Node};
use crate::model::*;
use crate::units::{parse_duration, UNITS_HELP};

/// Largest accepted `simulation.timelines`.
pub const MAX_TIMELINES: i64 = 10_000_000_000;
/// Largest accepted `instances` per tier.
pub const MAX_INSTANCES: i64 = 1_000_000;
/// Largest accepted total number of concrete domains.
pub const MAX_DOMAINS: u64 = 1_000_000;

const FAMILIES: [&str; 7] = [
    "exponential",
    "weibull",
    "lognormal",
    "gamma",
    "uniform",
    "fixed",
    "empirical",
];

pub(crate) struct Ctx<'a> {
    pub file: &'a str,
    pub index: &'a LineIndex<'a>,
    /// Prepended to every message (sweep points).
    pub prefix: Option<String>,
    pub errs: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub(crate) fn diag(&self, loc: &Loc, msg: String) -> Diagnostic {
        let msg = match &self.prefix {
            Some(p) => format!("{p}: {msg}"),
            None => msg,
        };
        match loc {
            Loc::Span(s, _) => self.index.at(self.file, *s, msg),
            Loc::Set(text) => Diagnostic::new(format!("--set {text}"), msg),
            // Whole-file problems point at the start of the file.
            Loc::Nowhere => Diagnostic {
                line: Some(1),
                column: Some(1),
                ..Diagnostic::new(self.file, msg)
            },
        }
    }
    fn err(&mut self, loc: &Loc, msg: impl Into<String>) {
        let d = self.diag(loc, msg.into());
        self.errs.push(d);
    }
    fn err_help(&mut self, loc: &Loc, msg: impl Into<String>, help: impl Into<String>) {
        let d = self.diag(loc, msg.into()).with_help(help);
        self.errs.push(d);
    }

    /// Reports keys of `table` not in `allowed`, with the nearest allowed key.
    fn keys(&mut self, table: &Node, what: &str, allowed: &[&str]) {
        for e in table.entries() {
            if !allowed.contains(&e.key.as_str()) {
                let msg = format!("unknown key `{}` in {what}", e.key);
                match suggest(&e.key, allowed.iter().copied()) {
                    Some(s) => self.err_help(&e.key_loc, msg, format!("did you mean `{s}`?")),
                    None => self.err_help(
                        &e.key_loc,
                        msg,
                        format!("expected one of: {}", allowed.join(", ")),
                    ),
                }
            }
        }
    }

    /// `node` must be a table; returns it, or reports and returns None.
    fn table<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n Node> {
        match node.kind {
            Kind::Table(_) => Some(node),
            _ => {
                self.err(
                    &node.loc,
                    format!("{what} must be a table, found {}", node.type_name()),
                );
                None
            }
        }
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => {
                self.err(
                    &node.loc,
                    format!("{what} must be a string, found {}", node.type_name()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.err(
                    &node.loc,
                    format!("{what} must be true or false, found {}", node.type_name()),
                );
                None
            }
        }
    }

    /// An integer in [min, max].
    fn int(&mut self, node: &Node, what: &str, min: i64, max: i64) -> Option<i64> {
        match &node.kind {
            Kind::Int(n) if *n < min => {
                self.err(
                    &node.loc,
                    format!("{what} must be at least {min}, found {n}"),
                );
                None
            }
            Kind::Int(n) if *n > max => {
                self.err(
                    &node.loc,
                    format!("{what} = {n} is unreasonably large; the limit is {max}"),
                );
                None
            }
            Kind::Int(n) => Some(*n),
            Kind::BigInt(t) => {
                self.err(
                    &node.loc,
                    format!("{what} = {t} is too large (limit {max})"),
                );
                None
            }
            _ => {
                self.err(
                    &node.loc,
                    format!("{what} must be an integer, found {}", node.type_name()),
                );
                None
            }
        }
    }

    /// A finite number (integer or float).
    fn number(&mut self, node: &Node, what: &str) -> Option<f64> {
        let v = match &node.kind {
            Kind::Int(n) => *n as f64,
            Kind::Float(f) => *f,
            Kind::BigInt(t) => t.parse().unwrap_or(f64::INFINITY),
            _ => {
                self.err(
                    &node.loc,
                    format!("{what} must be a number, found {}", node.type_name()),
                );
                return None;
            }
        };
        if !v.is_finite() {
            self.err(
                &node.loc,
                format!("{what} must be a finite number, found {v}"),
            );
            return None;
        }
        Some(v)
    }

    /// A finite number > 0.
    fn positive(&mut self, node: &Node, what: &str) -> Option<f64> {
        let v = self.number(node, what)?;
        if v <= 0.0 {
            self.err(&node.loc, format!("{what} must be > 0, found {v}"));
            return None;
        }
        Some(v)
    }

    /// A number in [0, 1] or a percent string `"99.5%"`.
    fn probability(&mut self, node: &Node, what: &str) -> Option<f64> {
        let v = match &node.kind {
            Kind::Str(s) => match percent(s) {
                Some(v) => v,
                None => {
                    self.err_help(
                        &node.loc,
                        format!("{what}: `{s}` is not a probability"),
                        "write a number in [0, 1] or a percent string like \"99.5%\"",
                    );
                    return None;
                }
            },
            _ => self.number(node, what)?,
        };
        if !(0.0..=1.0).contains(&v) {
            self.err(
                &node.loc,
                format!("{what} must be a probability in [0, 1] (0% to 100%), found {v}"),
            );
            return None;
        }
        Some(v)
    }

    /// A duration string, in seconds.
    fn duration(&mut self, node: &Node, what: &str) -> Option<f64> {
        match &node.kind {
            Kind::Str(s) => match parse_duration(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.err(&node.loc, format!("{what}: {e}"));
                    None
                }
            },
            Kind::Int(_) | Kind::Float(_) | Kind::BigInt(_) => {
                self.err_help(
                    &node.loc,
                    format!("{what}: a bare number is not a duration"),
                    UNITS_HELP,
                );
                None
            }
            _ => {
                self.err(
                    &node.loc,
                    format!(
                        "{what} must be a duration string like \"30s\", found {}",
                        node.type_name()
                    ),
                );
                None
            }
        }
    }

    fn positive_duration(&mut self, node: &Node, what: &str) -> Option<f64> {
        let v = self.duration(node, what)?;
        if v <= 0.0 {
            self.err(&node.loc, format!("{what} must be > 0"));
            return None;
        }
        Some(v)
    }

    /// A distribution: a duration string (fixed) or a table with `distribution`.
    fn dist(&mut self, node: &Node, what: &str) -> Option<Dist> {
        match &node.kind {
            Kind::Str(_) => self.duration(node, what).map(Dist::Fixed),
            Kind::Table(_) => self.dist_table(node, what),
            Kind::Int(_) | Kind::Float(_) | Kind::BigInt(_) => {
                self.err_help(
                    &node.loc,
                    format!("{what}: a bare number is not a duration"),
                    format!("{UNITS_HELP}; or a table like {{ mean = \"4h\" }}"),
                );
                None
            }
            _ => {
                self.err(
                    &node.loc,
                    format!(
                        "{what} must be a duration string or a distribution table, found {}",
                        node.type_name()
                    ),
                );
                None
            }
        }
    }

    fn dist_table(&mut self, t: &Node, what: &str) -> Option<Dist> {
        let family = match t.get("distribution") {
            None => "exponential".to_string(),
            Some(n) => {
                let s = self.string(n, &format!("{what}.distribution"))?;
                if !FAMILIES.contains(&s.as_str()) {
                    let msg = format!("{what}: unknown distribution `{s}`");
                    match suggest(&s, FAMILIES) {
                        Some(g) => self.err_help(&n.loc, msg, format!("did you mean `{g}`?")),
                        None => self.err_help(
                            &n.loc,
                            msg,
                            format!("expected one of: {}", FAMILIES.join(", ")),
                        ),
                    }
                    return None;
                }
                s
            }
        };
        let allowed: &[&str] = match family.as_str() {
            "exponential" => &["distribution", "mean"],
            "weibull" => &["distribution", "shape", "scale", "mean"],
            "lognormal" => &["distribution", "median", "mean", "sigma"],
            "gamma" => &["distribution", "shape", "mean"],
            "uniform" => &["distribution", "min", "max"],
            "fixed" => &["distribution", "value"],
            _ => &["distribution", "samples"],
        };
        let w = format!("{what} ({family})");
        self.keys(t, &w, allowed);
        let field = |k: &str| format!("{what}.{k}");
        match family.as_str() {
            "exponential" => {
                let mean = self.required(t, "mean", &w)?;
                Some(Dist::Exponential {
                    mean: self.positive_duration(mean, &field("mean"))?,
                })
            }
            "weibull" => {
                let shape = self
                    .required(t, "shape", &w)
                    .and_then(|n| self.positive(n, &field("shape")));
                let scale = match self.one_of(t, "scale", "mean", &w)? {
                    ("scale", n) => self.positive_duration(n, &field("scale")),
                    (_, n) => self
                        .positive_duration(n, &field("mean"))
                        .map(|m| (m, true))
                        .and_then(|(m, _)| {
                            let k = shape?;
                            Some(m / gamma_fn(1.0 + 1.0 / k))
                        }),
                };
                let (shape, scale) = (shape?, scale?);
                if !scale.is_finite() || scale <= 0.0 {
                    self.err(&t.loc, format!("{w}: the scale is out of range"));
                    return None;
                }
                Some(Dist::Weibull { shape, scale })
            }
            "lognormal" => {
                let sigma = self
                    .required(t, "sigma", &w)
                    .and_then(|n| self.positive(n, &field("sigma")));
                let which = self.one_of(t, "median", "mean", &w);
                let (sigma, (key, n)) = (sigma?, which?);
                let v = self.positive_duration(n, &field(key))?;
                let mu = if key == "median" {
                    v.ln()
                } else {
                    v.ln() - 0.5 * sigma * sigma
                };
                Some(Dist::LogNormal { mu, sigma })
            }
            "gamma" => {
                let shape = self
                    .required(t, "shape", &w)
                    .and_then(|n| self.positive(n, &field("shape")));
                let mean = self
                    .required(t, "mean", &w)
                    .and_then(|n| self.positive_duration(n, &field("mean")));
                let (shape, mean) = (shape?, mean?);
                Some(Dist::Gamma {
                    shape,
                    scale: mean / shape,
                })
            }
            "uniform" => {
                let min = self
                    .required(t, "min", &w)
                    .and_then(|n| self.duration(n, &field("min")));
                let max = self
                    .required(t, "max", &w)
                    .and_then(|n| self.duration(n, &field("max")));
                let (min, max) = (min?, max?);
                if min > max {
                    self.err(
                        &t.get("min").map_or(t.loc.clone(), |n| n.loc.clone()),
                        format!("{w}: min must be <= max"),
                    );
                    return None;
                }
                Some(Dist::Uniform { min, max })
            }
            "fixed" => {
                let v = self.required(t, "value", &w)?;
                Some(Dist::Fixed(self.duration(v, &field("value"))?))
            }
            _ => {
                let s = self.required(t, "samples", &w)?;
                let Kind::Array(items) = &s.kind else {
                    self.err(
                        &s.loc,
                        format!(
                            "{} must be an array of durations, found {}",
                            field("samples"),
                            s.type_name()
                        ),
                    );
                    return None;
                };
                if items.is_empty() {
                    self.err(
                        &s.loc,
                        format!("{} needs at least one sample", field("samples")),
                    );
                    return None;
                }
                let before = self.errs.len();
                let v: Vec<f64> = items
                    .iter()
                    .filter_map(|n| self.duration(n, &field("samples")))
                    .collect();
                (self.errs.len() == before).then_some(Dist::Empirical(v))
            }
        }
    }

    fn required<'n>(&mut self, t: &'n Node, key: &str, what: &str) -> Option<&'n Node> {
        let n = t.get(key);
        if n.is_none() {
            self.err(&t.loc, format!("{what} needs `{key}`"));
        }
        n
    }

    /// Exactly one of two alternative keys.
    fn one_of<'n>(
        &mut self,
        t: &'n Node,
        a: &'static str,
        b: &'static str,
        what: &str,
    ) -> Option<(&'static str, &'n Node)> {
        match (t.get(a), t.get(b)) {
            (Some(x), None) => Some((a, x)),
            (None, Some(y)) => Some((b, y)),
            (None, None) => {
                self.err(&t.loc, format!("{what} needs one of `{a}` or `{b}`"));
                None
            }
            (Some(_), Some(y)) => {
                self.err(
                    &y.loc,
                    format!("{what}: give either `{a}` or `{b}`, not both"),
                );
                None
            }
        }
    }

    fn opt_dist(&mut self, t: &Node, key: &str, what: &str) -> Option<Dist> {
        t.get(key)
            .and_then(|n| self.dist(n, &format!("{what}.{key}")))
    }
}

/// Parses `"99.5%"` (or a plain number string) into a fraction.
pub(crate) fn percent(s: &str) -> Option<f64> {
    let t = s.trim();
    let v: f64 = match t.strip_suffix('%') {
        Some(num) => num.trim().parse::<f64>().ok()? / 100.0,
        None => return None,
    };
    v.is_finite().then_some(v)
}

fn entries_of<'n>(ctx: &mut Ctx, root: &'n Node, key: &str) -> Vec<&'n Entry> {
    match root.get(key) {
        None => Vec::new(),
        Some(n) => match ctx.table(n, &format!("[{key}]")) {
            Some(t) => t.entries().iter().collect(),
            None => Vec::new(),
        },
    }
}

/// Validates a whole document. `default_name` is used when there is no `name`.
pub(crate) fn scenario(ctx: &mut Ctx, root: &Node, default_name: &str) -> Option<Scenario> {
    ctx.keys(
        root,
        "the top level",
        &[
            "name",
            "description",
            "simulation",
            "domains",
            "tiers",
            "deploys",
            "maintenance",
            "sweep",
        ],
    );
    let name = root
        .get("name")
        .and_then(|n| ctx.string(n, "name"))
        .unwrap_or_else(|| default_name.to_string());
    let description = root
        .get("description")
        .and_then(|n| ctx.string(n, "description"));
    let simulation = simulation(ctx, root.get("simulation"));
    let (levels, domains) = domains(ctx, root);
    let tiers = tiers(ctx, root, &levels, &domains);
    // Resolve names against every declared tier, so a tier with its own errors does
    // not also produce "no such tier" in deploys and maintenance.
    let tier_names: Vec<String> = root
        .get("tiers")
        .map(|n| n.entries().iter().map(|e| e.key.clone()).collect())
        .unwrap_or_default();
    let deploys = events(ctx, root, "deploys", &tier_names, deploy);
    let maintenance = events(ctx, root, "maintenance", &tier_names, maint);
    if let Some(s) = root.get("sweep") {
        sweep_keys(ctx, s);
    }
    if !ctx.errs.is_empty() {
        return None;
    }
    Some(Scenario {
        name,
        description,
        simulation: simulation?,
        levels,
        domains,
        tiers,
        deploys,
        maintenance,
    })
}

/// Only the shape of `[sweep]` here; its values are checked by the sweep expansion.
fn sweep_keys(ctx: &mut Ctx, s: &Node) {
    if let Some(t) = ctx.table(s, "[sweep]") {
        ctx.keys(
            t,
            "[sweep]",
            &["parameter", "values", "from", "to", "steps", "scale"],
        );
    }
}

fn simulation(ctx: &mut Ctx, node: Option<&Node>) -> Option<Simulation> {
    let mut sim = Simulation {
        timelines: 100_000,
        horizon: YEAR,
        seed: 1,
        repair_crews: None,
        method: Method::Plain,
    };
    let Some(node) = node else { return Some(sim) };
    let t = ctx.table(node, "[simulation]")?;
    ctx.keys(
        t,
        "[simulation]",
        &["timelines", "horizon", "seed", "repair_crews", "method"],
    );
    let before = ctx.errs.len();
    if let Some(n) = t
        .get("timelines")
        .and_then(|n| ctx.int(n, "simulation.timelines", 1, MAX_TIMELINES))
    {
        sim.timelines = n as u64;
    }
    if let Some(h) = t
        .get("horizon")
        .and_then(|n| ctx.positive_duration(n, "simulation.horizon"))
    {
        sim.horizon = h;
    }
    if let Some(n) = t
        .get("seed")
        .and_then(|n| ctx.int(n, "simulation.seed", 0, i64::MAX))
    {
        sim.seed = n as u64;
    }
    if let Some(n) = t
        .get("repair_crews")
        .and_then(|n| ctx.int(n, "simulation.repair_crews", 1, u32::MAX as i64))
    {
        sim.repair_crews = Some(n as u32);
    }
    if let Some(n) = t.get("method") {
        match ctx.string(n, "simulation.method").as_deref() {
            Some("plain") => sim.method = Method::Plain,
            Some("importance") => sim.method = Method::Importance,
            Some(other) => {
                let msg = format!("simulation.method: unknown method `{other}`");
                let help = match suggest(other, ["plain", "importance"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "expected \"plain\" or \"importance\"".into(),
                };
                ctx.err_help(&n.loc, msg, help);
            }
            None => {}
        }
    }
    (ctx.errs.len() == before).then_some(sim)
}

/// `failure` and `repair` of a domain level or tier: repair required with failure.
fn failure_repair(ctx: &mut Ctx, t: &Node, what: &str) -> (Option<Dist>, Option<Dist>) {
    let dotted = what.trim_start_matches('[').trim_end_matches(']');
    let failure = ctx.opt_dist(t, "failure", dotted);
    let repair = ctx.opt_dist(t, "repair", dotted);
    if t.get("failure").is_some() && t.get("repair").is_none() {
        ctx.err(
            &t.get("failure").expect("checked").loc,
            format!("{what} has a `failure` but no `repair`"),
        );
    }
    (failure, repair)
}

fn domains(ctx: &mut Ctx, root: &Node) -> (Vec<Level>, Vec<Domain>) {
    struct Raw<'n> {
        name: String,
        key_loc: Loc,
        parent: Option<(String, &'n Node)>,
        count: u32,
        failure: Option<Dist>,
        repair: Option<Dist>,
    }
    let mut raws: Vec<Raw> = Vec::new();
    for e in entries_of(ctx, root, "domains") {
        let what = format!("[domains.{}]", e.key);
        let Some(t) = ctx.table(&e.value, &what) else {
            continue;
        };
        ctx.keys(t, &what, &["parent", "count", "failure", "repair"]);
        let parent = t.get("parent").and_then(|n| {
            ctx.string(n, &format!("domains.{}.parent", e.key))
                .map(|s| (s, n))
        });
        let count = t
            .get("count")
            .and_then(|n| {
                ctx.int(
                    n,
                    &format!("domains.{}.count", e.key),
                    1,
                    MAX_DOMAINS as i64,
                )
            })
            .unwrap_or(1) as u32;
        let (failure, repair) = failure_repair(ctx, t, &what);
        raws.push(Raw {
            name: e.key.clone(),
            key_loc: e.key_loc.clone(),
            parent,
            count,
            failure,
            repair,
        });
    }
    let names: Vec<&str> = raws.iter().map(|r| r.name.as_str()).collect();
    let mut parent_idx: Vec<Option<usize>> = vec![None; raws.len()];
    let mut ok = true;
    for (i, r) in raws.iter().enumerate() {
        if let Some((p, n)) = &r.parent {
            match names.iter().position(|x| x == p) {
                Some(j) => parent_idx[i] = Some(j),
                None => {
                    ok = false;
                    let msg = format!("domains.{}.parent: there is no domain level `{p}`", r.name);
                    match suggest(p, names.iter().copied()) {
                        Some(s) => ctx.err_help(&n.loc, msg, format!("did you mean `{s}`?")),
                        None => ctx.err_help(
                            &n.loc,
                            msg,
                            format!("defined levels: {}", names.join(", ")),
                        ),
                    }
                }
            }
        }
    }
    // Cycles: report once, at the first level (in file order) on the cycle.
    let mut in_cycle = vec![false; raws.len()];
    for i in 0..raws.len() {
        let mut seen = vec![i];
        let mut cur = i;
        while let Some(p) = parent_idx[cur] {
            if p == i {
                if !seen.iter().any(|&s| in_cycle[s]) {
                    let mut chain: Vec<&str> = seen.iter().map(|&s| names[s]).collect();
                    chain.push(names[i]);
                    let loc = raws[i]
                        .parent
                        .as_ref()
                        .map_or(raws[i].key_loc.clone(), |(_, n)| n.loc.clone());
                    ctx.err(
                        &loc,
                        format!(
                            "domain levels form a cycle through `parent`: {}",
                            chain.join(" -> ")
                        ),
                    );
                }
                seen.iter().for_each(|&s| in_cycle[s] = true);
                break;
            }
            if seen.contains(&p) {
                break; // a cycle not through i; reported at its own member
            }
            seen.push(p);
            cur = p;
        }
    }
    if !ok || in_cycle.iter().any(|&c| c) {
        return (Vec::new(), Vec::new());
    }
    // Topological order: parents first, otherwise file order.
    let mut order: Vec<usize> = Vec::new();
    while order.len() < raws.len() {
        for (i, p) in parent_idx.iter().enumerate() {
            if !order.contains(&i) && p.is_none_or(|p| order.contains(&p)) {
                order.push(i);
            }
        }
    }
    // Total domain count, checked before expanding.
    let mut per_level = vec![0u64; raws.len()];
    let mut total: u64 = 0;
    for &i in &order {
        let n = parent_idx[i]
            .map_or(1, |p| per_level[p])
            .saturating_mul(raws[i].count as u64);
        per_level[i] = n;
        total = total.saturating_add(n);
    }
    if total > MAX_DOMAINS {
        ctx.err_help(
            &Loc::Nowhere,
            format!(
                "the domain levels expand to {total} concrete domains; the limit is {MAX_DOMAINS}"
            ),
            "lower a `count` (counts multiply down the `parent` chain)",
        );
        return (Vec::new(), Vec::new());
    }
    let mut levels = Vec::new();
    let mut domains: Vec<Domain> = Vec::new();
    let mut level_of = vec![0usize; raws.len()];
    for &i in &order {
        let r = &raws[i];
        let li = levels.len();
        level_of[i] = li;
        let parent_level = parent_idx[i].map(|p| level_of[p]);
        levels.push(Level {
            name: r.name.clone(),
            parent: parent_level,
            count: r.count,
            failure: r.failure.clone(),
            repair: r.repair.clone(),
        });
        let parents: Vec<Option<usize>> = match parent_level {
            None => vec![None],
            Some(pl) => (0..domains.len())
                .filter(|&d| domains[d].level == pl)
                .map(Some)
                .collect(),
        };
        for p in parents {
            for k in 1..=r.count {
                let name = match p {
                    None => format!("{}-{k}", r.name),
                    Some(p) => format!("{}/{}-{k}", domains[p].name, r.name),
                };
                domains.push(Domain {
                    name,
                    level: li,
                    parent: p,
                });
            }
        }
    }
    (levels, domains)
}

/// Domains of `level` in round-robin order: the outermost parent varies fastest
/// (zone-1/rack-1, zone-2/rack-1, zone-3/rack-1, zone-1/rack-2, ...).
pub(crate) fn round_robin(levels: &[Level], domains: &[Domain], level: usize) -> Vec<usize> {
    let _ = levels;
    // Index of each domain within its parent (1-based count position).
    let mut pos = vec![0usize; domains.len()];
    let mut next: std::collections::HashMap<(Option<usize>, usize), usize> = Default::default();
    for (i, d) in domains.iter().enumerate() {
        let c = next.entry((d.parent, d.level)).or_insert(0);
        pos[i] = *c;
        *c += 1;
    }
    let key = |d: usize| {
        let mut k = Vec::new();
        let mut cur = Some(d);
        while let Some(c) = cur {
            k.push(pos[c]);
            cur = domains[c].parent;
        }
        k // innermost first: compare innermost index, then outward
    };
    let mut out: Vec<usize> = (0..domains.len())
        .filter(|&d| domains[d].level == level)
        .collect();
    out.sort_by_key(|&d| key(d));
    out
}

fn tiers(ctx: &mut Ctx, root: &Node, levels: &[Level], domains: &[Domain]) -> Vec<Tier> {
    let entries = entries_of(ctx, root, "tiers");
    if entries.is_empty()
        && root
            .get("tiers")
            .is_none_or(|n| matches!(n.kind, Kind::Table(_)))
    {
        let loc = root.get("tiers").map_or(Loc::Nowhere, |n| n.loc.clone());
        ctx.err_help(
            &loc,
            "no tiers: a scenario needs at least one tier",
            "add a table like [tiers.web] with instances = 2",
        );
    }
    let mut out = Vec::new();
    for e in entries {
        if let Some(t) = tier(ctx, e, levels, domains) {
            out.push(t);
        }
    }
    out
}

fn tier(ctx: &mut Ctx, e: &Entry, levels: &[Level], domains: &[Domain]) -> Option<Tier> {
    let name = &e.key;
    let what = format!("[tiers.{name}]");
    let t = ctx.table(&e.value, &what)?;
    let before = ctx.errs.len();
    ctx.keys(
        t,
        &what,
        &[
            "instances",
            "required",
            "load",
            "mode",
            "placement",
            "failure",
            "repair",
            "common_cause",
            "failover",
            "overload",
        ],
    );
    let f = |k: &str| format!("tiers.{name}.{k}");
    let instances = match t.get("instances") {
        Some(n) => ctx.int(n, &f("instances"), 1, MAX_INSTANCES),
        None => {
            ctx.err(&e.key_loc, format!("{what} needs `instances`"));
            None
        }
    };
    let mut load = None;
    let required = match (t.get("required"), t.get("load")) {
        (Some(_), Some(l)) => {
            ctx.err(
                &l.loc,
                format!("{what}: give either `required` or `load`, not both"),
            );
            None
        }
        (Some(r), None) => ctx.int(r, &f("required"), 1, MAX_INSTANCES).map(|r| (r, r)),
        (None, Some(l)) => {
            let v = match &l.kind {
                Kind::Str(s) => match percent(s) {
                    Some(v) => Some(v),
                    None => {
                        ctx.err_help(
                            &l.loc,
                            format!("{}: `{s}` is not a load", f("load")),
                            "write a number or a percent string like \"210%\"",
                        );
                        None
                    }
                },
                _ => ctx.number(l, &f("load")),
            };
            match v {
                Some(v) if v <= 0.0 => {
                    ctx.err(&l.loc, format!("{} must be > 0, found {v}", f("load")));
                    None
                }
                Some(v) => {
                    load = Some(v);
                    // Round away float noise first: 2.0000000001 means 2 instances.
                    let k = ((v * 1e9).round() / 1e9)
                        .ceil()
                        .min(MAX_INSTANCES as f64 + 1.0) as i64;
                    Some((k, k))
                }
                None => None,
            }
        }
        (None, None) => Some((1, 1)),
    };
    if let (Some(n), Some((k, _))) = (instances, required) {
        if k > n {
            let loc = t
                .get("required")
                .or(t.get("load"))
                .expect("k > 1 only when given")
                .loc
                .clone();
            let msg = if let Some(l) = load {
                format!("{what}: load {l} needs {k} instances but there are only {n}")
            } else {
                format!("{what}: required = {k} is more than instances = {n}")
            };
            ctx.err(&loc, msg);
        }
    }
    let mode = match t.get("mode") {
        None => Some(Mode::ActiveActive),
        Some(n) => match ctx.string(n, &f("mode")).as_deref() {
            Some("active-active") => Some(Mode::ActiveActive),
            Some("active-passive") => Some(Mode::ActivePassive),
            Some(other) => {
                let help = match suggest(other, ["active-active", "active-passive"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "expected \"active-active\" or \"active-passive\"".into(),
                };
                ctx.err_help(
                    &n.loc,
                    format!("{}: unknown mode `{other}`", f("mode")),
                    help,
                );
                None
            }
            None => None,
        },
    };
    let placement = match (t.get("placement"), instances) {
        (None, Some(n)) => vec![None; n as usize],
        (Some(p), Some(n)) => placement(ctx, p, &f("placement"), n as usize, levels, domains),
        _ => Vec::new(),
    };
    let (failure, repair) = failure_repair(ctx, t, &what);
    let common_cause = t
        .get("common_cause")
        .and_then(|n| common_cause(ctx, n, name, failure.as_ref(), repair.as_ref()));
    let failover = match t.get("failover") {
        None => Failover::default(),
        Some(n) => failover(ctx, n, name, repair.as_ref()),
    };
    let overload_multiplier = t.get("overload").and_then(|n| {
        let w = format!("[tiers.{name}.overload]");
        let o = ctx.table(n, &w)?;
        ctx.keys(o, &w, &["failure_multiplier"]);
        let m = ctx.required(o, "failure_multiplier", &w)?;
        ctx.positive(m, &format!("tiers.{name}.overload.failure_multiplier"))
    });
    if ctx.errs.len() != before {
        return None;
    }
    let (required, _) = required?;
    Some(Tier {
        name: name.clone(),
        instances: instances? as u32,
        required: required as u32,
        load,
        mode: mode?,
        placement,
        failure,
        repair,
        common_cause,
        failover,
        overload_multiplier,
    })
}

fn placement(
    ctx: &mut Ctx,
    p: &Node,
    what: &str,
    n: usize,
    levels: &[Level],
    domains: &[Domain],
) -> Vec<Option<usize>> {
    match &p.kind {
        Kind::Str(level) => {
            let Some(li) = levels.iter().position(|l| &l.name == level) else {
                let names: Vec<&str> = levels.iter().map(|l| l.name.as_str()).collect();
                let msg = format!("{what}: there is no domain level `{level}`");
                match suggest(level, names.iter().copied()) {
                    Some(s) => ctx.err_help(&p.loc, msg, format!("did you mean `{s}`?")),
                    None if names.is_empty() => {
                        ctx.err_help(&p.loc, msg, "define levels with [domains.NAME] tables")
                    }
                    None => {
                        ctx.err_help(&p.loc, msg, format!("defined levels: {}", names.join(", ")))
                    }
                }
                return Vec::new();
            };
            let order = round_robin(levels, domains, li);
            (0..n).map(|i| Some(order[i % order.len()])).collect()
        }
        Kind::Array(items) => {
            if items.len() != n {
                ctx.err(&p.loc, format!("{what} lists {} domains but the tier has {n} instances; give one per instance", items.len()));
            }
            let mut out = Vec::new();
            for it in items {
                let Some(s) = ctx.string(it, what) else {
                    continue;
                };
                match domains.iter().position(|d| d.name == s) {
                    Some(d) => out.push(Some(d)),
                    None => {
                        let msg = format!("{what}: there is no domain `{s}`");
                        match suggest(&s, domains.iter().map(|d| d.name.as_str())) {
                            Some(g) => ctx.err_help(&it.loc, msg, format!("did you mean `{g}`?")),
                            None => ctx.err(&it.loc, msg),
                        }
                    }
                }
            }
            out
        }
        _ => {
            ctx.err(
                &p.loc,
                format!(
                    "{what} must be a level name or an array of domain names, found {}",
                    p.type_name()
                ),
            );
            Vec::new()
        }
    }
}

fn common_cause(
    ctx: &mut Ctx,
    n: &Node,
    tier: &str,
    failure: Option<&Dist>,
    repair: Option<&Dist>,
) -> Option<CommonCause> {
    let w = format!("[tiers.{tier}.common_cause]");
    let t = ctx.table(n, &w)?;
    ctx.keys(t, &w, &["beta", "every", "repair"]);
    let f = |k: &str| format!("tiers.{tier}.common_cause.{k}");
    let rep = match t.get("repair") {
        Some(r) => ctx.dist(r, &f("repair")),
        None => match repair {
            Some(r) => Some(r.clone()),
            None => {
                ctx.err_help(
                    &t.loc,
                    format!("{w} needs `repair`"),
                    format!("tiers.{tier} has no repair distribution to default to"),
                );
                None
            }
        },
    };
    let (beta, every) = match (t.get("beta"), t.get("every")) {
        (Some(_), Some(e)) => {
            ctx.err(
                &e.loc,
                format!("{w}: give either `beta` or `every`, not both"),
            );
            return None;
        }
        (None, None) => {
            ctx.err(&t.loc, format!("{w} needs one of `beta` or `every`"));
            return None;
        }
        (None, Some(e)) => (None, ctx.dist(e, &f("every"))?),
        (Some(b), None) => {
            let beta = ctx.number(b, &f("beta"))?;
            if !(0.0..1.0).contains(&beta) {
                ctx.err(
                    &b.loc,
                    format!("{} must be in [0, 1), found {beta}", f("beta")),
                );
                return None;
            }
            let Some(failure) = failure else {
                ctx.err_help(
                    &b.loc,
                    format!(
                        "{}: the beta factor needs the tier's `failure` distribution",
                        f("beta")
                    ),
                    "give tiers.X.failure, or use `every` for the time between common-cause events",
                );
                return None;
            };
            if beta == 0.0 {
                return None; // beta = 0: no common cause at all (useful at a sweep end)
            }
            (
                Some(beta),
                Dist::Exponential {
                    mean: failure.mean() / beta,
                },
            )
        }
    };
    Some(CommonCause {
        beta,
        every,
        repair: rep?,
    })
}

fn failover(ctx: &mut Ctx, n: &Node, tier: &str, repair: Option<&Dist>) -> Failover {
    let w = format!("[tiers.{tier}.failover]");
    let mut fo = Failover::default();
    let Some(t) = ctx.table(n, &w) else { return fo };
    ctx.keys(
        t,
        &w,
        &[
            "detection",
            "coverage",
            "switchover",
            "manual_recovery",
            "retries",
            "standby",
            "warm_factor",
            "standby_monitoring",
            "replication_lag",
            "false_alarm",
        ],
    );
    let f = |k: &str| format!("tiers.{tier}.failover.{k}");
    if let Some(d) = t
        .get("detection")
        .and_then(|x| ctx.dist(x, &f("detection")))
    {
        fo.detection = d;
    }
    if let Some(c) = t
        .get("coverage")
        .and_then(|x| ctx.probability(x, &f("coverage")))
    {
        fo.coverage = c;
    }
    if let Some(d) = t
        .get("switchover")
        .and_then(|x| ctx.dist(x, &f("switchover")))
    {
        fo.switchover = d;
    }
    fo.manual_recovery = t
        .get("manual_recovery")
        .and_then(|x| ctx.dist(x, &f("manual_recovery")));
    if let Some(b) = t.get("retries").and_then(|x| ctx.boolean(x, &f("retries"))) {
        fo.retries = b;
    }
    if let Some(s) = t.get("standby") {
        match ctx.string(s, &f("standby")).as_deref() {
            Some("hot") => fo.standby = Standby::Hot,
            Some("warm") => fo.standby = Standby::Warm,
            Some("cold") => fo.standby = Standby::Cold,
            Some(other) => {
                let help = match suggest(other, ["hot", "warm", "cold"]) {
                    Some(g) => format!("did you mean `{g}`?"),
                    None => "expected \"hot\", \"warm\" or \"cold\"".into(),
                };
                ctx.err_help(
                    &s.loc,
                    format!("{}: unknown standby `{other}`", f("standby")),
                    help,
                );
            }
            None => {}
        }
    }
    if let Some(x) = t.get("warm_factor") {
        if let Some(v) = ctx.number(x, &f("warm_factor")) {
            if (0.0..=1.0).contains(&v) {
                fo.warm_factor = v;
            } else {
                ctx.err(
                    &x.loc,
                    format!("{} must be in [0, 1], found {v}", f("warm_factor")),
                );
            }
        }
    }
    if let Some(b) = t
        .get("standby_monitoring")
        .and_then(|x| ctx.boolean(x, &f("standby_monitoring")))
    {
        fo.standby_monitoring = b;
    }
    fo.replication_lag = t
        .get("replication_lag")
        .and_then(|x| ctx.dist(x, &f("replication_lag")));
    fo.false_alarm = t
        .get("false_alarm")
        .and_then(|x| ctx.dist(x, &f("false_alarm")));
    if let Some(fa) = t.get("false_alarm") {
        if t.get("manual_recovery").is_none() && repair.is_none() {
            ctx.err_help(
                &fa.loc,
                format!("{}: a failed failover after a false alarm needs `manual_recovery` or the tier's `repair`", f("false_alarm")),
                "add manual_recovery = \"30m\"",
            );
        }
    }
    fo
}

type EventFn<T> = fn(&mut Ctx, &Node, &str, Vec<usize>) -> Option<T>;

/// `[[deploys]]` / `[[maintenance]]`: an array of tables naming tiers.
fn events<T>(ctx: &mut Ctx, root: &Node, key: &str, tiers: &[String], build: EventFn<T>) -> Vec<T> {
    let Some(n) = root.get(key) else {
        return Vec::new();
    };
    let items: Vec<Node> = match &n.kind {
        Kind::Array(items) => items.clone(),
        Kind::Table(_) => vec![n.clone()],
        _ => {
            ctx.err(
                &n.loc,
                format!(
                    "`{key}` must be an array of tables ([[{key}]]), found {}",
                    n.type_name()
                ),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let w = format!("[[{key}]] #{}", i + 1);
        let Some(t) = ctx.table(it, &w) else { continue };
        let before = ctx.errs.len();
        let idx = tier_list(ctx, t, &w, tiers);
        if let Some(v) = build(ctx, t, &w, idx) {
            if ctx.errs.len() == before {
                out.push(v);
            }
        }
    }
    out
}

fn tier_list(ctx: &mut Ctx, t: &Node, w: &str, tiers: &[String]) -> Vec<usize> {
    let Some(n) = ctx.required(t, "tiers", w) else {
        return Vec::new();
    };
    let Kind::Array(items) = &n.kind else {
        ctx.err(
            &n.loc,
            format!(
                "{w}: `tiers` must be an array of tier names, found {}",
                n.type_name()
            ),
        );
        return Vec::new();
    };
    if items.is_empty() {
        ctx.err(&n.loc, format!("{w}: `tiers` names no tier"));
    }
    let mut out = Vec::new();
    for it in items {
        let Some(s) = ctx.string(it, &format!("{w} tiers")) else {
            continue;
        };
        match tiers.iter().position(|x| *x == s) {
            Some(i) if out.contains(&i) => {
                ctx.err(&it.loc, format!("{w}: tier `{s}` is listed twice"))
            }
            Some(i) => out.push(i),
            None => {
                let msg = format!("{w}: there is no tier `{s}`");
                match suggest(&s, tiers.iter().map(|x| x.as_str())) {
                    Some(g) => ctx.err_help(&it.loc, msg, format!("did you mean `{g}`?")),
                    None if tiers.is_empty() => ctx.err(&it.loc, msg),
                    None => {
                        ctx.err_help(&it.loc, msg, format!("defined tiers: {}", tiers.join(", ")))
                    }
                }
            }
        }
    }
    out
}

fn deploy(ctx: &mut Ctx, t: &Node, w: &str, tiers: Vec<usize>) -> Option<Deploy> {
    ctx.keys(
        t,
        w,
        &[
            "tiers",
            "every",
            "bad_probability",
            "strategy",
            "batch",
            "step",
            "canary",
            "bake",
            "detect",
            "rollback",
        ],
    );
    let f = |k: &str| format!("{w} {k}");
    let every = ctx
        .required(t, "every", w)
        .and_then(|n| ctx.dist(n, &f("every")));
    let bad = t
        .get("bad_probability")
        .map_or(Some(0.0), |n| ctx.probability(n, &f("bad_probability")));
    let batch = t
        .get("batch")
        .map(|n| ctx.int(n, &f("batch"), 1, MAX_INSTANCES).map(|b| b as u32));
    let canary = t.get("canary").map_or(Some(1), |n| {
        ctx.int(n, &f("canary"), 1, MAX_INSTANCES).map(|b| b as u32)
    });
    let zero = || Some(Dist::Fixed(0.0));
    let dist_or_zero = |ctx: &mut Ctx, k: &str| t.get(k).map_or(zero(), |n| ctx.dist(n, &f(k)));
    let bake = dist_or_zero(ctx, "bake");
    let step = dist_or_zero(ctx, "step");
    let detect = dist_or_zero(ctx, "detect");
    let rollback = dist_or_zero(ctx, "rollback");
    let strategy = match t.get("strategy") {
        None => Some("rolling".to_string()),
        Some(n) => ctx
            .string(n, &f("strategy"))
            .map(|s| (s, n))
            .and_then(|(s, n)| {
                const S: [&str; 3] = ["all-at-once", "rolling", "canary"];
                if S.contains(&s.as_str()) {
                    Some(s)
                } else {
                    let help = match suggest(&s, S) {
                        Some(g) => format!("did you mean `{g}`?"),
                        None => "expected \"all-at-once\", \"rolling\" or \"canary\"".into(),
                    };
                    ctx.err_help(&n.loc, format!("{w}: unknown strategy `{s}`"), help);
                    None
                }
            }),
    };
    let strategy = match strategy?.as_str() {
        "all-at-once" => Strategy::AllAtOnce,
        "rolling" => Strategy::Rolling {
            batch: batch.unwrap_or(Some(1))?,
        },
        _ => Strategy::Canary {
            canary: canary?,
            bake: bake?,
            batch: match batch {
                None => None,
                Some(b) => Some(b?),
            },
        },
    };
    Some(Deploy {
        tiers,
        every: every?,
        bad_probability: bad?,
        strategy,
        step: step?,
        detect: detect?,
        rollback: rollback?,
    })
}

fn maint(ctx: &mut Ctx, t: &Node, w: &str, tiers: Vec<usize>) -> Option<Maintenance> {
    ctx.keys(t, w, &["tiers", "every", "duration", "rolling"]);
    let every = ctx
        .required(t, "every", w)
        .and_then(|n| ctx.dist(n, &format!("{w} every")));
    let duration = ctx
        .required(t, "duration", w)
        .and_then(|n| ctx.dist(n, &format!("{w} duration")));
    let rolling = t
        .get("rolling")
        .map_or(Some(true), |n| ctx.boolean(n, &format!("{w} rolling")));
    Some(Maintenance {
        tiers,
        every: every?,
        duration: duration?,
        rolling: rolling?,
    })
}

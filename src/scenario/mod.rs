//! Loading a scenario: TOML text (spans kept) → overrides applied → validated
//! `model::Scenario`, plus one validated scenario per `[sweep]` point. Owns every
//! user-facing message about the scenario file (see docs/scenario.md).

mod diag;
mod raw;
mod validate;

pub use diag::{Diagnostic, Diagnostics};
pub use validate::{MAX_DOMAINS, MAX_INSTANCES, MAX_TIMELINES};

use crate::model::Scenario;
use diag::{suggest, LineIndex};
use raw::{Kind, Loc, Node};
use validate::Ctx;

/// A loaded scenario and, when the file has a `[sweep]`, its points.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The scenario as written (with overrides applied).
    pub scenario: Scenario,
    pub sweep: Option<Sweep>,
}

/// `[sweep]`: one validated scenario per value, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The dotted key path, e.g. `tiers.web.instances`.
    pub parameter: String,
    pub points: Vec<(f64, Scenario)>,
}

/// Reads and loads a scenario file. `overrides` are `--set PATH=VALUE` strings.
pub fn load(path: &std::path::Path, overrides: &[String]) -> Result<Loaded, Diagnostics> {
    let file = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => load_bytes(&file, &bytes, overrides),
        Err(e) => Err(Diagnostics(vec![Diagnostic::new(
            file,
            format!("cannot read the scenario: {e}"),
        )])),
    }
}

/// Loads raw bytes: anything that is not UTF-8 is a clean error at the first bad byte.
fn load_bytes(file: &str, bytes: &[u8], overrides: &[String]) -> Result<Loaded, Diagnostics> {
    match std::str::from_utf8(bytes) {
        Ok(text) => load_str(file, text, overrides),
        Err(e) => {
            let good =
                std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid_up_to is valid");
            let index = LineIndex::new(good);
            let d = index.at(
                file,
                good.len(),
                format!(
                    "the file is not valid UTF-8 text (byte {})",
                    e.valid_up_to()
                ),
            );
            Err(Diagnostics(vec![
                d.with_help("a scenario is a UTF-8 TOML text file")
            ]))
        }
    }
}

/// Loads a scenario from text; `file_name` names it in messages and gives the
/// default `name` (its stem without `.toml`).
pub fn load_str(file_name: &str, text: &str, overrides: &[String]) -> Result<Loaded, Diagnostics> {
    let index = LineIndex::new(text);
    let mut root = match toml::de::DeTable::parse(text) {
        Ok(t) => raw::from_table(&t),
        Err(e) => {
            let msg = format!("invalid TOML: {}", e.message().trim());
            let d = match e.span() {
                Some(s) => index.at(file_name, s.start, msg),
                None => Diagnostic::new(file_name, msg),
            };
            return Err(Diagnostics(vec![d]));
        }
    };
    let mut ctx = Ctx {
        file: file_name,
        index: &index,
        prefix: None,
        errs: Vec::new(),
    };
    for o in overrides {
        apply_override(&mut ctx, &mut root, o);
    }
    let stem = std::path::Path::new(file_name)
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| file_name.to_string());
    let stem = stem.strip_suffix(".toml").unwrap_or(&stem).to_string();
    if !ctx.errs.is_empty() {
        return Err(Diagnostics(ctx.errs));
    }
    let scenario = validate::scenario(&mut ctx, &root, &stem);
    let sweep = match root.get("sweep") {
        Some(s) if matches!(s.kind, Kind::Table(_)) => sweep(&mut ctx, &root, s, &stem),
        _ => None,
    };
    if !ctx.errs.is_empty() {
        return Err(Diagnostics(ctx.errs));
    }
    Ok(Loaded {
        scenario: scenario.expect("no errors means a scenario"),
        sweep,
    })
}

/// Applies one `PATH=VALUE`: VALUE is a TOML value if it parses as one, else a string.
fn apply_override(ctx: &mut Ctx, root: &mut Node, text: &str) {
    let loc = Loc::Set(text.to_string());
    let Some((path, value)) = text.split_once('=') else {
        ctx.errs.push(
            Diagnostic::new(format!("--set {text}"), "expected PATH=VALUE")
                .with_help("e.g. --set tiers.web.instances=4 or --set simulation.horizon=2y"),
        );
        return;
    };
    let path = match raw::split_path(path) {
        Ok(p) => p,
        Err(e) => {
            ctx.errs.push(Diagnostic::new(format!("--set {text}"), e));
            return;
        }
    };
    let value = value.trim();
    let mut node = match toml::de::DeValue::parse(value) {
        Ok(v) => raw::from_value(&v),
        Err(_) => Node {
            loc: Loc::Nowhere,
            kind: Kind::Str(value.to_string()),
        },
    };
    node.relocate(&loc);
    if let Err(e) = raw::set(root, &path, node, loc) {
        ctx.errs.push(Diagnostic::new(format!("--set {text}"), e));
    }
}

/// Expands `[sweep]` into validated points; problems are pushed to `ctx`.
fn sweep(ctx: &mut Ctx, root: &Node, s: &Node, stem: &str) -> Option<Sweep> {
    let Some(p) = s.get("parameter") else {
        ctx.errs.push(ctx.diag(
            &s.loc,
            "[sweep] needs `parameter`, a dotted key path like \"tiers.web.instances\"".into(),
        ));
        return None;
    };
    let Kind::Str(param) = &p.kind else {
        ctx.errs.push(ctx.diag(
            &p.loc,
            format!("sweep.parameter must be a string, found {}", p.type_name()),
        ));
        return None;
    };
    let path = match raw::split_path(param) {
        Ok(path) => path,
        Err(e) => {
            ctx.errs
                .push(ctx.diag(&p.loc, format!("sweep.parameter: {e}")));
            return None;
        }
    };
    let target = match raw::lookup(root, &path) {
        Ok(t) => t,
        Err((msg, keys, wrong)) => {
            let mut d = ctx.diag(&p.loc, format!("sweep.parameter `{param}`: {msg}"));
            if let Some(g) = suggest(&wrong, keys.iter().map(|k| k.as_str())) {
                d = d.with_help(format!("did you mean `{g}`?"));
            } else {
                d = d.with_help("the swept key must be written in the file (or given with --set)");
            }
            ctx.errs.push(d);
            return None;
        }
    };
    if path.first().is_some_and(|f| f == "sweep") {
        ctx.errs.push(ctx.diag(
            &p.loc,
            "sweep.parameter cannot point into [sweep] itself".into(),
        ));
        return None;
    }
    let integer = match target.kind {
        Kind::Int(_) => true,
        Kind::Float(_) => false,
        _ => {
            ctx.errs.push(ctx.diag(
                &p.loc,
                format!(
                    "sweep.parameter `{param}` is {}, not a number; only numeric keys can be swept",
                    target.type_name()
                ),
            ));
            return None;
        }
    };
    let values = sweep_values(ctx, s)?;
    let mut points = Vec::new();
    let mut failed = false;
    for (v, loc) in values {
        let kind = if integer && (v - v.round()).abs() < 1e-9 && v.abs() < 9e15 {
            Kind::Int(v.round() as i64)
        } else {
            Kind::Float(v)
        };
        let shown = match kind {
            Kind::Int(i) => i.to_string(),
            _ => v.to_string(),
        };
        let mut doc = root.clone();
        raw::set(
            &mut doc,
            &path,
            Node {
                loc: loc.clone(),
                kind,
            },
            loc,
        )
        .expect("the path exists");
        let mut sub = Ctx {
            file: ctx.file,
            index: ctx.index,
            prefix: Some(format!("sweep point {param} = {shown}")),
            errs: Vec::new(),
        };
        match validate::scenario(&mut sub, &doc, stem) {
            Some(sc) => points.push((v, sc)),
            None => {
                failed = true;
                ctx.errs.extend(sub.errs);
            }
        }
    }
    (!failed).then_some(Sweep {
        parameter: param.clone(),
        points,
    })
}

/// The sweep values with where each came from: `values = [...]` or from/to/steps.
fn sweep_values(ctx: &mut Ctx, s: &Node) -> Option<Vec<(f64, Loc)>> {
    let num = |ctx: &mut Ctx, n: &Node, what: &str| -> Option<f64> {
        let v = match n.kind {
            Kind::Int(i) => i as f64,
            Kind::Float(f) => f,
            _ => {
                ctx.errs.push(ctx.diag(
                    &n.loc,
                    format!("{what} must be a number, found {}", n.type_name()),
                ));
                return None;
            }
        };
        if !v.is_finite() {
            ctx.errs
                .push(ctx.diag(&n.loc, format!("{what} must be a finite number, found {v}")));
            return None;
        }
        Some(v)
    };
    match (s.get("values"), s.get("from")) {
        (Some(_), Some(f)) => {
            ctx.errs.push(ctx.diag(
                &f.loc,
                "[sweep]: give either `values` or `from`/`to`/`steps`, not both".into(),
            ));
            None
        }
        (Some(v), None) => {
            let Kind::Array(items) = &v.kind else {
                ctx.errs.push(ctx.diag(
                    &v.loc,
                    format!(
                        "sweep.values must be an array of numbers, found {}",
                        v.type_name()
                    ),
                ));
                return None;
            };
            if items.is_empty() {
                ctx.errs
                    .push(ctx.diag(&v.loc, "sweep.values is empty".into()));
                return None;
            }
            let before = ctx.errs.len();
            let out: Vec<(f64, Loc)> = items
                .iter()
                .filter_map(|n| num(ctx, n, "sweep.values").map(|x| (x, n.loc.clone())))
                .collect();
            (ctx.errs.len() == before).then_some(out)
        }
        (None, Some(f)) => {
            let from = num(ctx, f, "sweep.from");
            let to = match s.get("to") {
                Some(t) => num(ctx, t, "sweep.to"),
                None => {
                    ctx.errs.push(
                        ctx.diag(&s.loc, "[sweep] with `from` needs `to` and `steps`".into()),
                    );
                    None
                }
            };
            let steps = match s.get("steps") {
                Some(n) => match n.kind {
                    Kind::Int(k) if (1..=10_000).contains(&k) => Some(k as usize),
                    _ => {
                        ctx.errs.push(ctx.diag(
                            &n.loc,
                            "sweep.steps must be an integer from 1 to 10000".into(),
                        ));
                        None
                    }
                },
                None => {
                    ctx.errs
                        .push(ctx.diag(&s.loc, "[sweep] with `from` needs `steps`".into()));
                    None
                }
            };
            let log = match s.get("scale") {
                None => Some(false),
                Some(n) => match &n.kind {
                    Kind::Str(x) if x == "linear" => Some(false),
                    Kind::Str(x) if x == "log" => Some(true),
                    _ => {
                        ctx.errs.push(
                            ctx.diag(&n.loc, "sweep.scale must be \"linear\" or \"log\"".into()),
                        );
                        None
                    }
                },
            };
            let (from, to, steps, log) = (from?, to?, steps?, log?);
            if log && (from <= 0.0 || to <= 0.0) {
                ctx.errs
                    .push(ctx.diag(&f.loc, "a log-scale sweep needs from and to > 0".into()));
                return None;
            }
            let loc = f.loc.clone();
            Some(
                (0..steps)
                    .map(|i| {
                        let t = if steps == 1 {
                            0.0
                        } else {
                            i as f64 / (steps - 1) as f64
                        };
                        let v = if log {
                            (from.ln() + t * (to.ln() - from.ln())).exp()
                        } else {
                            from + t * (to - from)
                        };
                        let v = if i + 1 == steps && steps > 1 { to } else { v };
                        (v, loc.clone())
                    })
                    .collect(),
            )
        }
        (None, None) => {
            ctx.errs.push(ctx.diag(
                &s.loc,
                "[sweep] needs `values = [...]` or `from`, `to` and `steps`".into(),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests;

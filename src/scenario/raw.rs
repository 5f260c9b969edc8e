//! The parsed TOML document as an owned tree that keeps where every key and value
//! came from (a byte span in the file, or a `--set` override), so that overrides and
//! sweep points can edit it before validation and errors still point somewhere.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Where a key or value came from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Loc {
    /// Byte range in the scenario file.
    Span(usize, usize),
    /// A `--set PATH=VALUE` override (the full `PATH=VALUE` text).
    Set(String),
    /// Nowhere in particular (whole-file problems).
    Nowhere,
}

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub loc: Loc,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Str(String),
    Int(i64),
    /// An integer literal that does not fit in 64 bits (kept as written).
    BigInt(String),
    Float(f64),
    Bool(bool),
    Datetime,
    Array(Vec<Node>),
    /// Entries in file order.
    Table(Vec<Entry>),
}

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub key: String,
    pub key_loc: Loc,
    pub value: Node,
}

impl Node {
    pub(crate) fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Str(_) => "a string",
            Kind::Int(_) | Kind::BigInt(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Datetime => "a datetime",
            Kind::Array(_) => "an array",
            Kind::Table(_) => "a table",
        }
    }

    pub(crate) fn entries(&self) -> &[Entry] {
        match &self.kind {
            Kind::Table(e) => e,
            _ => &[],
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// Sets every location in this subtree to `loc` (values from overrides).
    pub(crate) fn relocate(&mut self, loc: &Loc) {
        self.loc = loc.clone();
        match &mut self.kind {
            Kind::Array(items) => items.iter_mut().for_each(|n| n.relocate(loc)),
            Kind::Table(entries) => entries.iter_mut().for_each(|e| {
                e.key_loc = loc.clone();
                e.value.relocate(loc);
            }),
            _ => {}
        }
    }
}

pub(crate) fn from_table(t: &Spanned<DeTable<'_>>) -> Node {
    let span = t.span();
    Node {
        loc: Loc::Span(span.start, span.end),
        kind: table_kind(t.get_ref()),
    }
}

fn table_kind(t: &DeTable<'_>) -> Kind {
    let mut entries: Vec<Entry> = t
        .iter()
        .map(|(k, v)| {
            let ks = k.span();
            Entry {
                key: k.get_ref().to_string(),
                key_loc: Loc::Span(ks.start, ks.end),
                value: from_value(v),
            }
        })
        .collect();
    // The parser's map is sorted by key; report problems in file order instead.
    entries.sort_by_key(|e| match e.key_loc {
        Loc::Span(s, _) => s,
        _ => usize::MAX,
    });
    Kind::Table(entries)
}

pub(crate) fn from_value(v: &Spanned<DeValue<'_>>) -> Node {
    let span = v.span();
    let kind = match v.get_ref() {
        DeValue::String(s) => Kind::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Kind::Int(n),
            Err(_) => Kind::BigInt(i.to_string()),
        },
        DeValue::Float(f) => Kind::Float(parse_float(f.as_str())),
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(_) => Kind::Datetime,
        DeValue::Array(a) => Kind::Array(a.iter().map(from_value).collect()),
        DeValue::Table(t) => table_kind(t),
    };
    let mut node = Node {
        loc: Loc::Span(span.start, span.end),
        kind,
    };
    // Header tables (`[a.b]`) can have an empty span; point at their first key.
    if let (Loc::Span(s, e), Kind::Table(entries)) = (&node.loc, &node.kind) {
        if s == e {
            if let Some(first) = entries.first() {
                node.loc = first.key_loc.clone();
            }
        }
    }
    node
}

/// TOML float text (`1_000.5`, `inf`, `-nan`) to f64.
fn parse_float(text: &str) -> f64 {
    let t: String = text.chars().filter(|c| *c != '_').collect();
    match t.trim_start_matches(['+', '-']) {
        "inf" => {
            if t.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        "nan" => f64::NAN,
        _ => t.parse().unwrap_or(f64::NAN),
    }
}

/// Splits `tiers.web.instances` (also `deploys.0.every`) into segments; quoted
/// segments (`tiers."my.tier".instances`) may contain dots.
pub(crate) fn split_path(path: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in path.trim().chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    if quoted {
        return Err(format!("unbalanced quote in key path `{path}`"));
    }
    if out.iter().any(|s| s.trim().is_empty()) {
        return Err(format!(
            "`{path}` is not a dotted key path like `tiers.web.instances`"
        ));
    }
    Ok(out.into_iter().map(|s| s.trim().to_string()).collect())
}

/// The node at `path`, or the error: (message, deepest existing node, its keys).
pub(crate) fn lookup<'n>(
    root: &'n Node,
    path: &[String],
) -> Result<&'n Node, (String, Vec<String>, String)> {
    let mut cur = root;
    for (i, seg) in path.iter().enumerate() {
        let next = match &cur.kind {
            Kind::Table(entries) => entries.iter().find(|e| &e.key == seg).map(|e| &e.value),
            Kind::Array(items) => seg.parse::<usize>().ok().and_then(|n| items.get(n)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => {
                let keys = cur.entries().iter().map(|e| e.key.clone()).collect();
                let at = if i == 0 {
                    "the top level".to_string()
                } else {
                    format!("`{}`", path[..i].join("."))
                };
                return Err((
                    format!("there is no key `{seg}` in {at}"),
                    keys,
                    seg.clone(),
                ));
            }
        }
    }
    Ok(cur)
}

/// Sets the value at `path`, creating missing tables and the key.
pub(crate) fn set(
    root: &mut Node,
    path: &[String],
    value: Node,
    key_loc: Loc,
) -> Result<(), String> {
    let mut cur = root;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let here = path[..=i].join(".");
        let type_name = cur.type_name();
        match &mut cur.kind {
            Kind::Table(entries) => {
                let idx = match entries.iter().position(|e| &e.key == seg) {
                    Some(idx) => idx,
                    None => {
                        entries.push(Entry {
                            key: seg.clone(),
                            key_loc: key_loc.clone(),
                            value: Node {
                                loc: key_loc.clone(),
                                kind: Kind::Table(Vec::new()),
                            },
                        });
                        entries.len() - 1
                    }
                };
                if last {
                    entries[idx].value = value;
                    return Ok(());
                }
                cur = &mut entries[idx].value;
            }
            Kind::Array(items) => {
                let n = items.len();
                let item = seg
                    .parse::<usize>()
                    .ok()
                    .and_then(|k| items.get_mut(k))
                    .ok_or_else(|| {
                        format!("`{here}`: `{seg}` is not an index of an array of {n} entries")
                    })?;
                if last {
                    *item = value;
                    return Ok(());
                }
                cur = item;
            }
            _ => {
                let parent = path[..i].join(".");
                return Err(format!("`{parent}` is {type_name}, not a table"));
            }
        }
    }
    Ok(())
}

//! Scenario diagnostics: one message per problem, with file, 1-based line and column,
//! the offending source line and an optional hint. Rendering is plain text (no colours).

use std::fmt;

/// One problem found while loading a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The scenario file name, or `--set PATH=VALUE` for a bad command-line override.
    pub file: String,
    /// 1-based line, when the problem has a position in the file.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the problem has a position in the file.
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
    /// The text of the source line at `line` (without its newline), printed as a
    /// snippet under the message. Not part of the position; `None` when unknown.
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without a position (I/O errors, whole-file problems).
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    /// Adds a hint printed as `= help: ...`.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "error: {}:{l}:{c}: {}", self.file, self.message)?,
            (Some(l), None) => write!(f, "error: {}:{l}: {}", self.file, self.message)?,
            _ => write!(f, "error: {}: {}", self.file, self.message)?,
        }
        let width = self.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(width);
        if let (Some(l), Some(text)) = (self.line, &self.snippet) {
            write!(f, "\n{pad} |\n{l} | {text}")?;
            if let Some(c) = self.column {
                write!(f, "\n{pad} | {}^", " ".repeat(c.saturating_sub(1)))?;
            }
        }
        if let Some(h) = &self.help {
            write!(f, "\n{pad} = help: {h}")?;
        }
        Ok(())
    }
}

/// Every problem found in one load, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    /// All diagnostics, separated by blank lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Maps byte offsets of one source text to 1-based line and column.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// (line, column, text of the line) for a byte offset; offsets past the end map
    /// to the end of the text.
    pub(crate) fn locate(&self, offset: usize) -> (usize, usize, String) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        let end = self.starts.get(line + 1).map_or(self.text.len(), |e| e - 1);
        let text = self.text[start..end.max(start)]
            .trim_end_matches('\r')
            .to_string();
        (line + 1, col, text)
    }

    /// A diagnostic at a byte offset of this text.
    pub(crate) fn at(&self, file: &str, offset: usize, message: String) -> Diagnostic {
        let (line, col, text) = self.locate(offset);
        Diagnostic {
            file: file.to_string(),
            line: Some(line),
            column: Some(col),
            message,
            help: None,
            snippet: Some(text),
        }
    }
}

/// Levenshtein distance, for "did you mean" hints.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate nearest to `word`, when it is close enough to be a likely typo.
pub(crate) fn suggest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let word_l = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word_l, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2 || *d * 3 <= c.len().max(word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

//! PNG plots (placeholder while plots are written).
use std::path::{Path, PathBuf};
pub(super) fn write_all(_dir: &Path, _r: &super::Report) -> anyhow::Result<Vec<PathBuf>> {
    Ok(vec![])
}

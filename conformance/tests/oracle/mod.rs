//! Finding the Python oracle (`../shared/oracle`, see its README) from a test:
//! `$ORACLE_PY`, or the venv its idempotent `setup.sh` creates and prints.

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The oracle folder; a missing oracle fails the test.
pub fn dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/oracle");
    assert!(
        dir.join("setup.sh").is_file(),
        "the oracle is missing: {} has no setup.sh; this test cannot pass without it",
        dir.display()
    );
    dir
}

/// The oracle's Python: `$ORACLE_PY`, or `bin/python` of the venv `setup.sh` prints.
pub fn python() -> PathBuf {
    python_in(&dir())
}

/// [`python`] for the oracle folder `dir` (tests outside this crate pass their own).
pub fn python_in(dir: &Path) -> PathBuf {
    if let Some(python) = std::env::var_os("ORACLE_PY") {
        return PathBuf::from(python);
    }
    let setup = dir.join("setup.sh");
    let output = Command::new(&setup)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", setup.display()));
    assert!(
        output.status.success(),
        "{} failed ({}); set ORACLE_PY to a Python with botocore 1.44.5 and moto 5.2.5.\n{}",
        setup.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let venv = stdout
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .unwrap_or_else(|| panic!("{} printed no venv path", setup.display()));
    let python = Path::new(venv).join("bin/python");
    assert!(
        python.exists(),
        "{} printed venv {venv}, but {} does not exist",
        setup.display(),
        python.display()
    );
    python
}

/// The venv folder of `python` (`…/venv/bin/python` → `…/venv`), for scripts that
/// take `$ORACLE_VENV`.
pub fn venv_of(python: &Path) -> PathBuf {
    python
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("/tmp/oracle-venv"), Path::to_path_buf)
}

//! The generator's error type: every failure names where in the model it happened.

use std::fmt;

/// Why generation failed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The place the problem was found: a file with line and column, a shape id, or
    /// `shape id$member`.
    pub location: String,
    /// What is wrong, with a hint where one helps.
    pub message: String,
}

impl Error {
    /// An error at `location`.
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

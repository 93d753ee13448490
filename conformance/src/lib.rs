#![doc = include_str!("../../README.md")]
//!
//! (This crate holds the wire tests of the generated crate; the README above is
//! its documentation, so the README's example runs as a doctest.)

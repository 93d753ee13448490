//! `smithy.api#sensitive`: which values `Debug` must not print.
//!
//! In Smithy 2.0 the trait goes on any shape but a service, operation, resource or member;
//! Smithy 1.0 also allowed it on members, and 1.0 models are read too, so a member's own
//! trait counts as well. A member is sensitive when it has the trait, when its target has
//! it, or when its target is a list (or set) whose member is sensitive, or a map whose key
//! or value is: a collection holding sensitive values is redacted whole. A member that
//! targets a structure with sensitive members (but not sensitive itself) is not: that
//! structure's own `Debug` redacts them.

use super::*;

/// Whether a member with these traits, targeting `target`, holds sensitive data.
pub(super) fn member(model: &Model, m: &smithy::Member) -> bool {
    m.has(traits::SENSITIVE) || target(model, &m.target, 0)
}

/// Whether values of the shape `id` are sensitive (by its own trait, or as a collection of
/// sensitive values).
pub(super) fn target(model: &Model, id: &str, depth: usize) -> bool {
    // Collections cannot nest themselves without a structure between (which stops the
    // walk); the bound only keeps an invalid model from looping.
    if depth > 32 || is_prelude_simple(id) {
        return false;
    }
    let Some(shape) = model.shapes.get(id) else {
        return false;
    };
    if shape.has(traits::SENSITIVE) {
        return true;
    }
    let inner = |m: &Option<smithy::Member>| {
        m.as_ref()
            .is_some_and(|m| m.has(traits::SENSITIVE) || target(model, &m.target, depth + 1))
    };
    match shape.kind {
        ShapeType::List | ShapeType::Set => inner(&shape.member),
        ShapeType::Map => inner(&shape.key) || inner(&shape.value),
        _ => false,
    }
}

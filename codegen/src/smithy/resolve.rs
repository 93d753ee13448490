//! Resolution of `apply` shapes and mixins, so that every later stage sees each
//! shape with all of its members and traits.

use super::{Member, Shape, ShapeType};
use crate::error::{Error, Result};
use indexmap::IndexMap;
use serde_json::Value;

/// Applies `apply` shapes, then flattens mixins into the shapes that use them.
pub(super) fn resolve(mut shapes: IndexMap<String, Shape>) -> Result<IndexMap<String, Shape>> {
    let applies: Vec<(String, Shape)> = {
        let ids: Vec<String> = shapes
            .iter()
            .filter(|(_, s)| s.kind == ShapeType::Apply)
            .map(|(id, _)| id.clone())
            .collect();
        ids.into_iter()
            .filter_map(|id| shapes.shift_remove(&id).map(|s| (id, s)))
            .collect()
    };

    let ids: Vec<String> = shapes.keys().cloned().collect();
    let mut done: IndexMap<String, Shape> = IndexMap::new();
    for id in &ids {
        flatten_mixins(id, &shapes, &mut done, &mut Vec::new())?;
    }
    // Keep file order.
    shapes = ids
        .into_iter()
        .filter_map(|id| done.shift_remove(&id).map(|s| (id, s)))
        .collect();

    for (id, apply) in applies {
        let traits = apply.traits;
        match id.split_once('$') {
            None => {
                let shape = shapes.get_mut(&id).ok_or_else(|| {
                    Error::new(&id, "`apply` targets a shape that is not in the model")
                })?;
                merge_traits(&mut shape.traits, traits);
            }
            Some((shape_id, member)) => {
                let shape = shapes.get_mut(shape_id).ok_or_else(|| {
                    Error::new(&id, "`apply` targets a shape that is not in the model")
                })?;
                let target = member_mut(shape, member).ok_or_else(|| {
                    Error::new(&id, "`apply` targets a member that does not exist")
                })?;
                merge_traits(&mut target.traits, traits);
            }
        }
    }
    Ok(shapes)
}

fn member_mut<'a>(shape: &'a mut Shape, name: &str) -> Option<&'a mut Member> {
    match name {
        "member" if shape.member.is_some() => shape.member.as_mut(),
        "key" if shape.key.is_some() => shape.key.as_mut(),
        "value" if shape.value.is_some() => shape.value.as_mut(),
        _ => shape.members.get_mut(name),
    }
}

fn merge_traits(into: &mut IndexMap<String, Value>, from: IndexMap<String, Value>) {
    for (k, v) in from {
        into.insert(k, v);
    }
}

/// Resolves `id` into `done`, resolving its mixins first (depth first, with
/// cycle detection through `stack`).
fn flatten_mixins(
    id: &str,
    shapes: &IndexMap<String, Shape>,
    done: &mut IndexMap<String, Shape>,
    stack: &mut Vec<String>,
) -> Result<()> {
    if done.contains_key(id) {
        return Ok(());
    }
    if stack.iter().any(|s| s == id) {
        return Err(Error::new(id, "mixins form a cycle"));
    }
    let Some(shape) = shapes.get(id) else {
        return Err(Error::new(
            stack.last().map_or(id, String::as_str),
            format!("uses mixin `{id}`, which is not a shape of the model"),
        ));
    };
    if shape.mixins.is_empty() {
        done.insert(id.to_owned(), shape.clone());
        return Ok(());
    }
    stack.push(id.to_owned());
    let mut members: IndexMap<String, Member> = IndexMap::new();
    let mut traits: IndexMap<String, Value> = IndexMap::new();
    for mixin in &shape.mixins {
        flatten_mixins(&mixin.target, shapes, done, stack)?;
        let m = &done[mixin.target.as_str()];
        if !m.traits.contains_key(super::traits::MIXIN) {
            return Err(Error::new(
                id,
                format!(
                    "uses `{}` as a mixin, but it has no `smithy.api#mixin` trait",
                    mixin.target
                ),
            ));
        }
        let local: Vec<&str> = m.traits[super::traits::MIXIN]
            .get("localTraits")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (k, v) in &m.traits {
            if k != super::traits::MIXIN && !local.contains(&k.as_str()) {
                traits.insert(k.clone(), v.clone());
            }
        }
        for (name, member) in &m.members {
            members.insert(name.clone(), member.clone());
        }
    }
    stack.pop();
    let mut resolved = shape.clone();
    resolved.mixins.clear();
    merge_traits(&mut traits, std::mem::take(&mut resolved.traits));
    resolved.traits = traits;
    // A shape may re-declare a mixin member to add traits to it.
    for (name, own) in std::mem::take(&mut resolved.members) {
        match members.get_mut(&name) {
            Some(inherited) => merge_traits(&mut inherited.traits, own.traits),
            None => {
                members.insert(name, own);
            }
        }
    }
    resolved.members = members;
    done.insert(id.to_owned(), resolved);
    Ok(())
}

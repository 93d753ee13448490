//! What the client needs beyond the wire: `smithy.api#paginated` (merged with the
//! service's defaults and checked against the input and output structures), whether an
//! operation may be retried, and that the client's method names do not collide.

use super::*;

/// Whether `name` follows AWS's naming rule for read-only operations.
fn reads_by_name(name: &str) -> bool {
    ["Describe", "List"].iter().any(|prefix| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// The operation's retry safety, from its traits, else its name.
pub(super) fn retry_safety(shape: &Shape, name: &str) -> RetrySafety {
    if shape.has(traits::READONLY) {
        RetrySafety::ReadOnly
    } else if shape.has(traits::IDEMPOTENT) {
        RetrySafety::Idempotent
    } else if reads_by_name(name) {
        RetrySafety::ReadOnlyByName
    } else {
        RetrySafety::NotSafe
    }
}

/// The names the generated `Client` defines besides the operation methods.
const CLIENT_METHODS: &[&str] = &["new", "from_env", "config", "handle"];

/// Fails when two client methods would share a name: an operation's method
/// (`copy_snapshot`), a paginated operation's `…_pages`, a waiter's `wait_until_…`, or the
/// fixed methods.
pub(super) fn check_client_methods(operations: &[Operation], waiters: &[Waiter]) -> Result<()> {
    let fixed = CLIENT_METHODS
        .iter()
        .map(|m| ((*m).to_owned(), format!("the client's own method `{m}`")));
    let ops = operations.iter().flat_map(|op| {
        let pages = op
            .paginated
            .as_ref()
            .map(|_| (format!("{}_pages", op.module.text), op.id.clone()));
        std::iter::once((op.module.text.clone(), op.id.clone())).chain(pages)
    });
    let waits = waiters.iter().map(|w| {
        (
            w.method.text.clone(),
            format!("{} (waiter {})", w.operation, w.name),
        )
    });
    check_unique(fixed.chain(ops).chain(waits), "client method")
}

impl<'m> Lowering<'m> {
    /// The kind of shape `target` is, prelude shapes included.
    fn kind_of(&self, target: &str) -> Option<ShapeType> {
        match target.strip_prefix("smithy.api#") {
            Some("String") => Some(ShapeType::String),
            Some("Integer" | "PrimitiveInteger") => Some(ShapeType::Integer),
            Some("Long" | "PrimitiveLong") => Some(ShapeType::Long),
            Some("Short" | "PrimitiveShort") => Some(ShapeType::Short),
            Some("Byte" | "PrimitiveByte") => Some(ShapeType::Byte),
            _ => self.model.shapes.get(target).map(|s| s.kind),
        }
    }

    /// Follows `path` (`A.B.C`) through the members of structure `start`; returns the steps
    /// and the last member with its id.
    fn member_path(
        &self,
        op: &str,
        what: &str,
        start: &str,
        path: &str,
    ) -> Result<(Vec<PathStep>, &'m smithy::Member, String)> {
        let mut current = start.to_owned();
        let mut steps = Vec::new();
        let segments: Vec<&str> = path.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let shape = self.model.shape(&current, op)?;
            if shape.kind != ShapeType::Structure {
                return Err(Error::new(
                    op,
                    format!("paginated {what} `{path}`: `{current}` is not a structure"),
                ));
            }
            let member = shape.members.get(*segment).ok_or_else(|| {
                Error::new(
                    op,
                    format!("paginated {what} `{path}`: `{current}` has no member `{segment}`"),
                )
            })?;
            steps.push(PathStep {
                member: (*segment).to_owned(),
                field: naming::snake(segment),
            });
            let at = format!("{current}${segment}");
            if i + 1 == segments.len() {
                return Ok((steps, member, at));
            }
            current = member.target.clone();
        }
        Err(Error::new(op, format!("paginated {what} is empty")))
    }

    /// `smithy.api#paginated` of `op`, with `inputToken`, `outputToken` and `pageSize`
    /// defaulting to the service's `smithy.api#paginated`.
    pub(super) fn paginated(&self, service: &Shape, op: &Operation) -> Result<Option<Paginated>> {
        let shape = self.model.shape(&op.id, "service")?;
        let Some(own) = shape.traits.get(traits::PAGINATED) else {
            return Ok(None);
        };
        let defaults = service.traits.get(traits::PAGINATED);
        let setting = |key: &str| -> Result<Option<&str>> {
            match own.get(key).or_else(|| {
                (key != "items")
                    .then(|| defaults.and_then(|d| d.get(key)))
                    .flatten()
            }) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.as_str())),
                Some(_) => Err(Error::new(
                    &op.id,
                    format!("paginated `{key}` must be a non-empty string"),
                )),
            }
        };
        let (Some(input_token), Some(output_token)) =
            (setting("inputToken")?, setting("outputToken")?)
        else {
            return Err(Error::new(
                &op.id,
                "is paginated but has no inputToken and outputToken (on the operation or the service)",
            ));
        };
        let (Some(input), Some(output)) = (&op.input, &op.output) else {
            return Err(Error::new(
                &op.id,
                "is paginated but has no input or no output",
            ));
        };

        let top_level = |what: &str, path: &str| {
            if path.contains('.') {
                Err(Error::new(
                    &op.id,
                    format!("paginated {what} `{path}` must be a member of the input, not a path"),
                ))
            } else {
                Ok(())
            }
        };
        top_level("inputToken", input_token)?;
        let (mut steps, member, at) = self.member_path(&op.id, "inputToken", input, input_token)?;
        if self.kind_of(&member.target) != Some(ShapeType::String) {
            return Err(Error::new(
                at,
                "a paginated inputToken must target a string",
            ));
        }
        if member.has(traits::REQUIRED) {
            return Err(Error::new(
                at,
                "a paginated inputToken must not be required",
            ));
        }
        let input_token = steps.remove(0);

        let (output_token, member, at) =
            self.member_path(&op.id, "outputToken", output, output_token)?;
        if self.kind_of(&member.target) != Some(ShapeType::String) {
            return Err(Error::new(
                at,
                "a paginated outputToken must target a string",
            ));
        }

        let page_size = match setting("pageSize")? {
            None => None,
            Some(path) => {
                top_level("pageSize", path)?;
                let (mut steps, member, at) = self.member_path(&op.id, "pageSize", input, path)?;
                if !matches!(
                    self.kind_of(&member.target),
                    Some(ShapeType::Byte | ShapeType::Short | ShapeType::Integer | ShapeType::Long)
                ) {
                    return Err(Error::new(
                        at,
                        "a paginated pageSize must target an integer",
                    ));
                }
                Some(steps.remove(0))
            }
        };

        let (items, item) = match setting("items")? {
            None => (None, None),
            Some(path) => {
                let (steps, member, at) = self.member_path(&op.id, "items", output, path)?;
                match self.ty(&member.target, member, &at)? {
                    Ty::List(list) => (Some(steps), Some(list.item)),
                    _ => {
                        return Err(Error::new(
                            at,
                            "paginated items must target a list (maps are not supported)",
                        ))
                    }
                }
            }
        };
        Ok(Some(Paginated {
            input_token,
            output_token,
            page_size,
            items,
            item,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_names() {
        for name in ["DescribeSnapshots", "ListTagsForResource", "DescribeX"] {
            assert!(reads_by_name(name), "{name}");
        }
        for name in [
            "Describe",
            "Listen",
            "CopySnapshot",
            "Describesnapshots",
            "GetThing",
        ] {
            assert!(!reads_by_name(name), "{name}");
        }
    }
}

//! Lowering a resolved model into the IR.

use super::*;
use crate::error::{Error, Result};
use crate::naming::{self, RustName};
use crate::smithy::{self, traits, Model, Shape, ShapeType, Traits};
use crate::Options;
use std::collections::{BTreeMap, BTreeSet};

mod auth;
mod paginated;
mod sensitive;
mod waiters;

/// Lowers `model` for the operations `options` selects.
pub fn lower(model: &Model, options: &Options) -> Result<Ir> {
    let (service_id, service) = find_service(model, options)?;
    let protocol = protocol(service_id, service)?;
    let version = service
        .version
        .clone()
        .ok_or_else(|| Error::new(service_id, "a query-protocol service needs a `version`"))?;
    let sdk_id = service
        .trait_field(traits::AWS_SERVICE, "sdkId")
        .and_then(Value::as_str)
        .unwrap_or(smithy::shape_name(service_id))
        .to_owned();
    let crate_name = options.crate_name.clone().unwrap_or_else(|| {
        sdk_id
            .to_lowercase()
            .replace([' ', '-'], "")
            .replace('.', "_")
    });

    let mut cx = Lowering {
        model,
        options,
        protocol,
        dirs: BTreeMap::new(),
        referenced: BTreeSet::new(),
        io_owner: BTreeMap::new(),
        enums: BTreeSet::new(),
        open_collections: Vec::new(),
    };

    let all_ops = service_operations(model, service_id)?;
    let selected: Vec<String> = match &options.operations {
        None => all_ops.clone(),
        Some(names) => {
            let mut out = Vec::new();
            for name in names {
                let found = all_ops
                    .iter()
                    .find(|id| smithy::shape_name(id) == name || *id == name)
                    .ok_or_else(|| {
                        Error::new(
                            service_id,
                            format!(
                                "has no operation `{name}` (it has: {})",
                                all_ops
                                    .iter()
                                    .map(|o| smithy::shape_name(o))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                    })?;
                if !out.contains(found) {
                    out.push(found.clone());
                }
            }
            // Keep the service's order.
            all_ops
                .iter()
                .filter(|o| out.contains(o))
                .cloned()
                .collect()
        }
    };

    let mut operations = Vec::new();
    for op_id in &selected {
        let mut op = cx.operation(op_id)?;
        op.signed = auth::signed(
            model,
            service_id,
            service,
            op_id,
            model.shape(op_id, service_id)?,
        )?;
        operations.push(op);
    }
    check_unique(
        operations
            .iter()
            .map(|o| (o.module.text.clone(), o.id.clone())),
        "operation module",
    )?;
    for op in &mut operations {
        op.paginated = cx.paginated(service, op)?;
    }

    let mut structures = Vec::new();
    let ids: Vec<String> = cx.dirs.keys().cloned().collect();
    for id in &ids {
        structures.push(cx.structure(id, &operations)?);
    }
    let mut enums = Vec::new();
    for id in cx.enums.clone() {
        enums.push(cx.enumeration(&id)?);
    }
    // `Ir::structure` and `Ir::enumeration` search these by id.
    debug_assert!(structures.windows(2).all(|w| w[0].id < w[1].id));
    debug_assert!(enums.windows(2).all(|w| w[0].id < w[1].id));

    // Response tests declared on an error structure run under the first selected
    // operation that can return it.
    let mut placed = BTreeSet::new();
    for op in &mut operations {
        for e in &op.errors {
            if !placed.insert(e.clone()) {
                continue;
            }
            let shape = model.shape(e, &op.id)?;
            for case in client_cases(shape, traits::HTTP_RESPONSE_TESTS) {
                op.response_tests.push(response_test(e, Some(e), case)?);
            }
        }
    }

    mark_boxed(&mut structures);
    set_io_aliases(&mut operations, &structures);
    check_names(&operations, &structures, &enums)?;
    let waiters = waiters::waiters(model, &operations, &structures, &enums)?;
    paginated::check_client_methods(&operations, &waiters)?;

    let endpoint_rules = rules::lower(service_id, service.traits.get(traits::ENDPOINT_RULE_SET))?;
    let endpoint_tests = rules::tests(
        service_id,
        endpoint_rules.as_ref(),
        service.traits.get(traits::ENDPOINT_TESTS),
    )?;
    let service_docs = service
        .string_trait(traits::DOCUMENTATION)
        .map(crate::docs::to_markdown);
    Ok(Ir {
        service: Service {
            id: service_id.to_owned(),
            crate_name,
            sdk_id,
            protocol,
            version,
            xml_namespace: service
                .trait_field(traits::XML_NAMESPACE, "uri")
                .and_then(Value::as_str)
                .map(str::to_owned),
            signing_name: service
                .trait_field(traits::SIGV4, "name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            endpoint_prefix: service
                .trait_field(traits::AWS_SERVICE, "endpointPrefix")
                .and_then(Value::as_str)
                .map(str::to_owned),
            docs: service_docs,
        },
        operations,
        structures,
        enums,
        waiters,
        endpoint_rules,
        endpoint_tests,
    })
}

/// The service's protocol: exactly one of the query protocols' traits.
fn protocol(service_id: &str, service: &Shape) -> Result<Protocol> {
    let supported = [Protocol::AwsQuery, Protocol::Ec2Query];
    let found: Vec<Protocol> = supported
        .into_iter()
        .filter(|p| service.has(p.trait_id()))
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => {
            let protocols: Vec<&str> = service
                .traits
                .keys()
                .filter(|k| k.starts_with("aws.protocols#"))
                .map(String::as_str)
                .collect();
            Err(Error::new(
                service_id,
                format!(
                    "only the aws.protocols#awsQuery and aws.protocols#ec2Query protocols are supported; this service has {}",
                    if protocols.is_empty() {
                        "none".to_owned()
                    } else {
                        protocols.join(", ")
                    }
                ),
            ))
        }
        _ => Err(Error::new(
            service_id,
            "has both aws.protocols#awsQuery and aws.protocols#ec2Query; a client speaks one of them",
        )),
    }
}

/// The form key of a member: for awsQuery its `xmlName`, else its name; for ec2Query its
/// `ec2QueryName`, else its `xmlName` with the first letter upper-cased, else its name
/// likewise.
fn query_key(protocol: Protocol, name: &str, m: &smithy::Member) -> String {
    let xml_name = m.string_trait(traits::XML_NAME);
    match protocol {
        Protocol::AwsQuery => xml_name.unwrap_or(name).to_owned(),
        Protocol::Ec2Query => match m.string_trait(traits::EC2_QUERY_NAME) {
            Some(q) => q.to_owned(),
            None => capitalize(xml_name.unwrap_or(name)),
        },
    }
}

/// `s` with its first character upper-cased.
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn find_service<'m>(model: &'m Model, options: &Options) -> Result<(&'m str, &'m Shape)> {
    let services: Vec<_> = model.services().collect();
    match (services.as_slice(), &options.service) {
        (_, Some(want)) => services
            .iter()
            .find(|(id, _)| *id == want || smithy::shape_name(id) == want)
            .map(|(id, s)| (id.as_str(), *s))
            .ok_or_else(|| Error::new(want, "no such service shape in the model")),
        ([(id, s)], None) => Ok((id.as_str(), s)),
        ([], None) => Err(Error::new("model", "has no service shape")),
        (many, None) => Err(Error::new(
            "model",
            format!(
                "has {} service shapes ({}); choose one with the `service` option",
                many.len(),
                many.iter()
                    .map(|(id, _)| id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The service's operations, including those bound through resources.
fn service_operations(model: &Model, service_id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![service_id.to_owned()];
    let mut seen = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let shape = model.shape(&id, service_id)?;
        for op in &shape.operations {
            model.shape(&op.target, &id)?;
            if !out.contains(&op.target) {
                out.push(op.target.clone());
            }
        }
        for key in ["create", "put", "read", "update", "delete", "list"] {
            if let Some(t) = shape
                .other
                .get(key)
                .and_then(|v| v.get("target"))
                .and_then(Value::as_str)
            {
                if !out.iter().any(|o| o == t) {
                    out.push(t.to_owned());
                }
            }
        }
        if let Some(ops) = shape
            .other
            .get("collectionOperations")
            .and_then(Value::as_array)
        {
            for t in ops
                .iter()
                .filter_map(|v| v.get("target"))
                .filter_map(Value::as_str)
            {
                if !out.iter().any(|o| o == t) {
                    out.push(t.to_owned());
                }
            }
        }
        for r in shape.resources.iter().rev() {
            stack.push(r.target.clone());
        }
    }
    Ok(out)
}

struct Lowering<'m> {
    model: &'m Model,
    options: &'m Options,
    protocol: Protocol,
    /// Structures of the closure, with the directions they travel.
    dirs: BTreeMap<String, Directions>,
    /// Structures some member refers to.
    referenced: BTreeSet<String>,
    /// For input/output structures: the operations using them.
    io_owner: BTreeMap<String, Vec<RustName>>,
    /// Enums of the closure.
    enums: BTreeSet<String>,
    /// The lists and maps entered since the last structure or union on the path being
    /// visited: one of them reached again is a collection that contains itself.
    open_collections: Vec<String>,
}

impl<'m> Lowering<'m> {
    fn operation(&mut self, id: &str) -> Result<Operation> {
        let shape = self.model.shape(id, "service")?;
        if shape.kind != ShapeType::Operation {
            return Err(Error::new(id, "is bound as an operation but is not one"));
        }
        let name = smithy::shape_name(id).to_owned();
        let module = naming::snake(&name);
        let input = shape
            .input
            .as_ref()
            .map(|t| t.target.clone())
            .filter(|t| t != "smithy.api#Unit");
        let output = shape
            .output
            .as_ref()
            .map(|t| t.target.clone())
            .filter(|t| t != "smithy.api#Unit");
        for (io, dir) in [
            (
                &input,
                Directions {
                    input: true,
                    output: false,
                },
            ),
            (
                &output,
                Directions {
                    input: false,
                    output: true,
                },
            ),
        ] {
            if let Some(t) = io {
                let s = self.model.shape(t, id)?;
                if s.kind != ShapeType::Structure {
                    return Err(Error::new(
                        id,
                        format!("input/output `{t}` must be a structure"),
                    ));
                }
                self.io_owner
                    .entry(t.clone())
                    .or_default()
                    .push(module.clone());
                self.visit_structure(t, dir)?;
            }
        }
        let mut errors = Vec::new();
        let service_errors: Vec<String> = self
            .model
            .services()
            .flat_map(|(_, s)| s.errors.iter().map(|e| e.target.clone()))
            .collect();
        for e in shape
            .errors
            .iter()
            .map(|e| e.target.clone())
            .chain(service_errors)
        {
            let s = self.model.shape(&e, id)?;
            if s.kind != ShapeType::Structure || !s.has(traits::ERROR) {
                return Err(Error::new(
                    id,
                    format!("error `{e}` is not a structure with the `smithy.api#error` trait"),
                ));
            }
            self.visit_structure(
                &e,
                Directions {
                    input: false,
                    output: true,
                },
            )?;
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
        let examples = match shape.traits.get(traits::EXAMPLES) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|ex| Example {
                    title: ex
                        .get("title")
                        .and_then(Value::as_str)
                        .unwrap_or("Example")
                        .to_owned(),
                    docs: ex
                        .get("documentation")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    input: ex.get("input").cloned(),
                    output: ex.get("output").cloned(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let host_prefix = match shape.trait_field(traits::ENDPOINT, "hostPrefix") {
            None => None,
            Some(Value::String(p)) => Some(self.host_prefix(id, p, input.as_deref())?),
            Some(_) => return Err(Error::new(id, "endpoint hostPrefix must be a string")),
        };
        let gzip = shape
            .trait_field(traits::REQUEST_COMPRESSION, "encodings")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().any(|e| e.as_str() == Some("gzip")));
        let request_tests = client_cases(shape, traits::HTTP_REQUEST_TESTS)
            .map(|case| request_test(id, case))
            .collect::<Result<_>>()?;
        let response_tests = client_cases(shape, traits::HTTP_RESPONSE_TESTS)
            .map(|case| response_test(id, None, case))
            .collect::<Result<_>>()?;
        Ok(Operation {
            id: id.to_owned(),
            type_name: naming::camel(&name),
            error_name: naming::camel(&format!("{name}Error")),
            // Set once the structures are placed (`set_io_aliases`).
            input_alias: None,
            output_alias: None,
            module,
            name,
            input,
            output,
            errors,
            docs: shape
                .string_trait(traits::DOCUMENTATION)
                .map(crate::docs::to_markdown),
            examples,
            host_prefix,
            gzip,
            request_tests,
            response_tests,
            retry_safety: paginated::retry_safety(shape, smithy::shape_name(id)),
            paginated: None,
            // Decided by `auth::signed`, which needs the service.
            signed: true,
        })
    }

    /// Splits `foo.{label}.` into parts, checking that each label names a string input
    /// member with `smithy.api#hostLabel`.
    fn host_prefix(
        &self,
        op: &str,
        prefix: &str,
        input: Option<&str>,
    ) -> Result<Vec<HostPrefixPart>> {
        let mut parts = Vec::new();
        let mut rest = prefix;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
                Error::new(
                    op,
                    format!("endpoint hostPrefix {prefix:?} has an unclosed `{{`"),
                )
            })?;
            if open > 0 {
                parts.push(HostPrefixPart::Literal(rest[..open].to_owned()));
            }
            let label = &rest[open + 1..close];
            let member = input
                .and_then(|i| self.model.shapes.get(i))
                .and_then(|s| s.members.get(label));
            let is_string =
                |target: &str| {
                    target == "smithy.api#String"
                        || self.model.shapes.get(target).is_some_and(|t| {
                            t.kind == ShapeType::String && !t.has("smithy.api#enum")
                        })
                };
            let ok = member.is_some_and(|m| m.has(traits::HOST_LABEL) && is_string(&m.target));
            if !ok {
                return Err(Error::new(
                    op,
                    format!("endpoint hostPrefix label `{{{label}}}` must name a string input member with `smithy.api#hostLabel`"),
                ));
            }
            parts.push(HostPrefixPart::Label(label.to_owned()));
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(Error::new(
                op,
                format!("endpoint hostPrefix {prefix:?} has a stray `}}`"),
            ));
        }
        if !rest.is_empty() {
            parts.push(HostPrefixPart::Literal(rest.to_owned()));
        }
        Ok(parts)
    }

    /// Adds `id` and what it reaches to the closure, in direction `dir`.
    fn visit_structure(&mut self, id: &str, dir: Directions) -> Result<()> {
        let entry = self.dirs.entry(id.to_owned()).or_default();
        let before = *entry;
        entry.input |= dir.input;
        entry.output |= dir.output;
        if *entry == before && before != Directions::default() {
            return Ok(());
        }
        let shape = self.model.shape(id, id)?;
        for (name, m) in &shape.members {
            self.visit_target(&m.target, &format!("{id}${name}"), dir)?;
        }
        Ok(())
    }

    fn visit_target(&mut self, target: &str, at: &str, dir: Directions) -> Result<()> {
        // `smithy.api#Unit` is a union's variant without data (elsewhere `ty` rejects it).
        if is_prelude_simple(target) || target == "smithy.api#Unit" {
            return Ok(());
        }
        let shape = self.model.shape(target, at)?;
        match shape.kind {
            ShapeType::Structure | ShapeType::Union => {
                self.referenced.insert(target.to_owned());
                // A cycle through a structure or union is allowed (and ends where the
                // structure is visited again), so the collections before it are not on the
                // structure's own path.
                let outer = std::mem::take(&mut self.open_collections);
                let visited = self.visit_structure(target, dir);
                self.open_collections = outer;
                visited
            }
            ShapeType::List | ShapeType::Set | ShapeType::Map => {
                if let Some(at) = self.open_collections.iter().position(|c| c == target) {
                    let path = self.open_collections[at..].join(" -> ");
                    return Err(Error::new(
                        target,
                        format!(
                            "contains itself through lists and maps only ({path} -> {target}); \
                             a recursive shape must pass through a structure or union"
                        ),
                    ));
                }
                self.open_collections.push(target.to_owned());
                let visited = self.visit_collection(target, shape, dir);
                self.open_collections.pop();
                visited
            }
            ShapeType::Enum | ShapeType::IntEnum => {
                self.enums.insert(target.to_owned());
                Ok(())
            }
            ShapeType::String if shape.has("smithy.api#enum") => {
                self.enums.insert(target.to_owned());
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Visits what a list's member, or a map's key and value, target.
    fn visit_collection(&mut self, id: &str, shape: &Shape, dir: Directions) -> Result<()> {
        if shape.kind == ShapeType::Map {
            let k = shape
                .key
                .as_ref()
                .ok_or_else(|| Error::new(id, "map has no key"))?;
            let v = shape
                .value
                .as_ref()
                .ok_or_else(|| Error::new(id, "map has no value"))?;
            self.visit_target(&k.target, &format!("{id}$key"), dir)?;
            return self.visit_target(&v.target, &format!("{id}$value"), dir);
        }
        let m = shape
            .member
            .as_ref()
            .ok_or_else(|| Error::new(id, "list has no member"))?;
        self.visit_target(&m.target, &format!("{id}$member"), dir)
    }

    fn structure(&self, id: &str, operations: &[Operation]) -> Result<Structure> {
        let shape = self.model.shape(id, id)?;
        let directions = self.dirs.get(id).copied().unwrap_or_default();
        let error = if shape.has(traits::ERROR) {
            let fault = shape
                .string_trait(traits::ERROR)
                .unwrap_or("client")
                .to_owned();
            // `awsQueryError` belongs to awsQuery: an ec2Query error's code is its name.
            let query_error = |field| match self.protocol {
                Protocol::AwsQuery => shape.trait_field(traits::AWS_QUERY_ERROR, field),
                Protocol::Ec2Query => None,
            };
            let code = query_error("code")
                .and_then(Value::as_str)
                .unwrap_or(smithy::shape_name(id))
                .to_owned();
            let status = query_error("httpResponseCode")
                .and_then(Value::as_u64)
                .or_else(|| shape.traits.get(traits::HTTP_ERROR).and_then(Value::as_u64))
                .unwrap_or(if fault == "server" { 500 } else { 400 });
            Some(ErrorInfo {
                code,
                status: u16::try_from(status)
                    .map_err(|_| Error::new(id, "HTTP status out of range"))?,
                fault,
            })
        } else {
            None
        };
        let owners = self.io_owner.get(id).map(Vec::as_slice).unwrap_or_default();
        let placement = if error.is_some() {
            Placement::Errors
        } else if owners.len() == 1
            && !self.referenced.contains(id)
            && operations.iter().any(|o| o.module == owners[0])
        {
            Placement::Operation(owners[0].clone())
        } else {
            Placement::Types
        };
        let union = shape.kind == ShapeType::Union;
        let mut members = Vec::new();
        for (name, m) in &shape.members {
            members.push(self.member(id, name, m, directions, union)?);
        }
        let kind = if union {
            union_kind(id, &members)?
        } else {
            StructureKind::Structure
        };
        Ok(Structure {
            id: id.to_owned(),
            name: naming::camel(smithy::shape_name(id)),
            placement,
            directions,
            members,
            error,
            docs: shape
                .string_trait(traits::DOCUMENTATION)
                .map(crate::docs::to_markdown),
            sensitive: shape.has(traits::SENSITIVE),
            kind,
        })
    }

    /// The member `name` of the structure or union `id`: structure and union members share
    /// their wire names and everything else; a union member is never an `Option` (its
    /// variant holds the value) and may target `smithy.api#Unit`.
    fn member(
        &self,
        id: &str,
        name: &str,
        m: &smithy::Member,
        directions: Directions,
        union: bool,
    ) -> Result<Member> {
        let at = format!("{id}${name}");
        let target = self.model.shape(&m.target, &at).ok();
        let ty = if union && m.target == "smithy.api#Unit" {
            Ty::Unit
        } else {
            self.ty(&m.target, m, &at)?
        };
        if union {
            check_union_member(&at, m, &ty)?;
        }
        // A plain (non-Option) field is only possible where we never parse the
        // structure: a server may leave out anything it likes.
        let input_only = directions.input && !directions.output;
        let required = m.has(traits::REQUIRED);
        let client_optional = m.has(traits::CLIENT_OPTIONAL);
        let optional = !union
            && !(required
                && input_only
                && !(self.options.nullability == Nullability::ClientOptional && client_optional));
        let xml_name = m.string_trait(traits::XML_NAME).unwrap_or(name).to_owned();
        let mut docs = m
            .string_trait(traits::DOCUMENTATION)
            .or_else(|| {
                target
                    .and_then(|t| t.string_trait(traits::DOCUMENTATION))
                    .filter(|_| false)
            })
            .map(crate::docs::to_markdown);
        if required && optional && directions.input {
            let note = "This member is required by the service.";
            docs = Some(match docs {
                Some(d) => format!("{d}\n\n{note}"),
                None => note.to_owned(),
            });
        }
        let deprecated = m.traits.get(traits::DEPRECATED).map(|d| {
            d.get("message")
                .and_then(Value::as_str)
                .unwrap_or("deprecated")
                .to_owned()
        });
        if m.has(traits::IDEMPOTENCY_TOKEN) && ty != Ty::String {
            return Err(Error::new(&at, "an idempotency token must be a string"));
        }
        Ok(Member {
            name: name.to_owned(),
            field: naming::snake(name),
            query_name: naming::url_encode(&query_key(self.protocol, name, m)),
            xml_attribute: m.has(traits::XML_ATTRIBUTE),
            xml_name,
            optional,
            boxed: false,
            ty,
            docs,
            deprecated,
            idempotency_token: m.has(traits::IDEMPOTENCY_TOKEN),
            sensitive: sensitive::member(self.model, m),
        })
    }

    /// The type of a member targeting `target`. `m` carries member traits.
    fn ty(&self, target: &str, m: &smithy::Member, at: &str) -> Result<Ty> {
        let shape = match target.strip_prefix("smithy.api#") {
            Some(prelude) if is_prelude_simple(target) => return prelude_ty(prelude, m, at),
            _ => self.model.shape(target, at)?,
        };
        let ts_format = || {
            let f = m
                .string_trait(traits::TIMESTAMP_FORMAT)
                .or_else(|| shape.string_trait(traits::TIMESTAMP_FORMAT));
            match f {
                None | Some("date-time") => Ok(TimestampFormat::DateTime),
                Some("epoch-seconds") => Ok(TimestampFormat::EpochSeconds),
                Some("http-date") => Ok(TimestampFormat::HttpDate),
                Some(other) => Err(Error::new(at, format!("unknown timestampFormat {other:?}"))),
            }
        };
        Ok(match shape.kind {
            ShapeType::String if shape.has("smithy.api#enum") => Ty::Enum(target.to_owned()),
            ShapeType::String => Ty::String,
            ShapeType::Boolean => Ty::Boolean,
            ShapeType::Byte => Ty::Byte,
            ShapeType::Short => Ty::Short,
            ShapeType::Integer => Ty::Integer,
            ShapeType::Long => Ty::Long,
            ShapeType::Float => Ty::Float,
            ShapeType::Double => Ty::Double,
            ShapeType::Timestamp => Ty::Timestamp(ts_format()?),
            ShapeType::Blob => Ty::Blob,
            ShapeType::Enum | ShapeType::IntEnum => Ty::Enum(target.to_owned()),
            ShapeType::Structure | ShapeType::Union => Ty::Structure(target.to_owned()),
            ShapeType::List | ShapeType::Set => {
                let item = shape.member.as_ref().ok_or_else(|| Error::new(target, "list has no member"))?;
                Ty::List(Box::new(List {
                    item: self.ty(&item.target, item, &format!("{target}$member"))?,
                    item_name: naming::url_encode(item.string_trait(traits::XML_NAME).unwrap_or("member")),
                    item_element: local_name(item.string_trait(traits::XML_NAME).unwrap_or("member")),
                    flattened: m.has(traits::XML_FLATTENED),
                }))
            }
            ShapeType::Map => {
                let k = shape.key.as_ref().ok_or_else(|| Error::new(target, "map has no key"))?;
                let v = shape.value.as_ref().ok_or_else(|| Error::new(target, "map has no value"))?;
                let key = self.ty(&k.target, k, &format!("{target}$key"))?;
                if !matches!(key, Ty::String | Ty::Enum(_)) {
                    return Err(Error::new(format!("{target}$key"), "map keys must be strings or string enums"));
                }
                Ty::Map(Box::new(Map {
                    key,
                    value: self.ty(&v.target, v, &format!("{target}$value"))?,
                    key_name: naming::url_encode(k.string_trait(traits::XML_NAME).unwrap_or("key")),
                    key_element: local_name(k.string_trait(traits::XML_NAME).unwrap_or("key")),
                    value_name: naming::url_encode(v.string_trait(traits::XML_NAME).unwrap_or("value")),
                    value_element: local_name(v.string_trait(traits::XML_NAME).unwrap_or("value")),
                    flattened: m.has(traits::XML_FLATTENED),
                }))
            }
            other => {
                return Err(Error::new(
                    at,
                    format!(
                        "targets `{target}`, a {other:?} shape, which the awsQuery emitter does not support yet"
                    ),
                ))
            }
        })
    }

    fn enumeration(&self, id: &str) -> Result<Enum> {
        let shape = self.model.shape(id, id)?;
        let int = shape.kind == ShapeType::IntEnum;
        let mut variants = Vec::new();
        if let Some(Value::Array(defs)) = shape.traits.get("smithy.api#enum") {
            // Smithy 1.0 style enum trait on a string shape.
            for d in defs {
                let value = d
                    .get("value")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let member = d
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(&value)
                    .to_owned();
                variants.push(Variant {
                    name: naming::camel(&member),
                    member,
                    value,
                    docs: d
                        .get("documentation")
                        .and_then(Value::as_str)
                        .map(crate::docs::to_markdown),
                });
            }
        } else {
            for (name, m) in &shape.members {
                let value = match m.traits.get(traits::ENUM_VALUE) {
                    Some(Value::String(s)) if !int => s.clone(),
                    Some(Value::Number(n)) if int => match n.as_i64().map(i32::try_from) {
                        Some(Ok(v)) => v.to_string(),
                        _ => {
                            return Err(Error::new(
                                format!("{id}${name}"),
                                format!("intEnum value {n} is not a 32-bit integer"),
                            ))
                        }
                    },
                    None if !int => name.clone(),
                    _ => return Err(Error::new(
                        format!("{id}${name}"),
                        "enumValue has the wrong type for this enum (or is missing on an intEnum)",
                    )),
                };
                variants.push(Variant {
                    member: name.clone(),
                    name: naming::camel(name),
                    value,
                    docs: m
                        .string_trait(traits::DOCUMENTATION)
                        .map(crate::docs::to_markdown),
                });
            }
        }
        let unknown = if variants.iter().any(|v| v.name.text == "Unknown") {
            naming::camel("UnknownValue")
        } else {
            naming::camel("Unknown")
        };
        check_unique(
            variants
                .iter()
                .map(|v| (v.name.text.clone(), format!("{id}${}", v.member))),
            "enum variant",
        )?;
        if variants.iter().any(|v| v.name == unknown) {
            return Err(Error::new(
                id,
                "has members named both `Unknown` and `UnknownValue`; one of them must be renamed",
            ));
        }
        Ok(Enum {
            id: id.to_owned(),
            name: naming::camel(smithy::shape_name(id)),
            int,
            variants,
            unknown,
            docs: shape
                .string_trait(traits::DOCUMENTATION)
                .map(crate::docs::to_markdown),
            sensitive: shape.has(traits::SENSITIVE),
        })
    }
}

/// The cases of a protocol-test trait that apply to clients.
fn client_cases<'s>(shape: &'s Shape, id: &str) -> impl Iterator<Item = &'s Value> + 's {
    shape
        .traits
        .get(id)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|case| case.get("appliesTo").and_then(Value::as_str) != Some("server"))
}

fn test_string(at: &str, case: &Value, field: &str) -> Result<Option<String>> {
    match case.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::new(
            at,
            format!("protocol test field `{field}` must be a string"),
        )),
    }
}

fn test_strings(at: &str, case: &Value, field: &str) -> Result<Vec<String>> {
    match case.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    Error::new(
                        at,
                        format!("protocol test field `{field}` must be a list of strings"),
                    )
                })
            })
            .collect(),
        Some(_) => Err(Error::new(
            at,
            format!("protocol test field `{field}` must be a list of strings"),
        )),
    }
}

fn test_headers(at: &str, case: &Value) -> Result<Vec<(String, String)>> {
    match case.get("headers") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                v.as_str()
                    .map(|v| (k.clone(), v.to_owned()))
                    .ok_or_else(|| {
                        Error::new(at, format!("protocol test header `{k}` must be a string"))
                    })
            })
            .collect(),
        Some(_) => Err(Error::new(at, "protocol test `headers` must be an object")),
    }
}

/// The case's id, checked to be usable as a Rust function name.
fn test_id(shape: &str, case: &Value) -> Result<String> {
    let id = test_string(shape, case, "id")?
        .ok_or_else(|| Error::new(shape, "a protocol test case has no `id`"))?;
    if id.is_empty()
        || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || id.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(Error::new(
            shape,
            format!("protocol test id {id:?} is not of the form [A-Za-z_][A-Za-z0-9_]*"),
        ));
    }
    Ok(id)
}

fn request_test(op: &str, case: &Value) -> Result<RequestTest> {
    let id = test_id(op, case)?;
    let at = format!("{op} (request test {id})");
    let required = |field: &str| {
        test_string(&at, case, field)?
            .ok_or_else(|| Error::new(&at, format!("a request test needs `{field}`")))
    };
    Ok(RequestTest {
        docs: test_string(&at, case, "documentation")?,
        params: case
            .get("params")
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default())),
        method: required("method")?,
        uri: required("uri")?,
        host: test_string(&at, case, "host")?,
        resolved_host: test_string(&at, case, "resolvedHost")?,
        query_params: test_strings(&at, case, "queryParams")?,
        forbid_query_params: test_strings(&at, case, "forbidQueryParams")?,
        require_query_params: test_strings(&at, case, "requireQueryParams")?,
        headers: test_headers(&at, case)?,
        forbid_headers: test_strings(&at, case, "forbidHeaders")?,
        require_headers: test_strings(&at, case, "requireHeaders")?,
        body: test_string(&at, case, "body")?,
        body_media_type: test_string(&at, case, "bodyMediaType")?,
        id,
    })
}

fn response_test(shape: &str, error: Option<&String>, case: &Value) -> Result<ResponseTest> {
    let id = test_id(shape, case)?;
    let at = format!("{shape} (response test {id})");
    let code = case
        .get("code")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (100..600).contains(c))
        .ok_or_else(|| Error::new(&at, "a response test needs a `code` between 100 and 599"))?;
    Ok(ResponseTest {
        docs: test_string(&at, case, "documentation")?,
        error: error.cloned(),
        params: case
            .get("params")
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default())),
        code,
        headers: test_headers(&at, case)?,
        body: test_string(&at, case, "body")?.unwrap_or_default(),
        body_media_type: test_string(&at, case, "bodyMediaType")?,
        vendor_params: case.get("vendorParams").cloned().unwrap_or(Value::Null),
        id,
    })
}

fn is_prelude_simple(target: &str) -> bool {
    target.starts_with("smithy.api#") && target != "smithy.api#Unit"
}

fn prelude_ty(name: &str, m: &smithy::Member, at: &str) -> Result<Ty> {
    let ts = || match m.string_trait(traits::TIMESTAMP_FORMAT) {
        Some("epoch-seconds") => TimestampFormat::EpochSeconds,
        Some("http-date") => TimestampFormat::HttpDate,
        _ => TimestampFormat::DateTime,
    };
    Ok(match name {
        "String" => Ty::String,
        "Boolean" | "PrimitiveBoolean" => Ty::Boolean,
        "Byte" | "PrimitiveByte" => Ty::Byte,
        "Short" | "PrimitiveShort" => Ty::Short,
        "Integer" | "PrimitiveInteger" => Ty::Integer,
        "Long" | "PrimitiveLong" => Ty::Long,
        "Float" | "PrimitiveFloat" => Ty::Float,
        "Double" | "PrimitiveDouble" => Ty::Double,
        "Timestamp" => Ty::Timestamp(ts()),
        "Blob" => Ty::Blob,
        other => {
            return Err(Error::new(
                at,
                format!(
                    "targets `smithy.api#{other}`, which the awsQuery emitter does not support yet"
                ),
            ))
        }
    })
}

/// What a union member may not be: what the union's variant, serializer and parser cannot
/// carry (an XML attribute, a flattened collection, whose items would be several elements,
/// an idempotency token).
fn check_union_member(at: &str, m: &smithy::Member, ty: &Ty) -> Result<()> {
    let flattened = match ty {
        Ty::List(l) => l.flattened,
        Ty::Map(map) => map.flattened,
        _ => false,
    };
    let why = if m.has(traits::XML_ATTRIBUTE) {
        "is an XML attribute"
    } else if flattened {
        "is a flattened list or map"
    } else if m.has(traits::IDEMPOTENCY_TOKEN) {
        "is an idempotency token"
    } else {
        return Ok(());
    };
    Err(Error::new(
        at,
        format!("a union member that {why} is not supported; a union holds one member element"),
    ))
}

/// The kind of the union `id` with these members: it needs one, and the extra variant for
/// members the model does not know (`Unknown`, else `UnknownValue`) must be free.
fn union_kind(id: &str, members: &[Member]) -> Result<StructureKind> {
    if members.is_empty() {
        return Err(Error::new(
            id,
            "a union needs at least one member (a value of it holds exactly one)",
        ));
    }
    check_unique(
        members
            .iter()
            .map(|m| (m.variant().text, format!("{id}${}", m.name))),
        "union variant",
    )?;
    let taken = |name: &str| members.iter().find(|m| m.variant().text == name);
    let unknown = match (taken("Unknown"), taken("UnknownValue")) {
        (None, _) => "Unknown",
        (Some(_), None) => "UnknownValue",
        (Some(a), Some(b)) => {
            return Err(Error::new(
                format!("{id}${}", b.name),
                format!(
                    "its variant `UnknownValue` is the name the union's variant for unknown members takes when a member (here `{}`) is `Unknown`; rename one of them",
                    a.name
                ),
            ))
        }
    };
    Ok(StructureKind::Union {
        unknown: naming::camel(unknown),
    })
}

/// Boxes every structure member through which its own structure can be reached
/// again without passing a list or map (those already allocate).
fn mark_boxed(structures: &mut [Structure]) {
    let edges: BTreeMap<String, Vec<String>> = structures
        .iter()
        .map(|s| {
            let direct = s
                .members
                .iter()
                .filter_map(|m| match &m.ty {
                    Ty::Structure(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            (s.id.clone(), direct)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for s in structures.iter_mut() {
        let id = s.id.clone();
        for m in &mut s.members {
            if let Ty::Structure(t) = &m.ty {
                if reaches(t, &id) {
                    m.boxed = true;
                }
            }
        }
    }
}

/// Fails on the first duplicate name.
fn check_unique(items: impl IntoIterator<Item = (String, String)>, what: &str) -> Result<()> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (name, at) in items {
        if let Some(first) = seen.get(&name) {
            return Err(Error::new(
                at,
                format!(
                    "its Rust {what} name `{name}` is also the name of `{first}`; rename one of them in the model (for example with an `apply` of a different name, or by renaming the shape)"
                ),
            ));
        }
        seen.insert(name, at);
    }
    Ok(())
}

/// Names each operation's input and output `{Op}Input` / `{Op}Output` in its module, unless
/// the structure is already there under that name.
fn set_io_aliases(operations: &mut [Operation], structures: &[Structure]) {
    for op in operations {
        let here = Placement::Operation(op.module.clone());
        let alias = |id: &Option<String>, suffix: &str| {
            let id = id.as_ref()?;
            let name = naming::camel(&format!("{}{suffix}", op.name));
            let already = structures
                .iter()
                .any(|s| &s.id == id && s.placement == here && s.name == name);
            (!already).then_some(name)
        };
        let (input, output) = (alias(&op.input, "Input"), alias(&op.output, "Output"));
        op.input_alias = input;
        op.output_alias = output;
    }
}

/// Checks that the `{Op}Input` / `{Op}Output` aliases of `op` name nothing else in its module.
fn check_io_aliases(op: &Operation, structures: &[Structure]) -> Result<()> {
    let here = Placement::Operation(op.module.clone());
    let aliases = [
        (&op.input_alias, &op.input, "input"),
        (&op.output_alias, &op.output, "output"),
    ];
    for (alias, target, which) in aliases {
        let (Some(alias), Some(target)) = (alias, target) else {
            continue;
        };
        // The operation type and the error enum end in other words than `Input` and `Output`.
        let other = structures
            .iter()
            .find(|s| s.placement == here && s.name == *alias);
        if let Some(other) = other {
            return Err(Error::new(
                &op.id,
                format!(
                    "`{}` in `operation::{}` is the alias of the operation's {which} `{target}` (every operation module has one), but the structure `{}` there has that name too; rename that structure in the model (for example by renaming the shape)",
                    alias.text,
                    op.module.source(),
                    other.id,
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that no two items share a Rust name where they would meet.
fn check_names(operations: &[Operation], structures: &[Structure], enums: &[Enum]) -> Result<()> {
    for s in structures {
        let mut names: Vec<(String, String)> = s
            .members
            .iter()
            .map(|m| (m.field.text.clone(), format!("{}${}", s.id, m.name)))
            .collect();
        // Methods the emitter adds beside the fields (a union's accessors are `is_`/`as_`
        // and the field name, so unique fields give unique accessors).
        match s.union_unknown() {
            None => names.push(("new".to_owned(), "the constructor `new`".to_owned())),
            Some(unknown) => names.push((
                naming::snake(&unknown.text).text,
                format!("the variant `{}` for unknown members", unknown.text),
            )),
        }
        if s.error.is_some() {
            names.push((
                "meta".to_owned(),
                "the error metadata field `meta`".to_owned(),
            ));
        }
        check_unique(names, "field or method")?;
    }
    // Types in `types`.
    let types = structures
        .iter()
        .filter(|s| s.placement == Placement::Types)
        .map(|s| (s.name.text.clone(), s.id.clone()))
        .chain(enums.iter().map(|e| (e.name.text.clone(), e.id.clone())));
    check_unique(types, "type")?;
    // Types in `error`, beside the crate-wide `Error`.
    let errors = structures
        .iter()
        .filter(|s| s.placement == Placement::Errors)
        .map(|s| (s.name.text.clone(), s.id.clone()))
        .chain([("Error".to_owned(), "the crate-wide `Error` enum".to_owned())]);
    check_unique(errors, "type")?;
    for op in operations {
        let items = structures
            .iter()
            .filter(|s| s.placement == Placement::Operation(op.module.clone()))
            .map(|s| (s.name.text.clone(), s.id.clone()))
            .chain([
                (
                    op.type_name.text.clone(),
                    format!("the operation type of `{}`", op.id),
                ),
                (
                    op.error_name.text.clone(),
                    format!("the error enum of `{}`", op.id),
                ),
            ]);
        check_unique(items, "type")?;
        check_io_aliases(op, structures)?;
        let variants = op
            .errors
            .iter()
            .map(|e| (naming::camel(smithy::shape_name(e)).text, e.clone()))
            .chain([
                ("Unhandled".to_owned(), "the `Unhandled` variant".to_owned()),
                (
                    "Unparseable".to_owned(),
                    "the `Unparseable` variant".to_owned(),
                ),
            ]);
        check_unique(variants, "error variant")?;
    }
    Ok(())
}

/// An XML name without its namespace prefix (`ns:Item` → `Item`): what the reader compares
/// element names with.
fn local_name(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_owned()
}

#[cfg(test)]
mod local_name_tests {
    use super::local_name;

    #[test]
    fn prefixes_are_dropped() {
        assert_eq!(local_name("member"), "member");
        assert_eq!(local_name("ns:Item"), "Item");
        assert_eq!(local_name("a:b:c"), "c");
    }
}

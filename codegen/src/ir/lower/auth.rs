//! `smithy.api#auth` and `smithy.api#optionalAuth`: whether an operation's requests are
//! signed (the runtime's `Operation::SIGNED`).
//!
//! The rule, after the Smithy 2.0 specification's authentication traits:
//!
//! 1. The service's auth schemes are the auth-scheme traits applied to the service shape
//!    (`aws.auth#sigv4`, `aws.auth#sigv4a`, the `smithy.api#http…Auth` traits, … and any
//!    trait the model itself defines with `smithy.api#authDefinition`).
//! 2. An operation's effective schemes are its own `smithy.api#auth` list if it has one,
//!    else the service's `smithy.api#auth` list if it has one, else every scheme the
//!    service applies. Every scheme named in an `auth` list must be one the service
//!    applies; anything else is a model error.
//! 3. This client authenticates with one scheme, `aws.auth#sigv4`. An operation whose
//!    effective schemes include it is signed.
//! 4. An operation whose effective schemes are empty is not signed: it takes no
//!    authentication at all, because it says `@auth([])` (STS `AssumeRoleWithWebIdentity`
//!    and `AssumeRoleWithSAML`, which carry their own proof of identity) or because the
//!    service applies no auth scheme.
//! 5. An operation whose effective schemes are all schemes this client cannot use is not
//!    signed when it also has `smithy.api#optionalAuth` (the model allows calling it
//!    without authentication); without that trait it is a generation error, since neither
//!    a SigV4 signature nor no signature is what the model asks for.
//!
//! `smithy.api#optionalAuth` on an operation that can be signed changes nothing: it allows
//! anonymous calls, but a client that has credentials still signs (`SIGNED` has no "sign
//! when credentials are there" state).

use super::*;

/// Auth-scheme traits defined outside the model (in Smithy's prelude and in `aws.auth`),
/// whose definitions AWS's JSON models do not carry.
const KNOWN_SCHEMES: &[&str] = &[
    traits::SIGV4,
    "aws.auth#sigv4a",
    "aws.auth#cognitoUserPools",
    "smithy.api#httpBasicAuth",
    "smithy.api#httpDigestAuth",
    "smithy.api#httpBearerAuth",
    "smithy.api#httpApiKeyAuth",
];

/// Whether the trait `id` is an auth scheme.
fn is_scheme(model: &Model, id: &str) -> bool {
    KNOWN_SCHEMES.contains(&id)
        || model
            .shapes
            .get(id)
            .is_some_and(|s| s.has(traits::AUTH_DEFINITION))
}

/// An `auth` trait's list of scheme ids, if the shape has the trait.
fn auth_list(shape: &Shape, at: &str) -> Result<Option<Vec<String>>> {
    let Some(value) = shape.traits.get(traits::AUTH) else {
        return Ok(None);
    };
    let items = value
        .as_array()
        .ok_or_else(|| Error::new(at, "`smithy.api#auth` must be a list of shape ids"))?;
    items
        .iter()
        .map(|v| {
            v.as_str().map(str::to_owned).ok_or_else(|| {
                Error::new(
                    at,
                    "`smithy.api#auth` must be a list of shape ids (strings)",
                )
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Whether the operation `op_id` (of the service `service_id`) is signed with SigV4, by the
/// rule in this module's documentation.
pub(super) fn signed(
    model: &Model,
    service_id: &str,
    service: &Shape,
    op_id: &str,
    op: &Shape,
) -> Result<bool> {
    // Ordered by shape id, as the specification orders schemes without an `auth` trait.
    let applied: BTreeSet<&str> = service
        .traits
        .keys()
        .map(String::as_str)
        .filter(|id| is_scheme(model, id))
        .collect();
    let check = |list: Vec<String>, at: &str| -> Result<Vec<String>> {
        if let Some(unknown) = list.iter().find(|id| !applied.contains(id.as_str())) {
            return Err(Error::new(
                at,
                format!(
                    "`smithy.api#auth` names `{unknown}`, which is not an auth scheme the \
                     service applies (it applies: {})",
                    if applied.is_empty() {
                        "none".to_owned()
                    } else {
                        applied
                            .iter()
                            .map(|id| format!("`{id}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ));
        }
        Ok(list)
    };
    let effective = match (auth_list(op, op_id)?, auth_list(service, service_id)?) {
        (Some(own), _) => check(own, op_id)?,
        (None, Some(default)) => check(default, service_id)?,
        (None, None) => applied.iter().map(|id| (*id).to_owned()).collect(),
    };
    if effective.iter().any(|id| id == traits::SIGV4) {
        return Ok(true);
    }
    if effective.is_empty() || op.has(traits::OPTIONAL_AUTH) {
        return Ok(false);
    }
    Err(Error::new(
        op_id,
        format!(
            "authenticates only with {}, and this client signs only with `{}`; the operation \
             has no `smithy.api#optionalAuth`, so it cannot be called unauthenticated either \
             (leave it out with the `operations` option, or add `{}` to its auth schemes)",
            effective
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", "),
            traits::SIGV4,
            traits::SIGV4,
        ),
    ))
}

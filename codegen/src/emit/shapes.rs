//! Structure and enum definitions: fields in model order, constructors taking
//! the required members, chained setters for the optional ones, conversions.

use super::{de, item_docs, ser, Scope};
use crate::ir::{Enum, Member, Structure, Ty};
use crate::naming::{self, RustName, SerdeRule};
use proc_macro2::TokenStream;
use quote::quote;

const SERDE_DERIVE: &str = "crate::rt::serde";

/// What generated `Debug` impls print in place of a sensitive value (the AWS SDKs' text).
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// `crate::Redacted`, the value `Debug` impls print in place of sensitive data: emitted in
/// `lib.rs` of crates that have sensitive types.
pub fn redacted_helper() -> TokenStream {
    let doc = format!(" Stands in for a sensitive value in `Debug` output: prints `{REDACTED}`.");
    quote! {
        #[doc = #doc]
        pub(crate) struct Redacted;

        impl ::std::fmt::Debug for Redacted {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#REDACTED)
            }
        }
    }
}

/// Documentation with a note on what `Debug` hides, for sensitive types and members.
fn with_sensitive_note(docs: Option<&str>, fallback: &str, what: &str) -> String {
    let body = docs.filter(|d| !d.trim().is_empty()).unwrap_or(fallback);
    format!("{body}\n\nSensitive (`smithy.api#sensitive`): `Debug` prints `{REDACTED}` in place of {what}.")
}

/// Whether an error structure's message is sensitive: the structure is, or its member that
/// holds the message is (named `message`, which the runtime fills from the envelope, or read
/// from `<Message>`). The error's metadata holds the same text, so `Debug` and `Display`
/// must hide it there too.
fn message_is_sensitive(s: &Structure) -> bool {
    s.error.is_some()
        && (s.sensitive
            || s.members.iter().any(|m| {
                m.sensitive && (m.name.eq_ignore_ascii_case("message") || m.xml_name == "Message")
            }))
}

/// A copy of `self.meta` whose message (if any) is the placeholder.
fn redacted_meta() -> TokenStream {
    quote! {
        crate::rt::ErrorMeta {
            message: self.meta.message.as_ref().map(|_| ::std::string::String::from(#REDACTED)),
            ..::core::clone::Clone::clone(&*self.meta)
        }
    }
}

/// A `Debug` impl that hides sensitive data: a sensitive structure prints its name and the
/// placeholder only; otherwise each sensitive member prints the placeholder (a member
/// that is an unset `Option` prints `None`) and the others print as derived.
fn redacting_debug(s: &Structure, allow_deprecated: Option<&TokenStream>) -> TokenStream {
    let name = s.name.ident();
    let label = &s.name.text;
    let body = if s.sensitive {
        quote!(f.debug_tuple(#label).field(&crate::Redacted).finish())
    } else {
        let fields = s.members.iter().map(|m| {
            let field = m.field.ident();
            // As `derive(Debug)` names fields: without `r#`.
            let key = &m.field.text;
            match (m.sensitive, m.optional) {
                (false, _) => quote!(.field(#key, &self.#field)),
                (true, true) => {
                    quote!(.field(#key, &self.#field.as_ref().map(|_| crate::Redacted)))
                }
                (true, false) => quote!(.field(#key, &crate::Redacted)),
            }
        });
        let meta = s.error.as_ref().map(|_| {
            if message_is_sensitive(s) {
                let meta = redacted_meta();
                quote!(.field("meta", &#meta))
            } else {
                quote!(.field("meta", &self.meta))
            }
        });
        quote!(f.debug_struct(#label) #(#fields)* #meta .finish())
    };
    quote! {
        #allow_deprecated
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #body
            }
        }
    }
}

/// Method names of std traits that clippy's `should_implement_trait` knows: a setter with
/// one of these names looks like a trait method to it.
const STD_TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// The `cfg_attr` that derives serde for a type, with its `rename_all` rule if any.
fn serde_derive(rule: SerdeRule) -> TokenStream {
    let rename_all = rule.attr().map(|r| quote!(, rename_all = #r));
    quote! {
        #[cfg_attr(
            feature = "serde",
            derive(crate::rt::serde::Serialize, crate::rt::serde::Deserialize),
            serde(crate = #SERDE_DERIVE #rename_all)
        )]
    }
}

/// The field's full type (with `Option` and `Box`).
pub fn field_ty(scope: &Scope<'_>, m: &Member) -> TokenStream {
    let mut ty = scope.rust_ty(&m.ty);
    if m.boxed {
        let boxed = scope.std("Box");
        ty = quote!(#boxed<#ty>);
    }
    if m.optional {
        let option = scope.std("Option");
        ty = quote!(#option<#ty>);
    }
    ty
}

/// How a constructor or setter takes a value of this member, and how it turns
/// the argument `v` into the stored (unwrapped, unboxed) value.
fn param(scope: &Scope<'_>, m: &Member, v: &TokenStream) -> (TokenStream, TokenStream) {
    let ty = scope.rust_ty(&m.ty);
    let (param, conv) = match &m.ty {
        Ty::String | Ty::Enum(_) | Ty::Blob => (quote!(impl Into<#ty>), quote!(#v.into())),
        Ty::List(l) => {
            let item = scope.rust_ty(&l.item);
            (
                quote!(impl IntoIterator<Item = #item>),
                quote!(#v.into_iter().collect()),
            )
        }
        Ty::Map(map) => {
            let k = scope.rust_ty(&map.key);
            let val = scope.rust_ty(&map.value);
            (
                quote!(impl IntoIterator<Item = (#k, #val)>),
                quote!(#v.into_iter().collect()),
            )
        }
        _ => (ty, quote!(#v)),
    };
    let conv = if m.boxed {
        let boxed = scope.std("Box");
        quote!(#boxed::new(#conv))
    } else {
        conv
    };
    (param, conv)
}

/// Whether `param` stores the argument unchanged.
fn takes_as_is(m: &Member) -> bool {
    !m.boxed
        && !matches!(
            m.ty,
            Ty::String | Ty::Enum(_) | Ty::Blob | Ty::List(_) | Ty::Map(_)
        )
}

/// A structure: definition, constructor, setters, and its wire impls (a union goes to
/// [`union`]).
pub fn structure(scope: &Scope<'_>, s: &Structure) -> TokenStream {
    if let Some(unknown) = s.union_unknown() {
        return union(scope, s, unknown);
    }
    let name = s.name.ident();
    let fallback = format!("The `{}` structure.", s.name.text);
    let docs = if s.sensitive {
        let note = with_sensitive_note(s.docs.as_deref(), &fallback, "its contents");
        item_docs(Some(&note), &fallback, &s.id)
    } else {
        item_docs(s.docs.as_deref(), &fallback, &s.id)
    };
    // One struct-level rule for the model's member names, and a `rename` only for the
    // members it does not produce. No `default` (serde reads a missing `Option` as `None`)
    // and no `skip_serializing_if`: `None` serializes as `null`, which reads back as `None`.
    let rule = SerdeRule::best(
        s.members
            .iter()
            .map(|m| (m.field.text.as_str(), m.name.as_str())),
    );
    let serde = serde_derive(rule);
    let default = if s.has_required() {
        quote!()
    } else {
        quote!(Default,)
    };
    let fields = s.members.iter().map(|m| {
        let field = m.field.ident();
        let ty = field_ty(scope, m);
        let fallback = format!("The `{}` member.", m.name);
        let note = m
            .sensitive
            .then(|| with_sensitive_note(m.docs.as_deref(), &fallback, "its value"));
        let docs = item_docs(
            note.as_deref().or(m.docs.as_deref()),
            &fallback,
            &format!("{}${}", s.id, m.name),
        );
        let wire = &m.name;
        let serde = (rule.apply(&m.field.text).as_deref() != Some(wire.as_str()))
            .then(|| quote!(#[cfg_attr(feature = "serde", serde(rename = #wire))]));
        let deprecated = m
            .deprecated
            .as_ref()
            .map(|msg| quote!(#[deprecated(note = #msg)]));
        quote! { #docs #deprecated #serde pub #field: #ty, }
    });
    let meta_field = s.error.as_ref().map(|_| {
        quote! {
            /// What the error response said: code, message, request id and HTTP status.
            #[cfg_attr(feature = "serde", serde(skip))]
            pub meta: ::std::boxed::Box<crate::rt::ErrorMeta>,
        }
    });

    let required: Vec<&Member> = s.members.iter().filter(|m| !m.optional).collect();
    let ctor_params = required.iter().map(|m| {
        let field = m.field.ident();
        let (p, _) = param(scope, m, &quote!(#field));
        quote!(#field: #p)
    });
    let ctor_fields = s.members.iter().map(|m| {
        let field = m.field.ident();
        if m.optional {
            let none = scope.std("None");
            quote!(#field: #none)
        } else {
            let (_, conv) = param(scope, m, &quote!(#field));
            if takes_as_is(m) {
                quote!(#field)
            } else {
                quote!(#field: #conv)
            }
        }
    });
    let ctor_meta = s.error.as_ref().map(|_| quote!(meta: Default::default(),));
    let ctor_doc = if required.is_empty() {
        format!(" A `{}` with every member unset.", s.name.text)
    } else {
        format!(
            " A `{}` with its required members: {}.",
            s.name.text,
            required
                .iter()
                .map(|m| format!("`{}`", m.field.source()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let setters = s.members.iter().filter(|m| m.optional).map(|m| {
        let field = m.field.ident();
        let (p, conv) = param(scope, m, &quote!(v));
        let some = scope.std("Some");
        let doc = format!(" Sets the `{}` field.", m.field.source());
        let deprecated = m
            .deprecated
            .as_ref()
            .map(|msg| quote!(#[deprecated(note = #msg)]));
        // A member called `add` or `not` gets a setter clippy would take for an operator
        // trait's method; it is a setter, named after the member like every other.
        let allow = STD_TRAIT_METHODS
            .contains(&m.field.text.as_str())
            .then(|| quote!(#[allow(clippy::should_implement_trait)]));
        quote! {
            #[doc = #doc]
            #deprecated
            #allow
            #[must_use]
            pub fn #field(mut self, v: #p) -> Self {
                self.#field = #some(#conv);
                self
            }
        }
    });
    let allow_deprecated = s
        .members
        .iter()
        .any(|m| m.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]));
    let new_allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let code_const = s.error.as_ref().map(|e| {
        let code = &e.code;
        quote! {
            /// The code the service sends for this error.
            pub const CODE: &'static str = #code;
        }
    });
    let error_impls = s.error.as_ref().map(|_| {
        let shape = &s.name.text;
        // awsQuery sends the message as `<Message>`, while models name the member
        // `message`: the runtime fills it from the envelope when the body had no such element.
        let message_mut = s
            .members
            .iter()
            .find(|m| {
                m.name.eq_ignore_ascii_case("message")
                    && m.ty == Ty::String
                    && m.optional
                    && m.xml_name != "Message"
            })
            .map(|m| {
                let field = m.field.ident();
                let (option, some, string) =
                    (scope.std("Option"), scope.std("Some"), scope.std("String"));
                quote! {
                    fn message_mut(&mut self) -> #option<&mut #option<#string>> {
                        #some(&mut self.#field)
                    }
                }
            });
        let display = if message_is_sensitive(s) {
            let meta = redacted_meta();
            quote! {
                crate::rt::error::fmt_modeled(
                    &Self { meta: ::std::boxed::Box::new(#meta), ..::core::clone::Clone::clone(self) },
                    f,
                )
            }
        } else {
            quote!(crate::rt::error::fmt_modeled(self, f))
        };
        quote! {
            impl crate::rt::error::ModeledError for #name {
                const CODE: &'static str = Self::CODE;
                const NAME: &'static str = #shape;
                fn meta(&self) -> &crate::rt::ErrorMeta {
                    &self.meta
                }
                fn set_meta(&mut self, meta: crate::rt::ErrorMeta) {
                    *self.meta = meta;
                }
                #message_mut
            }
            #allow_deprecated
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #display
                }
            }
            impl ::std::error::Error for #name {}
        }
    });
    // Structures only ever received, and errors, may gain members without breaking users:
    // they are built with `new()` and setters outside the crate, never with a literal.
    let non_exhaustive = (s.error.is_some() || (s.directions.output && !s.directions.input))
        .then(|| quote!(#[non_exhaustive]));
    let ser = s.directions.input.then(|| ser::structure_impl(scope, s));
    let de = s.directions.output.then(|| de::structure_impl(scope, s));
    let (debug_derive, debug_impl) = if s.redacts() {
        (
            quote!(),
            Some(redacting_debug(s, allow_deprecated.as_ref())),
        )
    } else {
        (quote!(Debug,), None)
    };
    quote! {
        #docs
        #[derive(#debug_derive Clone, PartialEq, #default)]
        #non_exhaustive
        #serde
        pub struct #name {
            #(#fields)*
            #meta_field
        }

        #allow_deprecated
        impl #name {
            #code_const
            #[doc = #ctor_doc]
            #new_allow
            pub fn new(#(#ctor_params),*) -> Self {
                Self { #(#ctor_fields,)* #ctor_meta }
            }
            #(#setters)*
        }
        #debug_impl
        #error_impls
        #ser
        #de
    }
}

/// The type a union variant holds (boxed when recursive); `None` for a unit variant.
fn variant_ty(scope: &Scope<'_>, m: &Member) -> Option<TokenStream> {
    if m.ty == Ty::Unit {
        return None;
    }
    let ty = scope.rust_ty(&m.ty);
    Some(if m.boxed {
        let boxed = scope.std("Box");
        quote!(#boxed<#ty>)
    } else {
        ty
    })
}

/// A union: an enum with a variant per member, each holding its value (a member targeting
/// `smithy.api#Unit` holds nothing), plus `unknown` for a member newer than the model, which
/// only the response parser makes. `is_…`/`as_…` accessors, and its wire impls.
///
/// serde (feature `serde`) writes botocore's form: `{"Member": value}` with the model's
/// member name, `{"Member": {}}` for a unit variant, and the unknown variant as
/// `{"SDK_UNKNOWN_MEMBER": {"name": "<element>"}}`; that one is never read back.
fn union(scope: &Scope<'_>, s: &Structure, unknown: &RustName) -> TokenStream {
    let name = s.name.ident();
    let fallback = format!("The `{}` union.", s.name.text);
    let base = format!(
        "{}\n\nA union: a value holds exactly one of its members. The enum is \
         `#[non_exhaustive]`, and `{}` holds a member the service sent that this version of \
         the model does not know.",
        s.docs
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or(&fallback),
        unknown.text
    );
    let docs = if s.sensitive {
        let note = with_sensitive_note(Some(&base), &fallback, "its contents");
        item_docs(Some(&note), &fallback, &s.id)
    } else {
        item_docs(Some(&base), &fallback, &s.id)
    };
    let unknown_ident = unknown.ident();
    let variants = s.members.iter().map(|m| {
        let ident = m.variant().ident();
        let fallback = format!("The `{}` member.", m.name);
        let mut body = m.docs.clone().unwrap_or_else(|| fallback.clone());
        if let Some(msg) = &m.deprecated {
            body = format!("{body}\n\nDeprecated: {msg}");
        }
        let body = if m.sensitive {
            with_sensitive_note(Some(&body), &fallback, "its value")
        } else {
            body
        };
        let docs = item_docs(Some(&body), &fallback, &format!("{}${}", s.id, m.name));
        let wire = &m.name;
        match variant_ty(scope, m) {
            Some(ty) => quote! {
                #docs
                #[cfg_attr(feature = "serde", serde(rename = #wire))]
                #ident(#ty),
            },
            None => quote! {
                #docs
                #[cfg_attr(feature = "serde", serde(
                    rename = #wire,
                    serialize_with = "crate::rt::union::unit_variant::serialize",
                    deserialize_with = "crate::rt::union::unit_variant::deserialize"
                ))]
                #ident,
            },
        }
    });
    let accessors = s.members.iter().map(|m| {
        let ident = m.variant().ident();
        let is = naming::snake(&format!("is_{}", m.field.text)).ident();
        let is_doc = format!(" Whether this is the `{}` variant.", m.variant().text);
        match (m.ty != Ty::Unit).then(|| scope.rust_ty(&m.ty)) {
            Some(ty) => {
                let value = if m.boxed { quote!(&**v) } else { quote!(v) };
                let as_fn = naming::snake(&format!("as_{}", m.field.text)).ident();
                let as_doc = format!(
                    " The `{}` value, if this is that variant.",
                    m.variant().text
                );
                let option = scope.std("Option");
                let (some, none) = (scope.std("Some"), scope.std("None"));
                quote! {
                    #[doc = #is_doc]
                    pub fn #is(&self) -> bool {
                        matches!(self, Self::#ident(_))
                    }
                    #[doc = #as_doc]
                    pub fn #as_fn(&self) -> #option<&#ty> {
                        match self {
                            Self::#ident(v) => #some(#value),
                            _ => #none,
                        }
                    }
                }
            }
            None => quote! {
                #[doc = #is_doc]
                pub fn #is(&self) -> bool {
                    matches!(self, Self::#ident)
                }
            },
        }
    });
    let is_unknown = naming::snake(&format!("is_{}", unknown.text)).ident();
    let is_unknown_doc = format!(
        " Whether this is the `{}` variant: a member this model does not know.",
        unknown.text
    );
    let unknown_doc =
        "A member the service sent that this version of the model does not know (it is \
         newer): the name of its element, which only the response parser fills in. Sending \
         this variant writes nothing.\n\nserde (feature `serde`) writes it as botocore \
         reports one, `{\"SDK_UNKNOWN_MEMBER\": {\"name\": \"…\"}}`, and never reads it.";
    let unknown_doc = super::doc_attrs(unknown_doc);
    let (debug_derive, debug_impl) = if s.redacts() {
        let label = &s.name.text;
        let body = if s.sensitive {
            quote!(f.debug_tuple(#label).field(&crate::Redacted).finish())
        } else {
            let arms = s.members.iter().map(|m| {
                let ident = m.variant().ident();
                let key = &m.variant().text;
                match (m.ty == Ty::Unit, m.sensitive) {
                    (true, _) => quote!(Self::#ident => f.write_str(#key),),
                    (false, true) => quote!(Self::#ident(_) => f.debug_tuple(#key).field(&crate::Redacted).finish(),),
                    (false, false) => quote!(Self::#ident(v) => f.debug_tuple(#key).field(v).finish(),),
                }
            });
            let key = &unknown.text;
            quote! {
                match self {
                    #(#arms)*
                    Self::#unknown_ident(v) => f.debug_tuple(#key).field(v).finish(),
                }
            }
        };
        let debug = quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #body
                }
            }
        };
        (quote!(), Some(debug))
    } else {
        (quote!(Debug,), None)
    };
    let ser = s
        .directions
        .input
        .then(|| ser::union_impl(scope, s, unknown));
    let de = s
        .directions
        .output
        .then(|| de::union_impl(scope, s, unknown));
    quote! {
        #docs
        #[derive(#debug_derive Clone, PartialEq)]
        #[non_exhaustive]
        #[cfg_attr(
            feature = "serde",
            derive(crate::rt::serde::Serialize, crate::rt::serde::Deserialize),
            serde(crate = #SERDE_DERIVE)
        )]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            #[cfg_attr(feature = "serde", serde(rename = "SDK_UNKNOWN_MEMBER", skip_deserializing))]
            #unknown_ident(crate::rt::UnknownVariant),
        }

        impl #name {
            #(#accessors)*
            #[doc = #is_unknown_doc]
            pub fn #is_unknown(&self) -> bool {
                matches!(self, Self::#unknown_ident(_))
            }
        }
        #debug_impl
        #ser
        #de
    }
}

/// An enum: a variant per member plus a catch-all that keeps unknown values.
pub fn enumeration(scope: &Scope<'_>, e: &Enum) -> TokenStream {
    let name = e.name.ident();
    let unknown = e.unknown.ident();
    let fallback = format!("The `{}` enum.", e.name.text);
    let docs = if e.sensitive {
        let note = with_sensitive_note(e.docs.as_deref(), &fallback, "the value");
        item_docs(Some(&note), &fallback, &e.id)
    } else {
        item_docs(e.docs.as_deref(), &fallback, &e.id)
    };
    let string = scope.std("String");
    let variants = e.variants.iter().map(|v| {
        let ident = v.name.ident();
        let value = &v.value;
        let body = v
            .docs
            .as_deref()
            .map_or_else(|| format!("`{value}`"), |d| format!("`{value}`: {d}"));
        let docs = super::doc_attrs(&body);
        quote!(#docs #ident,)
    });
    let (raw_ty, unknown_doc) = if e.int {
        (
            quote!(i32),
            " A value this version of the model does not know.",
        )
    } else {
        (
            quote!(#string),
            " A value this version of the model does not know, kept as sent.",
        )
    };
    let idents: Vec<_> = e.variants.iter().map(|v| v.name.ident()).collect();
    let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let values_doc = format!(" Every value `{}` knows, in model order.", e.name.text);
    let body = if e.int {
        let ints: Vec<i32> = values
            .iter()
            // The IR checked that every intEnum value is a 32-bit integer.
            .map(|v| v.parse().unwrap_or_default())
            .collect();
        quote! {
            impl #name {
                /// The wire value.
                pub fn value(&self) -> i32 {
                    match self { #(Self::#idents => #ints,)* Self::#unknown(v) => *v }
                }
                #[doc = #values_doc]
                pub const VALUES: &'static [i32] = &[#(#ints),*];
            }
            impl From<i32> for #name {
                fn from(v: i32) -> Self {
                    match v { #(#ints => Self::#idents,)* other => Self::#unknown(other) }
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Display::fmt(&self.value(), f)
                }
            }
            impl crate::rt::query::QueryValue for #name {
                fn write_value(&self, out: &mut #string) {
                    crate::rt::query::QueryValue::write_value(&self.value(), out)
                }
            }
            impl crate::rt::xml::XmlValue for #name {
                fn parse_xml(text: &str) -> ::core::result::Result<Self, #string> {
                    <i32 as crate::rt::xml::XmlValue>::parse_xml(text).map(Self::from)
                }
            }
            #[cfg(feature = "serde")]
            impl crate::rt::serde::Serialize for #name {
                fn serialize<S: crate::rt::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                    s.serialize_i32(self.value())
                }
            }
            #[cfg(feature = "serde")]
            impl<'de> crate::rt::serde::Deserialize<'de> for #name {
                fn deserialize<D: crate::rt::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                    <i32 as crate::rt::serde::Deserialize>::deserialize(d).map(Self::from)
                }
            }
        }
    } else {
        quote! {
            impl #name {
                /// The wire value.
                pub fn as_str(&self) -> &str {
                    match self { #(Self::#idents => #values,)* Self::#unknown(v) => v.as_str() }
                }
                #[doc = #values_doc]
                pub const VALUES: &'static [&'static str] = &[#(#values),*];
            }
            impl From<&str> for #name {
                fn from(v: &str) -> Self {
                    match v { #(#values => Self::#idents,)* other => Self::#unknown(other.to_owned()) }
                }
            }
            impl From<#string> for #name {
                fn from(v: #string) -> Self {
                    match v.as_str() { #(#values => Self::#idents,)* _ => Self::#unknown(v) }
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                    Ok(Self::from(s))
                }
            }
            impl AsRef<str> for #name {
                fn as_ref(&self) -> &str {
                    self.as_str()
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl crate::rt::query::QueryValue for #name {
                fn write_value(&self, out: &mut #string) {
                    crate::rt::query::encode_into(self.as_str(), out)
                }
            }
            impl crate::rt::xml::XmlValue for #name {
                fn parse_xml(text: &str) -> ::core::result::Result<Self, #string> {
                    Ok(Self::from(text))
                }
            }
            #[cfg(feature = "serde")]
            impl crate::rt::serde::Serialize for #name {
                fn serialize<S: crate::rt::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                    s.serialize_str(self.as_str())
                }
            }
            #[cfg(feature = "serde")]
            impl<'de> crate::rt::serde::Deserialize<'de> for #name {
                fn deserialize<D: crate::rt::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                    <#string as crate::rt::serde::Deserialize>::deserialize(d).map(Self::from)
                }
            }
        }
    };
    let label = &e.name.text;
    let (debug_derive, debug_impl) = if e.sensitive {
        let debug = quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_tuple(#label).field(&crate::Redacted).finish()
                }
            }
        };
        (quote!(), Some(debug))
    } else {
        (quote!(Debug,), None)
    };
    quote! {
        #docs
        #[derive(#debug_derive Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            #unknown(#raw_ty),
        }
        #debug_impl
        #body
    }
}

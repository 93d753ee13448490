//! XML deserializers: `XmlDeserialize` impls that read a structure's child
//! elements by wire name, skip unknown ones, and keep absent apart from empty.
//! A member element may appear once (`XmlReader::once`), except the items of a
//! flattened list or map, which repeat; list items are matched by their name.

use super::{ts_format, Scope};
use crate::ir::{Structure, TimestampFormat, Ty};
use crate::naming::RustName;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// `impl XmlDeserialize for S`.
pub fn structure_impl(scope: &Scope<'_>, s: &Structure) -> TokenStream {
    let name = s.name.ident();
    let result = scope.std("Result");
    let arms = s.members.iter().filter(|m| !m.xml_attribute).map(|m| {
        let field = m.field.ident();
        let tag = Literal::byte_string(m.xml_name.as_bytes());
        let assign = match &m.ty {
            Ty::List(l) if l.flattened => {
                let item = here(&l.item);
                quote!(r.item(&mut out.#field, |r| #item))
            }
            Ty::Map(map) if map.flattened => {
                let (k, v) = (&map.key_element, &map.value_element);
                let fk = here(&map.key);
                let fv = here(&map.value);
                quote!(r.map_entry(&mut out.#field, #k, #v, |r| #fk, |r| #fv))
            }
            // The common cases without a closure: one instance per type, not per member.
            Ty::Structure(_) if !m.boxed => quote!(r.once_structure(&mut out.#field)),
            ty if !m.boxed && is_plain_value(ty) => quote!(r.once_value(&mut out.#field)),
            ty => {
                let value = here(ty);
                let value = if m.boxed {
                    let boxed = scope.std("Box");
                    quote!(#value.map(#boxed::new))
                } else {
                    value
                };
                quote!(r.once(&mut out.#field, |r| #value))
            }
        };
        quote!(#tag => #assign,)
    });
    let allow = s
        .members
        .iter()
        .any(|m| m.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]));
    let arms: Vec<TokenStream> = arms.collect();
    let (out_decl, read) = if arms.is_empty() {
        // Nothing to read: every child is skipped.
        (
            quote!(let out = Self::default();),
            quote! {
                while r.next_child()?.is_some() {
                    r.skip()?;
                }
            },
        )
    } else {
        (
            quote!(let mut out = Self::default();),
            quote! {
                while let Some(start) = r.next_child()? {
                    match start.local_name() {
                        #(#arms)*
                        _ => r.skip(),
                    }?;
                }
            },
        )
    };
    quote! {
        #allow
        impl crate::rt::xml::XmlDeserialize for #name {
            fn deserialize(r: &mut crate::rt::xml::XmlReader<'_>) -> #result<Self, crate::rt::xml::XmlError> {
                #out_decl
                #read
                Ok(out)
            }
        }
    }
}

/// `impl XmlDeserialize for U` for a union: the element holds exactly one member element
/// (`XmlReader::union`); one the model does not name becomes the `unknown` variant.
pub fn union_impl(scope: &Scope<'_>, s: &Structure, unknown: &RustName) -> TokenStream {
    let name = s.name.ident();
    let result = scope.std("Result");
    let (some, none) = (scope.std("Some"), scope.std("None"));
    let unknown = unknown.ident();
    let arms = s.members.iter().map(|m| {
        let ident = m.variant().ident();
        let tag = Literal::byte_string(m.xml_name.as_bytes());
        if m.ty == Ty::Unit {
            // An empty structure: whatever it holds is skipped.
            return quote!(#tag => { r.skip()?; Self::#ident });
        }
        let value = here(&m.ty);
        if m.boxed {
            let boxed = scope.std("Box");
            quote!(#tag => Self::#ident(#boxed::new(#value?)),)
        } else {
            quote!(#tag => Self::#ident(#value?),)
        }
    });
    quote! {
        impl crate::rt::xml::XmlDeserialize for #name {
            fn deserialize(r: &mut crate::rt::xml::XmlReader<'_>) -> #result<Self, crate::rt::xml::XmlError> {
                let member = r.union(|r, name| {
                    Ok(#some(match name {
                        #(#arms)*
                        _ => return Ok(#none),
                    }))
                })?;
                Ok(match member {
                    crate::rt::xml::UnionMember::Known(v) => v,
                    crate::rt::xml::UnionMember::Unknown(u) => Self::#unknown(u),
                })
            }
        }
    }
}

/// Whether `here(ty)` is plain `r.read()`.
fn is_plain_value(ty: &Ty) -> bool {
    !matches!(ty, Ty::Unit | Ty::Structure(_) | Ty::List(_) | Ty::Map(_)) && ts_format(ty).is_none()
}

/// An expression of type `Result<T, XmlError>` reading a value of `ty` from
/// the current element.
fn here(ty: &Ty) -> TokenStream {
    match ty {
        // Only a union's variant has no value; `union_impl` reads it.
        Ty::Unit => quote!(r.skip()),
        Ty::Structure(_) => quote!(r.structure()),
        Ty::List(l) => {
            let name = &l.item_element;
            let item = here(&l.item);
            quote!(r.list(#name, |r| #item))
        }
        Ty::Map(m) => {
            let (k, v) = (&m.key_element, &m.value_element);
            let fk = here(&m.key);
            let fv = here(&m.value);
            quote!(r.map(#k, #v, |r| #fk, |r| #fv))
        }
        _ => match ts_format(ty) {
            Some(f) => {
                let parse = match f {
                    TimestampFormat::EpochSeconds => quote!(parse_epoch_seconds),
                    TimestampFormat::HttpDate => quote!(parse_http_date),
                    TimestampFormat::DateTime => quote!(parse_date_time),
                };
                quote!(r.read_with(|text| crate::rt::DateTime::#parse(text.trim()).map_err(|e| e.to_string())))
            }
            None => quote!(r.read()),
        },
    }
}

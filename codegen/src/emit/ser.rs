//! Query serializers: `QuerySerialize` impls that write each member under its form key, in
//! model order, through the runtime's `QueryWriter`. awsQuery and ec2Query share all of it
//! but lists: ec2Query flattens every list and sends nothing for an empty one (the keys
//! themselves were chosen per protocol in the IR).

use super::{is_copy, ts_format, Scope};
use crate::ir::{Protocol, Structure, TimestampFormat, Ty};
use crate::naming::RustName;
use proc_macro2::TokenStream;
use quote::quote;

/// `impl QuerySerialize for S`.
pub fn structure_impl(scope: &Scope<'_>, s: &Structure) -> TokenStream {
    let name = s.name.ident();
    let body = s.members.iter().map(|m| {
        let field = m.field.ident();
        let value = if m.boxed { quote!(&**v) } else { quote!(v) };
        let write = member(scope, &m.query_name, &m.ty, &value);
        if m.optional && m.idempotency_token {
            // Left unset: a fresh token from the writer's source.
            let some = scope.std("Some");
            let none = scope.std("None");
            quote! {{
                let token;
                let v = match &self.#field {
                    #some(v) => v,
                    #none => {
                        token = w.idempotency_token();
                        &token
                    }
                };
                #write
            }}
        } else if m.optional {
            let some = scope.std("Some");
            quote!(if let #some(v) = &self.#field { #write })
        } else {
            quote!({ let v = &self.#field; #write })
        }
    });
    let w = if s.members.is_empty() {
        quote!(_w)
    } else {
        quote!(w)
    };
    let allow = s
        .members
        .iter()
        .any(|m| m.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #allow
        impl crate::rt::query::QuerySerialize for #name {
            fn serialize(&self, #w: &mut crate::rt::query::QueryWriter) {
                #(#body)*
            }
        }
    }
}

/// `impl QuerySerialize for U` for a union: written as a structure with its one member set
/// (`Union.Member=…`), as botocore writes a union. A unit variant writes nothing (it is an
/// empty structure), and so does the unknown variant.
pub fn union_impl(scope: &Scope<'_>, s: &Structure, unknown: &RustName) -> TokenStream {
    let name = s.name.ident();
    let unknown = unknown.ident();
    let arms = s.members.iter().map(|m| {
        let ident = m.variant().ident();
        if m.ty == Ty::Unit {
            return quote!(Self::#ident => {});
        }
        let value = if m.boxed { quote!(&**v) } else { quote!(v) };
        let write = member(scope, &m.query_name, &m.ty, &value);
        quote!(Self::#ident(v) => { #write })
    });
    let w = if s.members.iter().all(|m| m.ty == Ty::Unit) {
        quote!(_w)
    } else {
        quote!(w)
    };
    quote! {
        impl crate::rt::query::QuerySerialize for #name {
            fn serialize(&self, #w: &mut crate::rt::query::QueryWriter) {
                match self {
                    #(#arms)*
                    Self::#unknown(_) => {}
                }
            }
        }
    }
}

/// Writes the value `v` (a reference) of type `ty` under the key segment `seg`.
fn member(scope: &Scope<'_>, seg: &str, ty: &Ty, v: &TokenStream) -> TokenStream {
    match ty {
        Ty::Structure(_) => quote!(w.structure(#seg, #v);),
        Ty::List(_) | Ty::Map(_) => collection(scope, seg, ty, v),
        Ty::Unit => quote!(),
        _ if ts_format(ty).is_some() => {
            let text = timestamp_text(ty, v);
            quote!(w.value(#seg, #text.as_str());)
        }
        _ => quote!(w.value(#seg, #v);),
    }
}

/// Writes `v` at the writer's current key.
fn here(scope: &Scope<'_>, ty: &Ty, v: &TokenStream) -> TokenStream {
    match ty {
        Ty::Structure(_) => quote!(crate::rt::query::QuerySerialize::serialize(#v, w);),
        Ty::List(_) | Ty::Map(_) => collection(scope, "", ty, v),
        Ty::Unit => quote!(),
        _ if ts_format(ty).is_some() => {
            let text = timestamp_text(ty, v);
            quote!(w.write(#text.as_str());)
        }
        _ => quote!(w.write(#v);),
    }
}

fn timestamp_text(ty: &Ty, v: &TokenStream) -> TokenStream {
    match ts_format(ty) {
        Some(TimestampFormat::EpochSeconds) => quote!(#v.fmt_epoch_seconds()),
        Some(TimestampFormat::HttpDate) => quote!(#v.fmt_http_date()),
        _ => quote!(#v.fmt_date_time()),
    }
}

fn collection(scope: &Scope<'_>, seg: &str, ty: &Ty, v: &TokenStream) -> TokenStream {
    match ty {
        Ty::List(l) if scope.ir.service.protocol == Protocol::Ec2Query => {
            let item = quote!(item);
            let write = here(scope, &l.item, &item);
            quote!(w.flat_list(#seg, #v, |w, item| { #write });)
        }
        Ty::List(l) => {
            let member = if l.flattened {
                let none = scope.std("None");
                quote!(#none)
            } else {
                let some = scope.std("Some");
                let name = &l.item_name;
                quote!(#some(#name))
            };
            let item = quote!(item);
            let write = here(scope, &l.item, &item);
            let _ = is_copy(&l.item);
            quote!(w.list(#seg, #member, #v, |w, item| { #write });)
        }
        Ty::Map(m) => {
            let flattened = m.flattened;
            let (k, val) = (&m.key_name, &m.value_name);
            let key = quote!(key);
            let value = quote!(value);
            let write_key = here(scope, &m.key, &key);
            let write_value = here(scope, &m.value, &value);
            quote!(w.map(#seg, #flattened, #k, #val, #v, |w, key| { #write_key }, |w, value| { #write_value });)
        }
        _ => quote!(),
    }
}

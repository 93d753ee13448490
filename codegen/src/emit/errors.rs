//! Error enums: each operation's (`CopySnapshotError`) and the crate-wide
//! `Error` share one shape, a variant per modelled error plus `Unhandled` and
//! `Unparseable`, with the same accessors, `Display` and `std::error::Error`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// An error enum named `name` whose modelled variants are `names`, each
/// holding the error structure of that name (`variants` gives their
/// documented declarations).
pub fn error_enum(
    name: &Ident,
    doc: &str,
    variants: &[TokenStream],
    names: &[Ident],
) -> TokenStream {
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            /// An error code not modelled here, kept with its code, message, request id and status.
            Unhandled(crate::rt::ErrorMeta),
            /// A response that could not be parsed (not XML, wrong root, truncated …).
            Unparseable(crate::rt::ResponseError),
        }

        impl #name {
            /// The error response's metadata, unless the response could not be parsed.
            pub fn meta(&self) -> Option<&crate::rt::ErrorMeta> {
                match self {
                    #(Self::#names(e) => Some(&*e.meta),)*
                    Self::Unhandled(meta) => Some(meta),
                    Self::Unparseable(_) => None,
                }
            }

            /// The error code the service sent.
            pub fn code(&self) -> Option<&str> {
                self.meta().map(|m| m.code.as_str())
            }

            /// The error message the service sent.
            pub fn message(&self) -> Option<&str> {
                self.meta().and_then(|m| m.message.as_deref())
            }

            /// The request id the service sent.
            pub fn request_id(&self) -> Option<&str> {
                self.meta().and_then(|m| m.request_id.as_deref())
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(Self::#names(e) => ::std::fmt::Display::fmt(e, f),)*
                    Self::Unhandled(meta) => ::std::fmt::Display::fmt(meta, f),
                    Self::Unparseable(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }

        impl ::std::error::Error for #name {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    Self::Unparseable(e) => Some(e),
                    _ => None,
                }
            }
        }
    }
}

//! Error enums: each operation's (`CopySnapshotError`) and the crate-wide
//! `Error` share one shape, a variant per modelled error plus `Unhandled` and
//! `Unparseable`, with the same accessors, `Display` and `std::error::Error`, all
//! through the runtime's `ErrorEnum` trait.

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
        #[non_exhaustive]
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
                crate::rt::error::ErrorEnum::variant(self).meta()
            }

            /// The error code the service sent.
            pub fn code(&self) -> Option<&str> {
                crate::rt::error::ErrorEnum::variant(self).code()
            }

            /// The error message the service sent.
            pub fn message(&self) -> Option<&str> {
                crate::rt::error::ErrorEnum::variant(self).message()
            }

            /// The request id the service sent.
            pub fn request_id(&self) -> Option<&str> {
                crate::rt::error::ErrorEnum::variant(self).request_id()
            }
        }

        impl crate::rt::error::ErrorEnum for #name {
            fn unhandled(meta: crate::rt::ErrorMeta) -> Self {
                Self::Unhandled(meta)
            }

            fn unparseable(error: crate::rt::ResponseError) -> Self {
                Self::Unparseable(error)
            }

            fn variant(&self) -> crate::rt::error::ErrorVariant<'_> {
                use crate::rt::error::ErrorVariant;
                match self {
                    #(Self::#names(e) => ErrorVariant::modeled(e),)*
                    Self::Unhandled(meta) => ErrorVariant::Unhandled(meta),
                    Self::Unparseable(e) => ErrorVariant::Unparseable(e),
                }
            }

            fn into_unparseable(self) -> ::core::result::Result<crate::rt::ResponseError, Self> {
                match self {
                    Self::Unparseable(e) => ::core::result::Result::Ok(e),
                    other => ::core::result::Result::Err(other),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&crate::rt::error::ErrorEnum::variant(self), f)
            }
        }

        impl ::std::error::Error for #name {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                crate::rt::error::ErrorEnum::variant(self).source()
            }
        }
    }
}

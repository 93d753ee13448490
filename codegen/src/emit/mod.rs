//! Stage 3: pure functions from the IR to Rust tokens, one module per concern.
//! [`file::render`] is the single place tokens become a formatted file.

pub mod client;
pub mod crate_files;
pub mod de;
pub mod endpoint;
pub mod errors;
pub mod examples;
pub mod file;
pub mod operation;
pub mod partitions;
pub mod protocol_tests;
pub mod runtime;
pub mod ser;
pub mod shapes;
pub mod waiters;

use crate::ir::{Ir, Placement, Structure, TimestampFormat, Ty};
use crate::naming::RustName;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Names of std prelude types that generated code uses unqualified.
const PRELUDE: &[&str] = &[
    "Option", "String", "Vec", "Box", "Result", "Default", "Some", "None", "Ok", "Err",
];

/// The module being emitted: which type names it defines (they shadow the
/// prelude and make bare references possible).
#[derive(Debug, Clone)]
pub struct Scope<'ir> {
    /// The IR.
    pub ir: &'ir Ir,
    /// Where the emitted items live.
    pub here: Placement,
    shadows: Vec<String>,
}

impl<'ir> Scope<'ir> {
    /// A scope for the module `here`.
    pub fn new(ir: &'ir Ir, here: Placement) -> Self {
        let mut shadows: Vec<String> = ir
            .structures
            .iter()
            .filter(|s| s.placement == here)
            .map(|s| s.name.text.clone())
            .collect();
        if here == Placement::Types {
            shadows.extend(ir.enums.iter().map(|e| e.name.text.clone()));
        }
        shadows.retain(|n| PRELUDE.contains(&n.as_str()));
        Scope { ir, here, shadows }
    }

    /// A scope for a module that defines no generated types (`client`): every
    /// generated type is named by its path from the crate root.
    pub fn outside(ir: &'ir Ir) -> Self {
        // No operation module has an empty name, so nothing is local here.
        let nowhere = RustName {
            text: String::new(),
            raw: false,
        };
        Scope {
            ir,
            here: Placement::Operation(nowhere),
            shadows: Vec::new(),
        }
    }

    /// A std prelude item, qualified when this module shadows it.
    pub fn std(&self, name: &str) -> TokenStream {
        let ident = format_ident!("{}", name);
        if !self.shadows.iter().any(|s| s == name) {
            return quote!(#ident);
        }
        match name {
            "Option" => quote!(::core::option::Option),
            "Some" | "None" => quote!(::core::option::Option::#ident),
            "Result" => quote!(::core::result::Result),
            "Ok" | "Err" => quote!(::core::result::Result::#ident),
            "String" => quote!(::std::string::String),
            "Vec" => quote!(::std::vec::Vec),
            "Box" => quote!(::std::boxed::Box),
            "Default" => quote!(::core::default::Default),
            _ => quote!(#ident),
        }
    }

    /// The path of a generated type from this module.
    pub fn path_of(&self, placement: &Placement, name: &RustName) -> TokenStream {
        if *placement == self.here {
            let ident = name.ident();
            return quote!(#ident);
        }
        absolute_path(&quote!(crate), placement, name)
    }

    /// The path of the structure or enum with this shape id.
    pub fn type_path(&self, id: &str) -> TokenStream {
        if let Some(s) = self.ir.structure(id) {
            return self.path_of(&s.placement, &s.name);
        }
        match self.ir.enumeration(id) {
            Some(e) => self.path_of(&Placement::Types, &e.name),
            None => quote!(compile_error!("unknown shape")),
        }
    }

    /// The Rust type of a member type.
    pub fn rust_ty(&self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::String => self.std("String"),
            Ty::Boolean => quote!(bool),
            Ty::Byte => quote!(i8),
            Ty::Short => quote!(i16),
            Ty::Integer => quote!(i32),
            Ty::Long => quote!(i64),
            Ty::Float => quote!(f32),
            Ty::Double => quote!(f64),
            Ty::Timestamp(_) => quote!(crate::rt::DateTime),
            Ty::Blob => quote!(crate::rt::Blob),
            Ty::Enum(id) | Ty::Structure(id) => self.type_path(id),
            Ty::Unit => quote!(()),
            Ty::List(l) => {
                let vec = self.std("Vec");
                let item = self.rust_ty(&l.item);
                quote!(#vec<#item>)
            }
            Ty::Map(m) => {
                let k = self.rust_ty(&m.key);
                let v = self.rust_ty(&m.value);
                quote!(::std::collections::BTreeMap<#k, #v>)
            }
        }
    }
}

/// The path of a generated type below the crate root `root` (`crate`, or the
/// crate's name from outside).
pub fn absolute_path(root: &TokenStream, placement: &Placement, name: &RustName) -> TokenStream {
    let ident = name.ident();
    match placement {
        Placement::Types => quote!(#root::types::#ident),
        Placement::Errors => quote!(#root::error::#ident),
        Placement::Operation(m) => {
            let m = m.ident();
            quote!(#root::operation::#m::#ident)
        }
    }
}

/// The rustdoc link target of a generated type (`crate::error::Name`).
pub fn doc_link(placement: &Placement, name: &RustName) -> String {
    match placement {
        Placement::Types => format!("crate::types::{}", name.source()),
        Placement::Errors => format!("crate::error::{}", name.source()),
        Placement::Operation(m) => format!("crate::operation::{}::{}", m.source(), name.source()),
    }
}

/// `#[doc = "…"]` attributes for Markdown text, one per line.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// `#![doc = "…"]` attributes (module or crate docs), one per line.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    quote!(#(#lines)*)
}

/// Docs for an item: its Markdown, then the shape id it comes from.
pub fn item_docs(docs: Option<&str>, fallback: &str, shape_id: &str) -> TokenStream {
    let body = docs.filter(|d| !d.trim().is_empty()).unwrap_or(fallback);
    doc_attrs(&format!("{body}\n\nSmithy shape: `{shape_id}`"))
}

/// Whether the value of this type is `Copy` (read by value, not by reference).
pub fn is_copy(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Boolean
            | Ty::Byte
            | Ty::Short
            | Ty::Integer
            | Ty::Long
            | Ty::Float
            | Ty::Double
            | Ty::Timestamp(_)
    )
}

/// Whether a timestamp needs a non-default wire format.
pub fn ts_format(ty: &Ty) -> Option<TimestampFormat> {
    match ty {
        Ty::Timestamp(f) if *f != TimestampFormat::DateTime => Some(*f),
        _ => None,
    }
}

/// The structures emitted into the module `here`.
pub fn structures_in<'a>(
    ir: &'a Ir,
    here: &'a Placement,
) -> impl Iterator<Item = &'a Structure> + 'a {
    ir.structures.iter().filter(move |s| &s.placement == here)
}

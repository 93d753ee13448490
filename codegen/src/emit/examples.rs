//! Doctests from `smithy.api#examples`: each example builds its input with the
//! generated constructor and setters, checks the serialized body, and parses
//! the example output from an XML document.
//!
//! The expected body and the XML document are computed here, from the example
//! JSON and the IR, independently of the runtime's writer and reader, so the
//! doctest is a real cross-check of the generated code.

use super::absolute_path;
use crate::ir::{Ir, Operation, Placement, Ty};
use crate::naming;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Markdown sections with one doctest per example that has an input.
pub fn doctests(ir: &Ir, op: &Operation) -> String {
    let mut out = Vec::new();
    for ex in &op.examples {
        let Some(code) = doctest(ir, op, ex.input.as_ref(), ex.output.as_ref()) else {
            continue;
        };
        let mut section = format!("# Example: {}\n\n", escape_md(&ex.title));
        if let Some(d) = &ex.docs {
            section.push_str(&crate::docs::to_markdown(d));
            section.push_str("\n\n");
        }
        section.push_str("```\n");
        section.push_str(code.trim_end());
        section.push_str("\n```");
        out.push(section);
    }
    out.join("\n\n")
}

fn escape_md(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

fn doctest(
    ir: &Ir,
    op: &Operation,
    input: Option<&Value>,
    output: Option<&Value>,
) -> Option<String> {
    let krate = format_ident!("{}", ir.service.crate_name.replace('-', "_"));
    let module = op.module.ident();
    let cx = Cx {
        ir,
        krate: quote!(#krate),
    };
    let input_id = op.input.as_ref()?;
    let input_json = input.cloned().unwrap_or(Value::Object(Default::default()));
    let input_expr = cx.structure_expr(input_id, &input_json)?;
    let mut pairs = vec![
        ("Action".to_owned(), op.name.clone()),
        ("Version".to_owned(), ir.service.version.clone()),
    ];
    cx.form_pairs(
        &Ty::Structure(input_id.clone()),
        &input_json,
        "",
        &mut pairs,
    );
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", k, naming::url_encode(v)))
        .collect();
    let body = body.join("&");
    let check_output = match (&op.output, output) {
        (Some(out_id), Some(out_json)) => {
            let expected = cx.structure_expr(out_id, out_json)?;
            let mut xml = format!(
                "<{0}Response xmlns=\"{1}\"><{0}Result>",
                op.name,
                ir.service.xml_namespace.as_deref().unwrap_or("")
            );
            cx.xml_members(out_id, out_json, &mut xml);
            xml.push_str(&format!("</{0}Result></{0}Response>", op.name));
            quote! {
                let xml = #xml;
                let output = #module::parse_response(200, xml.as_bytes())?;
                let expected = #expected;
                assert_eq!(output, expected);
            }
        }
        _ => quote!(),
    };
    let tokens = quote! {
        use #krate::operation::#module;
        fn main() -> Result<(), Box<dyn std::error::Error>> {
            let input = #input_expr;
            let body = #module::serialize_request(&input);
            assert_eq!(body, #body);
            #check_output
            Ok(())
        }
    };
    let file: syn::File = syn::parse2(tokens).ok()?;
    Some(prettyplease::unparse(&file))
}

struct Cx<'ir> {
    ir: &'ir Ir,
    krate: TokenStream,
}

impl Cx<'_> {
    /// The public path of a generated type.
    fn path(&self, id: &str) -> TokenStream {
        match (self.ir.structure(id), self.ir.enumeration(id)) {
            (Some(s), _) => absolute_path(&self.krate, &s.placement, &s.name),
            (None, Some(e)) => absolute_path(&self.krate, &Placement::Types, &e.name),
            (None, None) => quote!(compile_error!("unknown shape")),
        }
    }

    /// An expression building the structure `id` from `json`.
    fn structure_expr(&self, id: &str, json: &Value) -> Option<TokenStream> {
        let s = self.ir.structure(id)?;
        let obj = json.as_object()?;
        let path = self.path(id);
        let mut args = Vec::new();
        for m in s.members.iter().filter(|m| !m.optional) {
            args.push(self.value_expr(&m.ty, obj.get(&m.name)?)?);
        }
        let mut setters = Vec::new();
        for m in s.members.iter().filter(|m| m.optional) {
            if let Some(v) = obj.get(&m.name) {
                let field = m.field.ident();
                let value = self.value_expr(&m.ty, v)?;
                setters.push(quote!(.#field(#value)));
            }
        }
        Some(quote!(#path::new(#(#args),*) #(#setters)*))
    }

    fn value_expr(&self, ty: &Ty, v: &Value) -> Option<TokenStream> {
        let krate = &self.krate;
        Some(match ty {
            Ty::String => {
                let s = v.as_str()?;
                quote!(#s)
            }
            Ty::Enum(id) => {
                let path = self.path(id);
                if let Some(s) = v.as_str() {
                    quote!(#path::from(#s))
                } else {
                    let n = i32::try_from(v.as_i64()?).ok()?;
                    quote!(#path::from(#n))
                }
            }
            Ty::Boolean => {
                let b = v.as_bool()?;
                quote!(#b)
            }
            Ty::Byte | Ty::Short | Ty::Integer | Ty::Long => {
                let lit = proc_macro2::Literal::i64_unsuffixed(v.as_i64()?);
                quote!(#lit)
            }
            Ty::Float | Ty::Double => {
                let lit = proc_macro2::Literal::f64_unsuffixed(v.as_f64()?);
                quote!(#lit)
            }
            Ty::Timestamp(_) => match v {
                Value::String(s) => quote!(#s.parse::<#krate::DateTime>()?),
                Value::Number(n) => {
                    let secs = n.as_i64()?;
                    quote!(#krate::DateTime::from_secs(#secs))
                }
                _ => return None,
            },
            Ty::Blob => {
                let s = v.as_str()?;
                quote!(#krate::Blob::from(#s))
            }
            Ty::Structure(id) => self.structure_expr(id, v)?,
            Ty::List(l) => {
                let items = v
                    .as_array()?
                    .iter()
                    .map(|i| self.value_expr(&l.item, i))
                    .collect::<Option<Vec<_>>>()?;
                quote!([#(#items),*])
            }
            Ty::Map(m) => {
                let mut entries = Vec::new();
                for (k, val) in v.as_object()? {
                    let key = self.value_expr(&m.key, &Value::String(k.clone()))?;
                    let val = self.value_expr(&m.value, val)?;
                    entries.push(quote!((#key.into(), #val)));
                }
                quote!([#(#entries),*])
            }
        })
    }

    /// The form pairs awsQuery sends for `v`, computed from the example JSON.
    fn form_pairs(&self, ty: &Ty, v: &Value, key: &str, out: &mut Vec<(String, String)>) {
        let join = |a: &str, b: &str| {
            if a.is_empty() {
                b.to_owned()
            } else {
                format!("{a}.{b}")
            }
        };
        match (ty, v) {
            (Ty::Structure(id), Value::Object(obj)) => {
                let Some(s) = self.ir.structure(id) else {
                    return;
                };
                for m in &s.members {
                    if let Some(mv) = obj.get(&m.name) {
                        self.form_pairs(&m.ty, mv, &join(key, &m.query_name), out);
                    }
                }
            }
            (Ty::List(l), Value::Array(items)) => {
                if items.is_empty() {
                    out.push((key.to_owned(), String::new()));
                }
                for (i, item) in items.iter().enumerate() {
                    let base = if l.flattened {
                        key.to_owned()
                    } else {
                        join(key, &l.item_name)
                    };
                    self.form_pairs(&l.item, item, &join(&base, &(i + 1).to_string()), out);
                }
            }
            (Ty::Map(m), Value::Object(obj)) => {
                for (i, (k, val)) in obj.iter().enumerate() {
                    let base = if m.flattened {
                        key.to_owned()
                    } else {
                        join(key, "entry")
                    };
                    let entry = join(&base, &(i + 1).to_string());
                    out.push((join(&entry, &m.key_name), k.clone()));
                    self.form_pairs(&m.value, val, &join(&entry, &m.value_name), out);
                }
            }
            (_, Value::String(s)) => out.push((key.to_owned(), s.clone())),
            (_, Value::Bool(b)) => out.push((key.to_owned(), b.to_string())),
            (_, Value::Number(n)) => out.push((key.to_owned(), n.to_string())),
            _ => {}
        }
    }

    /// The XML elements of structure `id`'s members, from the example JSON.
    fn xml_members(&self, id: &str, v: &Value, out: &mut String) {
        let (Some(s), Some(obj)) = (self.ir.structure(id), v.as_object()) else {
            return;
        };
        for m in &s.members {
            if let Some(mv) = obj.get(&m.name) {
                match &m.ty {
                    Ty::List(l) if l.flattened => {
                        for item in mv.as_array().into_iter().flatten() {
                            self.xml_element(&m.xml_name, &l.item, item, out);
                        }
                    }
                    ty => self.xml_element(&m.xml_name, ty, mv, out),
                }
            }
        }
    }

    fn xml_element(&self, name: &str, ty: &Ty, v: &Value, out: &mut String) {
        out.push_str(&format!("<{name}>"));
        match (ty, v) {
            (Ty::Structure(id), _) => self.xml_members(id, v, out),
            (Ty::List(l), Value::Array(items)) => {
                for item in items {
                    self.xml_element(&l.item_name, &l.item, item, out);
                }
            }
            (Ty::Map(m), Value::Object(obj)) => {
                for (k, val) in obj {
                    out.push_str("<entry>");
                    self.xml_element(&m.key_name, &m.key, &Value::String(k.clone()), out);
                    self.xml_element(&m.value_name, &m.value, val, out);
                    out.push_str("</entry>");
                }
            }
            (_, Value::String(s)) => out.push_str(&xml_escape(s)),
            (_, Value::Bool(b)) => out.push_str(&b.to_string()),
            (_, Value::Number(n)) => out.push_str(&n.to_string()),
            _ => {}
        }
        out.push_str(&format!("</{name}>"));
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

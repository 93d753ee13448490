//! Doctests from `smithy.api#examples`: each example builds its input with the
//! generated constructor and setters, checks the serialized body, and parses
//! the example output from an XML document.
//!
//! The expected body and the XML document are computed here, from the example
//! JSON and the IR, independently of the runtime's writer and reader, so the
//! doctest is a real cross-check of the generated code.

use super::absolute_path;
use crate::ir::{Ir, Operation, Placement, Protocol, TimestampFormat, Ty};
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

/// An expression that builds a value of the structure `id` from a JSON document of its
/// members (written as an example's `input` is), through the crate's public constructor
/// and setters; `krate` names the generated crate in the code around the expression.
/// `None` when the document does not fit the structure. A timestamp given as a string is
/// parsed with `?`, so the code around must be able to return that error; one given as a
/// number of seconds needs nothing.
pub fn structure_expr(ir: &Ir, krate: &TokenStream, id: &str, json: &Value) -> Option<TokenStream> {
    let cx = Cx {
        ir,
        krate: krate.clone(),
    };
    cx.structure_expr(id, json)
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
            let ns = ir.service.xml_namespace.as_deref().unwrap_or("");
            let mut xml = match ir.service.protocol {
                Protocol::AwsQuery => format!("<{0}Response xmlns=\"{ns}\"><{0}Result>", op.name),
                Protocol::Ec2Query => format!("<{0}Response xmlns=\"{ns}\">", op.name),
            };
            cx.xml_members(out_id, out_json, &mut xml);
            match ir.service.protocol {
                Protocol::AwsQuery => xml.push_str(&format!("</{0}Result></{0}Response>", op.name)),
                Protocol::Ec2Query => xml.push_str(&format!("</{0}Response>", op.name)),
            }
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
        if s.is_union() {
            // `{"Member": value}`: the variant holding that member.
            let [(key, v)] = obj.iter().collect::<Vec<_>>()[..] else {
                return None;
            };
            let m = s.members.iter().find(|m| &m.name == key)?;
            let ident = m.variant().ident();
            if m.ty == Ty::Unit {
                return Some(quote!(#path::#ident));
            }
            let value = self.item_expr(&m.ty, v)?;
            let value = if m.boxed {
                quote!(::std::boxed::Box::new(#value))
            } else {
                value
            };
            return Some(quote!(#path::#ident(#value)));
        }
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
            Ty::Timestamp(_) => {
                let (secs, nanos) = instant(v)?;
                match v {
                    Value::String(s) => quote!(#s.parse::<#krate::DateTime>()?),
                    _ => {
                        let secs = proc_macro2::Literal::i64_unsuffixed(secs);
                        if nanos == 0 {
                            quote!(#krate::DateTime::from_secs(#secs))
                        } else {
                            let nanos = proc_macro2::Literal::u32_unsuffixed(nanos);
                            quote!(#krate::DateTime::from_secs_and_nanos(#secs, #nanos))
                        }
                    }
                }
            }
            Ty::Blob => {
                let s = v.as_str()?;
                quote!(#krate::Blob::from(#s))
            }
            Ty::Structure(id) => self.structure_expr(id, v)?,
            Ty::Unit => return None,
            Ty::List(l) => {
                let items = v
                    .as_array()?
                    .iter()
                    .map(|i| self.item_expr(&l.item, i))
                    .collect::<Option<Vec<_>>>()?;
                quote!([#(#items),*])
            }
            Ty::Map(m) => {
                let mut entries = Vec::new();
                for (k, val) in v.as_object()? {
                    let key = self.item_expr(&m.key, &Value::String(k.clone()))?;
                    let val = self.item_expr(&m.value, val)?;
                    entries.push(quote!((#key, #val)));
                }
                quote!([#(#entries),*])
            }
        })
    }

    /// An expression of exactly the Rust type of `ty`, for a list item or a
    /// map entry: setters convert the collection, not its items.
    fn item_expr(&self, ty: &Ty, v: &Value) -> Option<TokenStream> {
        let value = self.value_expr(ty, v)?;
        Some(match ty {
            Ty::String => quote!(#value.to_owned()),
            Ty::List(_) => quote!(::std::vec::Vec::from(#value)),
            Ty::Map(_) => quote!(::std::collections::BTreeMap::from(#value)),
            _ => value,
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
            (Ty::List(l), Value::Array(items))
                if self.ir.service.protocol == Protocol::Ec2Query =>
            {
                // Flat, and nothing at all for an empty list.
                for (i, item) in items.iter().enumerate() {
                    self.form_pairs(&l.item, item, &join(key, &(i + 1).to_string()), out);
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
                for (i, (k, val)) in self.map_order(&m.key, obj).into_iter().enumerate() {
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
            (_, Value::Array(_) | Value::Object(_) | Value::Null) => {}
            (ty, v) => {
                if let Some(text) = scalar_text(ty, v) {
                    out.push((key.to_owned(), text));
                }
            }
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
                    Ty::Map(map) if map.flattened => {
                        for (k, val) in mv.as_object().into_iter().flatten() {
                            out.push_str(&format!("<{}>", m.xml_name));
                            let key = Value::String(k.clone());
                            self.xml_element(&map.key_element, &map.key, &key, out);
                            self.xml_element(&map.value_element, &map.value, val, out);
                            out.push_str(&format!("</{}>", m.xml_name));
                        }
                    }
                    ty => self.xml_element(&m.xml_name, ty, mv, out),
                }
            }
        }
        // Members the example has and the model does not: the parser skips them.
        for (k, v) in obj {
            if !s.members.iter().any(|m| &m.name == k) {
                xml_unknown(k, v, out);
            }
        }
    }

    fn xml_element(&self, name: &str, ty: &Ty, v: &Value, out: &mut String) {
        out.push_str(&format!("<{name}>"));
        match (ty, v) {
            (Ty::Structure(id), _) => self.xml_members(id, v, out),
            (Ty::List(l), Value::Array(items)) => {
                for item in items {
                    self.xml_element(&l.item_element, &l.item, item, out);
                }
            }
            (Ty::Map(m), Value::Object(obj)) => {
                for (k, val) in obj {
                    out.push_str("<entry>");
                    self.xml_element(&m.key_element, &m.key, &Value::String(k.clone()), out);
                    self.xml_element(&m.value_element, &m.value, val, out);
                    out.push_str("</entry>");
                }
            }
            (ty, v) => {
                if let Some(text) = scalar_text(ty, v) {
                    out.push_str(&xml_escape(&text));
                }
            }
        }
        out.push_str(&format!("</{name}>"));
    }

    /// The entries of a map in the order the generated `BTreeMap` keeps them:
    /// string keys by bytes, enum keys by variant (model order), then unknown
    /// values by text.
    fn map_order<'v>(
        &self,
        key: &Ty,
        obj: &'v serde_json::Map<String, Value>,
    ) -> Vec<(&'v String, &'v Value)> {
        let rank = |k: &str| match key {
            Ty::Enum(id) => self
                .ir
                .enumeration(id)
                .and_then(|e| e.variants.iter().position(|v| v.value == k))
                .map_or((1, k.to_owned()), |i| (0, format!("{i:010}"))),
            _ => (0, k.to_owned()),
        };
        let mut entries: Vec<_> = obj.iter().collect();
        entries.sort_by_key(|(k, _)| rank(k));
        entries
    }
}

/// An example value that the generated structures have no member for, as XML:
/// the parser must skip it.
fn xml_unknown(name: &str, v: &Value, out: &mut String) {
    out.push_str(&format!("<{name}>"));
    match v {
        Value::Object(obj) => {
            for (k, val) in obj {
                xml_unknown(k, val, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                xml_unknown("member", item, out);
            }
        }
        Value::String(s) => out.push_str(&xml_escape(s)),
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Null => {}
    }
    out.push_str(&format!("</{name}>"));
}

/// The text of a scalar as the generated code writes it (form value before
/// percent-encoding, or XML text before escaping).
fn scalar_text(ty: &Ty, v: &Value) -> Option<String> {
    match (ty, v) {
        (Ty::Timestamp(format), _) => {
            let (secs, nanos) = instant(v)?;
            Some(format_instant(*format, secs, nanos))
        }
        // Rust's shortest round-trip form, as the runtime writes floats.
        (Ty::Float, Value::Number(n)) => Some((n.as_f64()? as f32).to_string()),
        (Ty::Double, Value::Number(n)) => Some(n.as_f64()?.to_string()),
        (_, Value::String(s)) => Some(s.clone()),
        (_, Value::Bool(b)) => Some(b.to_string()),
        (_, Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Seconds and nanoseconds since the epoch of an example timestamp: an RFC
/// 3339 string (`2016-12-22T15:00:00.000Z`, `…+02:00`) or epoch seconds.
fn instant(v: &Value) -> Option<(i64, u32)> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(secs) => Some((secs, 0)),
            None => {
                let f = n.as_f64()?;
                let secs = f.floor();
                let nanos = ((f - secs) * 1e9).round();
                if !(-1e15..1e15).contains(&secs) || !(0.0..1e9).contains(&nanos) {
                    return None;
                }
                // Both are in range (checked above).
                Some((secs as i64, nanos as u32))
            }
        },
        Value::String(s) => parse_rfc3339(s),
        _ => None,
    }
}

fn parse_rfc3339(s: &str) -> Option<(i64, u32)> {
    let num = |a: usize, b: usize| -> Option<i64> {
        let part = s.get(a..b)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let sep = |i: usize, c: u8| {
        s.as_bytes()
            .get(i)
            .is_some_and(|b| b.eq_ignore_ascii_case(&c))
    };
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let mut text: String = frac[..digits].chars().take(9).collect();
        while text.len() < 9 {
            text.push('0');
        }
        nanos = text.parse().ok()?;
        rest = &frac[digits..];
    }
    let offset = match rest.as_bytes() {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digit = |b: &u8| b.is_ascii_digit().then(|| i64::from(b - b'0'));
            let secs = (digit(h1)? * 10 + digit(h2)?) * 3600 + (digit(m1)? * 10 + digit(m2)?) * 60;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A timestamp in one of the three wire formats, fraction without trailing zeros.
fn format_instant(format: TimestampFormat, secs: i64, nanos: u32) -> String {
    let fraction = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_owned()
    };
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (sod / 3600, sod / 60 % 60, sod % 60);
    match format {
        TimestampFormat::DateTime => {
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z")
        }
        TimestampFormat::EpochSeconds if secs < 0 && nanos > 0 => {
            let frac = format!(".{:09}", 1_000_000_000 - nanos);
            format!("-{}{}", -(secs + 1), frac.trim_end_matches('0'))
        }
        TimestampFormat::EpochSeconds => format!("{secs}{fraction}"),
        TimestampFormat::HttpDate => {
            const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            // Both indexes are in range: rem_euclid(7) and month in 1..=12.
            let weekday = DAYS[days.rem_euclid(7) as usize];
            let month = MONTHS[(month - 1) as usize];
            format!("{weekday}, {day:02} {month} {year:04} {hour:02}:{minute:02}:{second:02}{fraction} GMT")
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

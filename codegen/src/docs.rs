//! The model's documentation HTML, turned into Markdown that rustdoc accepts
//! without warnings.
//!
//! The HTML in AWS models is loose (stray `&`, unclosed tags, bare URLs,
//! brackets that look like intra-doc links), so this is a tolerant scanner, not
//! an XML parser. Handled: `<p>`, `<code>`, `<a href>`, `<ul>/<ol>/<li>`,
//! `<b>/<strong>`, `<i>/<em>`, `<note>/<important>`, `<br>`, `<pre>`,
//! `<fullname>`; other tags are dropped and their text kept. Text is escaped so
//! that `[x]`, `<x>`, `*` and backticks stay literal.

/// Converts documentation HTML to Markdown lines.
pub fn to_markdown(html: &str) -> String {
    let mut w = Writer::default();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                if let Some((tag, after)) = parse_tag(rest) {
                    w.tag(&tag);
                    rest = after;
                } else {
                    w.text("<");
                    rest = &rest[1..];
                }
            }
            Some(i) => {
                w.text(&rest[..i]);
                rest = &rest[i..];
            }
            None => {
                w.text(rest);
                rest = "";
            }
        }
    }
    w.finish()
}

#[derive(Debug)]
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    href: Option<String>,
}

/// Parses `<name attr="v">` at the start of `s`; `None` if it is not a tag.
fn parse_tag(s: &str) -> Option<(Tag, &str)> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(i) => (true, i),
        None => (false, inner),
    };
    let self_closing = inner.ends_with('/');
    let inner = inner.trim_end_matches('/');
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty()
        || !inner[name.len()..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
    {
        return None;
    }
    let href = inner.find("href=").and_then(|i| {
        let v = &inner[i + 5..];
        let quote = v.chars().next()?;
        if quote == '"' || quote == '\'' {
            v[1..].find(quote).map(|j| v[1..1 + j].to_owned())
        } else {
            Some(v.split_whitespace().next().unwrap_or("").to_owned())
        }
    });
    Some((
        Tag {
            name,
            closing,
            self_closing,
            href,
        },
        &s[end + 1..],
    ))
}

#[derive(Default)]
struct Writer {
    out: Vec<String>,
    para: String,
    lists: Vec<bool>, // true = ordered
    counters: Vec<usize>,
    item_start: bool,
    code: usize,
    code_buf: String,
    link: Option<(String, String)>,
    pre: bool,
    pre_buf: String,
    /// A label (`**Note:**`) for the next paragraph.
    label: Option<String>,
}

impl Writer {
    fn indent(&self) -> String {
        "  ".repeat(self.lists.len().saturating_sub(1))
    }

    fn flush(&mut self) {
        let mut text = collapse(&self.para);
        self.para.clear();
        if text.is_empty() {
            return;
        }
        if let Some(label) = self.label.take() {
            text = format!("{label} {text}");
        }
        let indent = self.indent();
        if self.item_start {
            let marker = match (self.lists.last(), self.counters.last()) {
                (Some(true), Some(n)) => format!("{n}. "),
                _ => "- ".to_owned(),
            };
            self.out.push(format!("{indent}{marker}{text}"));
            self.item_start = false;
        } else if !self.lists.is_empty() {
            if self.out.last().is_some_and(|l| !l.is_empty()) {
                self.out.push(String::new());
            }
            self.out.push(format!("{indent}  {text}"));
        } else {
            self.blank();
            self.out.push(text);
        }
    }

    fn blank(&mut self) {
        if self.out.last().is_some_and(|l| !l.is_empty()) {
            self.out.push(String::new());
        }
    }

    fn push_inline(&mut self, s: &str) {
        if let Some((_, text)) = &mut self.link {
            text.push_str(s);
        } else {
            self.para.push_str(s);
        }
    }

    fn text(&mut self, raw: &str) {
        let decoded = decode_entities(raw);
        if self.pre {
            self.pre_buf.push_str(&decoded);
        } else if self.code > 0 {
            self.code_buf.push_str(&decoded);
        } else {
            let escaped = escape(&decoded);
            self.push_inline(&escaped);
        }
    }

    fn tag(&mut self, t: &Tag) {
        if self.pre && !(t.closing && t.name == "pre") {
            return;
        }
        match (t.name.as_str(), t.closing) {
            ("p" | "fullname" | "div" | "title", _) => self.flush(),
            ("br", _) => self.flush(),
            ("note" | "important", false) => {
                self.flush();
                let label = if t.name == "note" {
                    "Note:"
                } else {
                    "Important:"
                };
                self.label = Some(format!("**{label}**"));
            }
            ("note" | "important", true) => {
                self.flush();
                self.label = None;
            }
            ("ul" | "ol", false) => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(t.name == "ol");
                self.counters.push(0);
            }
            ("ul" | "ol", true) => {
                self.flush();
                self.lists.pop();
                self.counters.pop();
                if self.lists.is_empty() {
                    self.out.push(String::new());
                }
            }
            ("li", false) => {
                self.flush();
                if let Some(n) = self.counters.last_mut() {
                    *n += 1;
                }
                self.item_start = !self.lists.is_empty();
            }
            ("li", true) => self.flush(),
            ("code" | "tt", false) if !t.self_closing => self.code += 1,
            ("code" | "tt", true) if self.code > 0 => {
                self.code -= 1;
                if self.code == 0 {
                    let code = collapse(&std::mem::take(&mut self.code_buf));
                    if !code.is_empty() {
                        let fence = if code.contains('`') { "`` " } else { "`" };
                        let close = if code.contains('`') { " ``" } else { "`" };
                        self.push_inline(&format!("{fence}{code}{close}"));
                    }
                }
            }
            ("a", false) if !t.self_closing => {
                self.link = Some((t.href.clone().unwrap_or_default(), String::new()));
            }
            ("a", true) => {
                if let Some((href, text)) = self.link.take() {
                    let text = text.trim().to_owned();
                    let link = if href.starts_with("http") && !href.contains(' ') {
                        if text.is_empty() {
                            format!("<{href}>")
                        } else {
                            format!("[{text}]({href})")
                        }
                    } else {
                        text
                    };
                    self.para.push_str(&link);
                }
            }
            ("b" | "strong", _) => self.push_inline("**"),
            ("i" | "em", _) => self.push_inline("*"),
            ("pre" | "codeblock" | "programlisting", false) => {
                self.flush();
                self.pre = true;
            }
            ("pre" | "codeblock" | "programlisting", true) => {
                self.pre = false;
                let body = std::mem::take(&mut self.pre_buf);
                self.blank();
                self.out.push("```text".to_owned());
                for line in body.trim_matches('\n').lines() {
                    self.out.push(line.trim_end().to_owned());
                }
                self.out.push("```".to_owned());
            }
            _ => {}
        }
    }

    fn finish(mut self) -> String {
        if let Some((_, text)) = self.link.take() {
            self.para.push_str(&text);
        }
        if self.code > 0 {
            let code = std::mem::take(&mut self.code_buf);
            self.para.push_str(&escape(&code));
        }
        self.flush();
        while self.out.last().is_some_and(String::is_empty) {
            self.out.pop();
        }
        // Fix emphasis left open by sloppy HTML: an odd number of `**` markers.
        let mut text = self.out.join("\n");
        if text.matches("**").count() % 2 == 1 {
            text.push_str("**");
        }
        text
    }
}

/// Collapses runs of whitespace to one space and trims, as HTML renders text.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes characters Markdown or rustdoc would read as markup, and wraps bare
/// URLs in `<…>`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in split_keep_ws(s) {
        if (word.starts_with("http://") || word.starts_with("https://")) && word.len() > 8 {
            let url = word.trim_end_matches(['.', ',', ')', ';']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            out.push_str(&word[url.len()..]);
            continue;
        }
        for c in word.chars() {
            match c {
                '[' | ']' | '*' | '`' | '<' | '>' | '\\' | '_' | '#' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    out
}

fn split_keep_ws(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_ws = None;
    for (i, c) in s.char_indices() {
        let ws = c.is_whitespace();
        if in_ws.is_some_and(|w| w != ws) {
            parts.push(&s[start..i]);
            start = i;
        }
        in_ws = Some(ws);
    }
    if start < s.len() {
        parts.push(&s[start..]);
    }
    parts
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn conversions() {
        let table = [
            ("<p>Makes a copy.</p>", "Makes a copy."),
            ("<p>a</p><p>b</p>", "a\n\nb"),
            (
                "<p>Use <code>CopySnapshot</code> now.</p>",
                "Use `CopySnapshot` now.",
            ),
            (
                "<p>See <a href=\"https://x.example/a\">the guide</a>.</p>",
                "See [the guide](https://x.example/a).",
            ),
            ("<ul><li><p>one</p></li><li>two</li></ul>", "- one\n- two"),
            ("<p>Range [1, 5] and a<b</p>", "Range \\[1, 5\\] and a\\<b"),
            (
                "<p>Visit https://aws.amazon.com.</p>",
                "Visit <https://aws.amazon.com>.",
            ),
            ("<note><p>Valkey only.</p></note>", "**Note:** Valkey only."),
            ("Authentication & Access", "Authentication & Access"),
            ("<b>Bold</b> and <i>it</i>", "**Bold** and *it*"),
            ("a_b *c*", "a\\_b \\*c\\*"),
            ("<pre>x = [1]\n</pre>", "```text\nx = [1]\n```"),
            ("<p>unclosed <b>bold", "unclosed **bold**"),
            ("&lt;tag&gt; &#xE9;", "\\<tag\\> é"),
        ];
        for (html, want) in table {
            assert_eq!(to_markdown(html), want, "for {html:?}");
        }
    }

    #[test]
    fn nested_lists() {
        let md = to_markdown("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul><p>after</p>");
        assert_eq!(md, "- a\n  - b\n- c\n\nafter");
    }
}

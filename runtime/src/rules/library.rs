//! The functions rule sets call, with the semantics of botocore's resolver where the Smithy
//! specification leaves room (botocore is the oracle of the differential tests).

use super::super::endpoint::EndpointError;
use super::partitions::{Partition, PARTITIONS};
use super::{Function, Step, Value};

/// Calls `function` on evaluated arguments (`None`: no value); `path` is `getAttr`'s.
pub(super) fn call(
    function: Function,
    args: &[Option<Value>],
    path: &[Step],
) -> Result<Option<Value>, EndpointError> {
    let arg = |i: usize| args.get(i).and_then(Option::as_ref);
    let string = |i: usize| arg(i).and_then(Value::as_str);
    let boolean = |i: usize| {
        arg(i).and_then(Value::as_bool).ok_or_else(|| {
            EndpointError::new(format!(
                "endpoint rules: {} needs a boolean as argument {}",
                function.name(),
                i + 1
            ))
        })
    };
    let int = |i: usize| match arg(i) {
        Some(Value::Int(n)) => usize::try_from(*n).ok(),
        _ => None,
    };
    Ok(match function {
        Function::IsSet => Some(Value::Bool(arg(0).is_some())),
        // As botocore: anything but `true` is false.
        Function::Not => Some(Value::Bool(arg(0) != Some(&Value::Bool(true)))),
        Function::GetAttr => arg(0).and_then(|v| get_attr(v, path)).cloned(),
        Function::BooleanEquals => Some(Value::Bool(boolean(0)? == boolean(1)?)),
        Function::StringEquals => match (string(0), string(1)) {
            (Some(a), Some(b)) => Some(Value::Bool(a == b)),
            _ => {
                return Err(EndpointError::new(
                    "endpoint rules: stringEquals needs two strings",
                ))
            }
        },
        Function::Substring => {
            let (Some(input), Some(start), Some(stop)) = (string(0), int(1), int(2)) else {
                return Ok(None);
            };
            substring(input, start, stop, boolean(3)?).map(Value::from)
        }
        Function::UriEncode => string(0).map(|s| Value::Str(uri_encode(s))),
        Function::ParseUrl => string(0).and_then(parse_url),
        Function::IsValidHostLabel => {
            let subdomains = boolean(1)?;
            Some(Value::Bool(
                string(0).is_some_and(|s| is_valid_host_label(s, subdomains)),
            ))
        }
        Function::AwsPartition => Some(partition_value(partition(string(0).unwrap_or("")))),
        Function::AwsParseArn => string(0).and_then(parse_arn),
        Function::AwsIsVirtualHostableS3Bucket => {
            let subdomains = boolean(1)?;
            Some(Value::Bool(string(0).is_some_and(|s| {
                is_virtual_hostable_s3_bucket(s, subdomains)
            })))
        }
    })
}

/// The value at `path` below `value`, if there is one.
pub(super) fn get_attr<'v>(value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, step| match (step, v) {
        (Step::Key(key), v) => v.get(key),
        (Step::Index(i), Value::Array(items)) => items.get(*i),
        _ => None,
    })
}

/// The partition of `region`: the first, in the table's order, that lists it or whose
/// `regionRegex` matches it; `aws` (the first) when none does.
pub fn partition(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| {
            p.regions.iter().any(|(r, _)| *r == region) || regex_match(p.region_regex, region)
        })
        .unwrap_or(&PARTITIONS[0])
}

fn partition_value(p: &Partition) -> Value {
    let o = &p.outputs;
    Value::Record(vec![
        ("dnsSuffix".to_owned(), o.dns_suffix.into()),
        (
            "dualStackDnsSuffix".to_owned(),
            o.dual_stack_dns_suffix.into(),
        ),
        (
            "implicitGlobalRegion".to_owned(),
            o.implicit_global_region.into(),
        ),
        // botocore names the result after the partition's id.
        ("name".to_owned(), p.id.into()),
        ("supportsDualStack".to_owned(), o.supports_dual_stack.into()),
        ("supportsFIPS".to_owned(), o.supports_fips.into()),
    ])
}

fn substring(input: &str, start: usize, stop: usize, reverse: bool) -> Option<String> {
    if start >= stop || input.len() < stop || !input.is_ascii() {
        return None;
    }
    let (from, to) = if reverse {
        (input.len() - stop, input.len() - start)
    } else {
        (start, stop)
    };
    input.get(from..to).map(str::to_owned)
}

/// Percent-encodes every byte but the unreserved characters (`A-Z a-z 0-9 - . _ ~`).
fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `parseURL`: an `http`/`https` URL without a query, as a record of `scheme`, `authority`,
/// `path`, `normalizedPath` (with a trailing `/`) and `isIp`.
fn parse_url(url: &str) -> Option<Value> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or("");
    if rest.contains('?') {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return None;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        let (inside, after) = v6.split_once(']')?;
        if !after.is_empty() && !port_ok(after.strip_prefix(':')?) {
            return None;
        }
        format!("[{inside}]")
    } else {
        let (host, port) = authority.split_once(':').unwrap_or((authority, ""));
        if authority.contains(':') && !port_ok(port) {
            return None;
        }
        host.to_owned()
    };
    let is_ip = is_ipv4(&host)
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|h| {
                h.contains(':')
                    && h.bytes()
                        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            });
    let mut normalized = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    Some(Value::Record(vec![
        ("scheme".to_owned(), scheme.into()),
        ("authority".to_owned(), authority.into()),
        ("path".to_owned(), path.into()),
        ("normalizedPath".to_owned(), normalized.into()),
        ("isIp".to_owned(), is_ip.into()),
    ]))
}

fn port_ok(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// Four dot-separated groups of one to three digits.
fn is_ipv4(host: &str) -> bool {
    let groups: Vec<&str> = host.split('.').collect();
    groups.len() == 4
        && groups
            .iter()
            .all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
}

/// `isValidHostLabel`: 1 to 63 ASCII letters, digits and hyphens, not starting or ending
/// with a hyphen; with `allow_subdomains`, every dot-separated label so.
pub fn is_valid_host_label(value: &str, allow_subdomains: bool) -> bool {
    let label = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if allow_subdomains {
        value.split('.').all(label)
    } else {
        label(value)
    }
}

fn is_virtual_hostable_s3_bucket(value: &str, allow_subdomains: bool) -> bool {
    value.len() >= 3
        && value.to_lowercase() == value
        && !is_ipv4(value)
        && is_valid_host_label(value, allow_subdomains)
}

/// `aws.parseArn`: `arn:partition:service:region:account:resource` with partition, service
/// and resource not empty; `resourceId` is the resource split at `:` and `/`.
fn parse_arn(value: &str) -> Option<Value> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return None;
    };
    if arn != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let ids = resource
        .split([':', '/'])
        .map(Value::from)
        .collect::<Vec<_>>();
    Some(Value::Record(vec![
        ("partition".to_owned(), partition.into()),
        ("service".to_owned(), service.into()),
        ("region".to_owned(), region.into()),
        ("accountId".to_owned(), account.into()),
        ("resourceId".to_owned(), Value::Array(ids)),
    ]))
}

// ---------------------------------------------------------------------------
// The partitions' region patterns
// ---------------------------------------------------------------------------

/// Whether `text` matches `pattern`, a region pattern of the partition table: Python's
/// `re.match` on the subset those use (`^`, `$`, literals, `\-`-style escapes, `\w`, `\d`,
/// groups with `|`, and `+`, `*`, `?`). Matching walks sets of positions, so it needs no
/// recursion per character, and a repeated character class (`\w+`) costs one pass over the
/// text. A pattern outside the subset
/// matches nothing (a unit test checks that the table's patterns are all inside it).
pub(crate) fn regex_match(pattern: &str, text: &str) -> bool {
    let Some(pattern) = Pattern::parse(pattern) else {
        return false;
    };
    let chars: Vec<char> = text.chars().collect();
    let mut starts = vec![false; chars.len() + 1];
    starts[0] = true;
    let ends = pattern.seq(&pattern.alternatives, &chars, starts);
    if !pattern.end_anchor {
        return ends.iter().any(|e| *e);
    }
    // Python's `$` also matches before a newline that ends the text.
    ends[chars.len()] || (chars.last() == Some(&'\n') && ends[chars.len() - 1])
}

#[derive(Debug)]
enum Node {
    Char(char),
    Word,
    Digit,
    Group(Vec<Vec<Piece>>),
}

#[derive(Debug)]
struct Piece {
    node: Node,
    min: usize,
    many: bool,
}

#[derive(Debug)]
struct Pattern {
    alternatives: Vec<Vec<Piece>>,
    end_anchor: bool,
}

impl Pattern {
    fn parse(pattern: &str) -> Option<Self> {
        let body = pattern.strip_prefix('^').unwrap_or(pattern);
        let (body, end_anchor) = match body.strip_suffix('$') {
            Some(b) if !b.ends_with('\\') => (b, true),
            _ => (body, false),
        };
        let mut chars = body.chars().peekable();
        let alternatives = Self::alternatives(&mut chars, 0)?;
        chars.next().is_none().then_some(Self {
            alternatives,
            end_anchor,
        })
    }

    fn alternatives(
        chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
        depth: usize,
    ) -> Option<Vec<Vec<Piece>>> {
        if depth > 8 {
            return None;
        }
        let mut alternatives = vec![Vec::new()];
        while let Some(&c) = chars.peek() {
            let node = match c {
                ')' => break,
                '|' => {
                    chars.next();
                    alternatives.push(Vec::new());
                    continue;
                }
                '(' => {
                    chars.next();
                    let inner = Self::alternatives(chars, depth + 1)?;
                    (chars.next()? == ')').then_some(())?;
                    Node::Group(inner)
                }
                '\\' => {
                    chars.next();
                    match chars.next()? {
                        'w' => Node::Word,
                        'd' => Node::Digit,
                        c if c.is_ascii_punctuation() => Node::Char(c),
                        _ => return None,
                    }
                }
                '[' | ']' | '{' | '}' | '.' | '^' | '$' | '+' | '*' | '?' => return None,
                c => {
                    chars.next();
                    Node::Char(c)
                }
            };
            let (min, many) = match chars.peek() {
                Some('+') => (1, true),
                Some('*') => (0, true),
                Some('?') => (0, false),
                _ => (1, false),
            };
            if min != 1 || many {
                chars.next();
            }
            alternatives.last_mut()?.push(Piece { node, min, many });
        }
        Some(alternatives)
    }

    /// The positions reachable from `starts` through one of `alternatives`.
    fn seq(&self, alternatives: &[Vec<Piece>], text: &[char], starts: Vec<bool>) -> Vec<bool> {
        let mut out = vec![false; starts.len()];
        for pieces in alternatives {
            let mut at = starts.clone();
            for piece in pieces {
                at = self.piece(piece, text, at);
            }
            for (o, a) in out.iter_mut().zip(at) {
                *o |= a;
            }
        }
        out
    }

    fn piece(&self, piece: &Piece, text: &[char], starts: Vec<bool>) -> Vec<bool> {
        let mut reached = match (&piece.node, piece.many) {
            // One character class repeated: a single pass, `reached[i + 1]` when character
            // `i` fits and a start or an earlier repetition is at `i`.
            (Node::Char(_) | Node::Word | Node::Digit, true) => {
                let mut out = vec![false; starts.len()];
                for (i, c) in text.iter().enumerate() {
                    out[i + 1] = (starts[i] || out[i]) && Self::fits(&piece.node, *c);
                }
                out
            }
            (_, false) => self.node(&piece.node, text, &starts),
            // A repeated group: widen the set until it stops growing.
            (Node::Group(_), true) => {
                let once = self.node(&piece.node, text, &starts);
                let mut reached = once.clone();
                let mut frontier = once;
                while frontier.iter().any(|f| *f) {
                    let next = self.node(&piece.node, text, &frontier);
                    frontier = next.iter().zip(&reached).map(|(n, r)| *n && !*r).collect();
                    for (r, f) in reached.iter_mut().zip(&frontier) {
                        *r |= *f;
                    }
                }
                reached
            }
        };
        if piece.min == 0 {
            for (r, s) in reached.iter_mut().zip(&starts) {
                *r |= *s;
            }
        }
        reached
    }

    /// Whether `c` fits a one-character node (never a group).
    fn fits(node: &Node, c: char) -> bool {
        match node {
            Node::Char(want) => c == *want,
            // Python's `\w` and `\d` on text: Unicode word characters and decimal digits.
            Node::Word => c.is_alphanumeric() || c == '_',
            Node::Digit => c.is_ascii_digit() || is_unicode_decimal(c),
            Node::Group(_) => false,
        }
    }

    fn node(&self, node: &Node, text: &[char], starts: &[bool]) -> Vec<bool> {
        match node {
            Node::Group(alternatives) => self.seq(alternatives, text, starts.to_vec()),
            node => {
                let mut out = vec![false; starts.len()];
                for (i, c) in text.iter().enumerate() {
                    out[i + 1] = starts[i] && Self::fits(node, *c);
                }
                out
            }
        }
    }
}

/// A decimal digit outside ASCII that `char::to_digit` does not know (Arabic-Indic,
/// Devanagari …): the blocks of ten consecutive digits Unicode's `Nd` category is made of,
/// approximated by `is_numeric` within the common digit blocks.
fn is_unicode_decimal(c: char) -> bool {
    const ZEROS: [u32; 12] = [
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0xFF10,
    ];
    let c = u32::from(c);
    ZEROS.iter().any(|z| (*z..*z + 10).contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_patterns() {
        let aws = r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$";
        for (text, want) in [
            ("us-east-1", true),
            ("eu-west-10", true),
            ("us-east-1\n", true),
            ("us-east-1\n\n", false),
            ("us-gov-west-1", false),
            ("xx-east-1", false),
            ("us-east-", false),
            ("us--1", false),
            ("us-a_b-1", true),
            ("us-east-1a", false),
            ("", false),
        ] {
            assert_eq!(regex_match(aws, text), want, "{text:?}");
        }
        assert!(regex_match(r"^eusc\-(de)\-\w+\-\d+$", "eusc-de-east-1"));
        assert!(!regex_match(r"^eusc\-(de)\-\w+\-\d+$", "eusc-fr-east-1"));
        for p in PARTITIONS {
            assert!(
                Pattern::parse(p.region_regex).is_some(),
                "{}",
                p.region_regex
            );
        }
        // Long input stays linear (and does not overflow the stack).
        let long = format!("us-{}-1", "a".repeat(200_000));
        assert!(regex_match(aws, &long));
    }

    #[test]
    fn partitions_by_name_and_pattern() {
        assert_eq!(partition("us-east-1").id, "aws");
        assert_eq!(partition("aws-global").id, "aws");
        assert_eq!(partition("cn-north-1").id, "aws-cn");
        assert_eq!(partition("us-gov-west-1").id, "aws-us-gov");
        assert_eq!(partition("us-isob-east-1").id, "aws-iso-b");
        assert_eq!(partition("mars-central-1").id, "aws");
    }

    #[test]
    fn library_functions() {
        assert_eq!(uri_encode("a b/c~"), "a%20b%2Fc~");
        assert_eq!(substring("abcdef", 0, 3, false).as_deref(), Some("abc"));
        assert_eq!(substring("abcdef", 0, 3, true).as_deref(), Some("def"));
        assert_eq!(substring("ab", 0, 3, false), None);
        assert!(is_valid_host_label("a-b.c", true));
        assert!(!is_valid_host_label("a-b.c", false));
        assert!(!is_valid_host_label("-a", false));
        assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("My-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("192.168.0.1", true));
        let url = parse_url("https://example.com:8443/a/b").unwrap_or(Value::Bool(false));
        assert_eq!(url.get("authority"), Some(&Value::from("example.com:8443")));
        assert_eq!(url.get("normalizedPath"), Some(&Value::from("/a/b/")));
        assert_eq!(url.get("isIp"), Some(&Value::Bool(false)));
        let ip = parse_url("http://127.0.0.1").unwrap_or(Value::Bool(false));
        assert_eq!(ip.get("isIp"), Some(&Value::Bool(true)));
        assert_eq!(ip.get("normalizedPath"), Some(&Value::from("/")));
        assert_eq!(parse_url("https://example.com/?x=1"), None);
        assert_eq!(parse_url("ftp://example.com"), None);
        let arn = parse_arn("arn:aws:s3:us-east-1:123:bucket/key:v").unwrap_or(Value::Bool(false));
        assert_eq!(
            arn.get("resourceId"),
            Some(&Value::Array(vec![
                "bucket".into(),
                "key".into(),
                "v".into()
            ]))
        );
        assert_eq!(parse_arn("arn:aws:s3"), None);
        assert_eq!(parse_arn("arn::s3:::x"), None);
    }
}

//! Several services, one runtime, one configuration.
//!
//! Generates ElastiCache, STS and SNS from the published models in `../shared/models` into
//! one workspace (`cargo xtask codegen --model A --model B --model C --out DIR`), builds a
//! program on it with warnings denied, and runs the program against moto (which emulates
//! all three) through a local HTTP proxy written here. The program makes the three clients
//! from one `Config` and calls each service once, then does the same with three separate
//! configurations.
//!
//! - moto's request record proves each call went out signed with SigV4 for its own service;
//! - the proxy counts the TCP connections the program opens: one for the three calls of
//!   the shared configuration (one connection pool), three for the separate ones. moto
//!   closes every connection after one response, so the proxy keeps the program's side
//!   alive itself and opens a new connection to moto for each request.
//!
//! The program also only compiles if `DateTime`, `Config` and `ErrorMeta` are the same
//! types in the three crates.

mod support;

#[path = "../../conformance/tests/oracle/mod.rs"]
mod oracle;

#[path = "../../conformance/tests/oracle/moto.rs"]
mod moto;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use xtask::{codegen, workspace_root, CodegenArgs};

/// The program: one configuration for three services, then three configurations.
const PROGRAM: &str = r#"//! Calls ElastiCache, STS and SNS with clients made from one shared configuration.

use smithy_query_runtime::client::{Config, Credentials};

// One runtime: these only compile if the three crates name the same types.
fn same_date_time(t: elasticache::DateTime) -> sns::DateTime {
    t
}
fn same_error_meta(m: sts::error::ErrorMeta) -> elasticache::error::ErrorMeta {
    m
}

async fn call_all(
    ec: &elasticache::Client,
    sts: &sts::Client,
    sns: &sns::Client,
) -> Result<(), Box<dyn std::error::Error>> {
    let who = sts
        .get_caller_identity(sts::operation::get_caller_identity::GetCallerIdentityRequest::new())
        .await?;
    println!("sts account={}", who.account.unwrap_or_default());
    let topic = sns
        .create_topic(sns::operation::create_topic::CreateTopicInput::new("multi-service"))
        .await?;
    println!("sns topic={}", topic.topic_arn.unwrap_or_default());
    let clusters = ec
        .describe_cache_clusters(
            elasticache::operation::describe_cache_clusters::DescribeCacheClustersMessage::new(),
        )
        .await?;
    println!(
        "elasticache clusters={}",
        clusters.cache_clusters.unwrap_or_default().len()
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: multi-service-app ENDPOINT")?;
    let _ = same_date_time(elasticache::DateTime::from_secs(0));
    let _ = same_error_meta(sts::error::ErrorMeta::default());

    // One configuration, three clients.
    let config: Config = Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint.as_str())
        .credentials(Credentials::new("AKIDMULTISERVICE", "multi-service-secret", None))
        .build()?;
    let ec = elasticache::Client::new(&config)?;
    let sts = sts::Client::new(&config)?;
    let sns = sns::Client::new(&config)?;
    let shared = ec.config().shares_state_with(sts.config())
        && sts.config().shares_state_with(sns.config());
    println!("phase shared={shared}");
    call_all(&ec, &sts, &sns).await?;

    // Three configurations: three connection pools.
    let own = || config.to_builder().build();
    let (ec, sts, sns) = (
        elasticache::Client::new(&own()?)?,
        sts::Client::new(&own()?)?,
        sns::Client::new(&own()?)?,
    );
    println!("phase separate");
    call_all(&ec, &sts, &sns).await?;
    println!("done");
    Ok(())
}
"#;

#[test]
fn three_services_share_one_runtime_config_and_connection_pool() {
    let root = workspace_root();
    let models = root.join("../shared/models");
    let base = root.join("target/multi-service");
    let services = base.join("services");
    let report = codegen(
        &root,
        &CodegenArgs {
            models: ["elasticache", "sts", "sns"]
                .iter()
                .map(|m| models.join(format!("{m}.json")))
                .collect(),
            out: Some(services.clone()),
            ..CodegenArgs::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "multi-service: {} files updated, {} unchanged",
        report.updated.len(),
        report.unchanged
    );
    let manifest = support::read(&services.join("Cargo.toml"));
    assert!(
        manifest.contains("members = [\"elasticache\", \"sts\", \"sns\"]")
            && manifest.contains("[workspace.dependencies]\nsmithy-query-runtime = { path = "),
        "{manifest}"
    );
    for krate in ["elasticache", "sts", "sns"] {
        assert!(
            !services.join(krate).join("src/rt").exists(),
            "{krate} carries a copy of the runtime"
        );
        assert!(
            support::read(&services.join(krate).join("Cargo.toml"))
                .contains("smithy-query-runtime = { workspace = true }"),
            "{krate} does not use the workspace's runtime"
        );
    }

    // The program, in a workspace of its own that depends on the three crates.
    let app = base.join("app");
    let target = base.join("target");
    let (exe, build_time) = support::build_program(
        &root,
        &app,
        "multi-service-app",
        concat!(
            "elasticache = { path = \"../services/elasticache\" }\n",
            "sts = { path = \"../services/sts\" }\n",
            "sns = { path = \"../services/sns\" }\n",
        ),
        PROGRAM,
        &target,
    );
    println!(
        "multi-service: program built in {:.1}s",
        build_time.as_secs_f64()
    );

    let moto = moto::Moto::start();
    let proxy = Proxy::start(moto.url());
    let stdout = support::run_program(&exe, &proxy.url());
    println!("{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"phase shared=true"), "{stdout}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("sts account=") && l.len() > 12),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("sns topic=arn:aws:sns:us-east-1:")
                && l.ends_with(":multi-service")),
        "{stdout}"
    );
    assert_eq!(lines.last(), Some(&"done"), "{stdout}");

    // Six calls went out, each signed for its own service with the configured key.
    let requests = moto.requests();
    let seen: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.action.as_str(), r.header("Authorization").unwrap_or("")))
        .collect();
    let expected = [
        ("GetCallerIdentity", "sts"),
        ("CreateTopic", "sns"),
        ("DescribeCacheClusters", "elasticache"),
    ];
    assert_eq!(requests.len(), 6, "{seen:#?}");
    for (r, (action, service)) in requests.iter().zip(expected.iter().cycle()) {
        assert_eq!(r.action, *action, "{seen:#?}");
        let auth = r.header("Authorization").unwrap_or_default();
        let scope = format!("/us-east-1/{service}/aws4_request, SignedHeaders=");
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDMULTISERVICE/")
                && auth.contains(&scope)
                && auth.contains(", Signature="),
            "{action} is not signed for {service}: {auth:?}"
        );
        assert!(r.header("X-Amz-Date").is_some(), "{action}: no X-Amz-Date");
        assert!(
            r.header("User-Agent")
                .is_some_and(|ua| ua.contains("smithy-query-runtime/")),
            "{action}: {:?}",
            r.header("User-Agent")
        );
    }

    // The proxy saw one connection for the shared configuration, one per client otherwise.
    assert_eq!(proxy.requests(), 6);
    assert_eq!(
        proxy.connections(),
        1 + 3,
        "one pooled connection for the three clients of one Config, then one per Config"
    );
    println!(
        "multi-service: 6 signed calls, {} connections (1 shared + 3 separate)",
        proxy.connections()
    );
}

/// An HTTP/1.1 proxy on loopback that keeps the client's connections alive while it opens
/// a new connection to `upstream` for each request (moto closes after each response), and
/// counts both.
struct Proxy {
    port: u16,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl Proxy {
    fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("{e}"))
            .port();
        let upstream = upstream
            .strip_prefix("http://")
            .unwrap_or(&upstream)
            .trim_end_matches('/')
            .to_owned();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (c, r) = (connections.clone(), requests.clone());
        // The accept loop ends with the test process.
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                c.fetch_add(1, Ordering::SeqCst);
                let (upstream, r) = (upstream.clone(), r.clone());
                std::thread::spawn(move || {
                    if let Err(e) = serve(client, &upstream, &r) {
                        eprintln!("proxy: {e}");
                    }
                });
            }
        });
        Self {
            port,
            connections,
            requests,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Forwards the requests of one client connection until the client closes it.
fn serve(client: TcpStream, upstream: &str, requests: &AtomicUsize) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    loop {
        let Some((head, body)) = read_message(&mut reader)? else {
            return Ok(());
        };
        requests.fetch_add(1, Ordering::SeqCst);
        let mut server = TcpStream::connect(upstream)?;
        server.set_read_timeout(Some(Duration::from_secs(60)))?;
        server.write_all(&head)?;
        server.write_all(&body)?;
        // moto answers and closes: the response is everything until the end of the stream.
        let mut response = Vec::new();
        server.read_to_end(&mut response)?;
        let split = find(&response, b"\r\n\r\n")
            .ok_or_else(|| std::io::Error::other("response without a header block"))?;
        let head = String::from_utf8_lossy(&response[..split]).into_owned();
        let mut body = &response[split + 4..];
        let mut out = String::new();
        for (i, line) in head.split("\r\n").enumerate() {
            let name = line.split(':').next().unwrap_or("").trim();
            if i > 0 && name.eq_ignore_ascii_case("content-length") {
                let n: usize = line[name.len() + 1..].trim().parse().unwrap_or(body.len());
                body = &body[..n.min(body.len())];
            }
            if i > 0
                && [
                    "connection",
                    "content-length",
                    "transfer-encoding",
                    "keep-alive",
                ]
                .iter()
                .any(|h| name.eq_ignore_ascii_case(h))
            {
                continue;
            }
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nConnection: keep-alive\r\n\r\n",
            body.len()
        ));
        client.write_all(out.as_bytes())?;
        client.write_all(body)?;
        client.flush()?;
    }
}

/// One request from the client: its header block (with the blank line) and its
/// `Content-Length` body; `None` when the client closed the connection between requests.
fn read_message(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(std::io::Error::other("the client closed in a header block"))
            };
        }
        let text = String::from_utf8_lossy(&line);
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().map_err(std::io::Error::other)?;
            }
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some((head, body)))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

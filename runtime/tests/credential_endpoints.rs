//! The metadata and container credential providers against fake servers on loopback:
//! IMDSv2's token dance, expiry and refresh on a manual clock, a 401 that asks for a new
//! token, a metadata service that never answers, the container endpoint's authorization
//! token, and 100 concurrent callers sharing one refresh.

#![cfg(feature = "client")]

use smithy_query_runtime::client::Config;
use smithy_query_runtime::credentials::{
    ChainProvider, ContainerProvider, Credentials, CredentialsCache, CredentialsErrorKind,
    DefaultChain, Env, ImdsClient, ImdsProvider, ManualClock, ProvideCredentials,
    SharedCredentialsProvider, TimeSource,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the fake server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the handler answers: a status and body, or nothing at all.
enum Answer {
    Reply(u16, String),
    Silence,
}

type Handler = Arc<dyn Fn(&Seen) -> Answer + Send + Sync>;

/// A one-request-per-connection HTTP server that records what it sees.
struct FakeServer {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeServer {
    async fn start(handler: Handler) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf).into_owned();
                    let mut lines = head.split("\r\n");
                    let mut first = lines.next().unwrap_or_default().split(' ');
                    let seen = Seen {
                        method: first.next().unwrap_or_default().to_owned(),
                        path: first.next().unwrap_or_default().to_owned(),
                        headers: lines
                            .filter_map(|l| l.split_once(':'))
                            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                            .collect(),
                    };
                    log.lock().expect("log").push(seen.clone());
                    match handler(&seen) {
                        Answer::Reply(status, body) => {
                            let response = format!(
                                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                                body.len()
                            );
                            let _ = socket.write_all(response.as_bytes()).await;
                        }
                        Answer::Silence => {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                        }
                    }
                });
            }
        });
        Self { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }

    fn count(&self, method: &str, path_prefix: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.method == method && s.path.starts_with(path_prefix))
            .count()
    }
}

fn start_of_test() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

/// RFC 3339 for a SystemTime.
fn rfc3339(t: SystemTime) -> String {
    smithy_query_runtime::DateTime::from(t).fmt_date_time()
}

/// A fake IMDSv2: tokens `token-1`, `token-2` … (token `revoked` answers 401 once it is
/// listed in `revoked`), role `app-role`, credentials `ASIAIMDS<n>` valid for an hour of
/// the manual clock.
struct FakeImds {
    server: FakeServer,
    revoked: Arc<Mutex<Vec<String>>>,
}

async fn fake_imds(clock: ManualClock) -> FakeImds {
    let tokens = Arc::new(AtomicUsize::new(0));
    let issued = Arc::new(AtomicUsize::new(0));
    let revoked: Arc<Mutex<Vec<String>>> = Arc::default();
    let revoked_by_server = Arc::clone(&revoked);
    let handler: Handler = Arc::new(move |req: &Seen| {
        if req.method == "PUT" && req.path == "/latest/api/token" {
            if req.header("x-aws-ec2-metadata-token-ttl-seconds") != Some("21600") {
                return Answer::Reply(400, "missing TTL".into());
            }
            let n = tokens.fetch_add(1, Ordering::SeqCst) + 1;
            return Answer::Reply(200, format!("token-{n}"));
        }
        let Some(token) = req.header("x-aws-ec2-metadata-token") else {
            return Answer::Reply(401, String::new());
        };
        if revoked_by_server
            .lock()
            .expect("revoked")
            .iter()
            .any(|t| t == token)
        {
            return Answer::Reply(401, String::new());
        }
        match req.path.as_str() {
            "/latest/meta-data/iam/security-credentials/" => {
                Answer::Reply(200, "app-role\n".into())
            }
            "/latest/meta-data/iam/security-credentials/app-role" => {
                let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
                let expiry = clock.now() + Duration::from_secs(3600);
                Answer::Reply(
                    200,
                    format!(
                        r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS{n}","SecretAccessKey":"imds-secret-{n}","Token":"imds-token-{n}","Expiration":"{}"}}"#,
                        rfc3339(expiry)
                    ),
                )
            }
            "/latest/meta-data/placement/region" => Answer::Reply(200, "eu-central-1".into()),
            _ => Answer::Reply(404, String::new()),
        }
    });
    FakeImds {
        server: FakeServer::start(handler).await,
        revoked,
    }
}

fn imds_client(url: &str, clock: &ManualClock) -> ImdsClient {
    ImdsClient::new(url, ImdsClient::DEFAULT_TIMEOUT, Arc::new(clock.clone()))
}

#[tokio::test]
async fn imds_happy_path_and_region() {
    let clock = ManualClock::new(start_of_test());
    let imds = fake_imds(clock.clone()).await;
    let client = imds_client(&imds.server.url, &clock);
    let c = ImdsProvider::new(client.clone())
        .provide_credentials()
        .await
        .expect("credentials");
    assert_eq!(c.access_key_id(), "ASIAIMDS1");
    assert_eq!(c.session_token(), Some("imds-token-1"));
    assert_eq!(
        c.expiry(),
        Some(start_of_test() + Duration::from_secs(3600))
    );
    assert_eq!(client.region().await.expect("region"), "eu-central-1");
    // One token for all three reads, sent with each of them.
    assert_eq!(imds.server.count("PUT", "/latest/api/token"), 1);
    let gets: Vec<Seen> = imds
        .server
        .seen()
        .into_iter()
        .filter(|s| s.method == "GET")
        .collect();
    assert_eq!(gets.len(), 3);
    assert!(gets
        .iter()
        .all(|s| s.header("x-aws-ec2-metadata-token") == Some("token-1")));
}

#[tokio::test]
async fn imds_credentials_refresh_on_the_clock_and_the_token_lasts() {
    let clock = ManualClock::new(start_of_test());
    let imds = fake_imds(clock.clone()).await;
    let cache = CredentialsCache::with_clock(
        SharedCredentialsProvider::new(ImdsProvider::new(imds_client(&imds.server.url, &clock))),
        Arc::new(clock.clone()),
    );
    let key = |c: Credentials| c.access_key_id().to_owned();
    assert_eq!(
        cache.credentials().await.map(key).expect("first"),
        "ASIAIMDS1"
    );
    clock.advance(Duration::from_secs(30 * 60));
    assert_eq!(
        cache.credentials().await.map(key).expect("cached"),
        "ASIAIMDS1"
    );
    clock.advance(Duration::from_secs(26 * 60));
    assert_eq!(
        cache.credentials().await.map(key).expect("refreshed"),
        "ASIAIMDS2"
    );
    assert_eq!(
        imds.server
            .count("GET", "/latest/meta-data/iam/security-credentials/app-role"),
        2
    );
    // The six-hour token outlives both fetches.
    assert_eq!(imds.server.count("PUT", "/latest/api/token"), 1);
    // Past the token's lifetime (less a minute), a new token is fetched.
    clock.advance(Duration::from_secs(6 * 3600));
    assert_eq!(
        cache.credentials().await.map(key).expect("later"),
        "ASIAIMDS3"
    );
    assert_eq!(imds.server.count("PUT", "/latest/api/token"), 2);
}

#[tokio::test]
async fn imds_401_fetches_a_new_token() {
    let clock = ManualClock::new(start_of_test());
    let imds = fake_imds(clock.clone()).await;
    let client = imds_client(&imds.server.url, &clock);
    let provider = ImdsProvider::new(client);
    provider.provide_credentials().await.expect("first");
    // The service forgets token-1 (a restart): the next read gets 401, then a new token.
    imds.revoked.lock().expect("revoked").push("token-1".into());
    let c = provider.provide_credentials().await.expect("after 401");
    assert_eq!(c.access_key_id(), "ASIAIMDS2");
    assert_eq!(imds.server.count("PUT", "/latest/api/token"), 2);
    let with_old: usize = imds
        .server
        .seen()
        .iter()
        .filter(|s| s.header("x-aws-ec2-metadata-token") == Some("token-1"))
        .count();
    // Two reads of the first fetch, one refused read.
    assert_eq!(with_old, 3);
}

#[tokio::test]
async fn a_silent_metadata_service_is_passed_over_within_its_timeout() {
    let silent = FakeServer::start(Arc::new(|_: &Seen| Answer::Silence)).await;
    let clock = ManualClock::new(start_of_test());
    let chain = ChainProvider::new()
        .or_else(
            "instance metadata",
            ImdsProvider::new(imds_client(&silent.url, &clock)),
        )
        .or_else("fallback", Credentials::new("AKIDFALLBACK", "secret", None));
    let started = Instant::now();
    let c = chain.provide_credentials().await.expect("the fallback");
    let elapsed = started.elapsed();
    assert_eq!(c.access_key_id(), "AKIDFALLBACK");
    // One token request, given up after the one-second timeout; nothing retried.
    assert_eq!(silent.count("PUT", "/latest/api/token"), 1);
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );

    // The default chain says why it moved on.
    let env = Env::from_pairs([
        ("HOME", "/nonexistent"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", silent.url.as_str()),
    ]);
    let e = DefaultChain::builder()
        .env(env)
        .build()
        .provide_credentials()
        .await
        .expect_err("nothing anywhere");
    assert_eq!(e.kind(), CredentialsErrorKind::NotLoaded);
    assert!(
        e.to_string()
            .contains("instance metadata: no instance metadata service at"),
        "{e}"
    );
    assert!(e.to_string().contains("no answer within 1000 ms"), "{e}");
}

#[tokio::test]
async fn disabled_metadata_is_not_asked() {
    let clock = ManualClock::new(start_of_test());
    let imds = fake_imds(clock).await;
    let env = Env::from_pairs([
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            imds.server.url.as_str(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    let e = ImdsProvider::new(ImdsClient::from_env(&env))
        .provide_credentials()
        .await
        .expect_err("disabled");
    assert!(e.to_string().contains("AWS_EC2_METADATA_DISABLED"), "{e}");
    assert!(imds.server.seen().is_empty());
}

/// A container credentials endpoint that wants `Authorization: <token>`.
async fn fake_container(token: &'static str) -> FakeServer {
    FakeServer::start(Arc::new(move |req: &Seen| {
        if req.header("authorization") != Some(token) {
            return Answer::Reply(
                401,
                r#"{"code":"AccessDenied","message":"bad authorization token"}"#.into(),
            );
        }
        Answer::Reply(
            200,
            r#"{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"container-secret","Token":"container-token","Expiration":"2030-01-01T00:00:00Z","RoleArn":"arn:aws:iam::123456789012:role/task"}"#.into(),
        )
    }))
    .await
}

#[tokio::test]
async fn container_endpoint_gets_its_authorization_token() {
    let server = fake_container("Bearer pod-identity-token").await;
    let full_uri = format!("{}/v1/credentials", server.url);
    // The token from a file (EKS Pod Identity) …
    let dir = std::env::temp_dir().join(format!("rt-container-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let token_file = dir.join("token");
    std::fs::write(&token_file, "Bearer pod-identity-token\n").expect("token file");
    let env = Env::from_pairs([
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri.clone()),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token_file.display().to_string(),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "ignored-when-the-file-is-set".into(),
        ),
    ]);
    let c = ContainerProvider::new(env)
        .provide_credentials()
        .await
        .expect("container credentials");
    assert_eq!(c.access_key_id(), "ASIACONTAINER");
    assert_eq!(c.session_token(), Some("container-token"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/credentials");
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer pod-identity-token")
    );

    // … or from the variable; a wrong one gets the endpoint's message, not a secret.
    let env = Env::from_pairs([
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer wrong-token"),
    ]);
    let e = ContainerProvider::new(env)
        .provide_credentials()
        .await
        .expect_err("refused");
    assert_eq!(e.kind(), CredentialsErrorKind::Failed);
    assert!(
        e.to_string()
            .ends_with("answered 401: bad authorization token"),
        "{e}"
    );
    assert!(!e.to_string().contains("wrong-token"), "{e}");

    // Through the default chain, before the metadata service.
    let env = Env::from_pairs([
        ("HOME", "/nonexistent".to_owned()),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "Bearer pod-identity-token".into(),
        ),
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "http://127.0.0.1:9".into(),
        ),
    ]);
    let c = DefaultChain::builder()
        .env(env)
        .build()
        .provide_credentials()
        .await
        .expect("chain");
    assert_eq!(c.access_key_id(), "ASIACONTAINER");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_callers_with_expired_credentials_cause_one_refresh() {
    let clock = ManualClock::new(start_of_test());
    let imds = fake_imds(clock.clone()).await;
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(ImdsProvider::new(imds_client(&imds.server.url, &clock)))
        .time_source(Arc::new(clock.clone()))
        .build()
        .expect("config");
    assert_eq!(
        config.credentials().await.expect("first").access_key_id(),
        "ASIAIMDS1"
    );
    clock.advance(Duration::from_secs(2 * 3600));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let config = config.clone();
            tokio::spawn(async move { config.credentials().await })
        })
        .collect();
    for call in calls {
        let c = call.await.expect("task").expect("credentials");
        assert_eq!(c.access_key_id(), "ASIAIMDS2");
    }
    assert_eq!(
        imds.server
            .count("GET", "/latest/meta-data/iam/security-credentials/app-role"),
        2
    );
    assert_eq!(
        config.credentials_cache().map(CredentialsCache::refreshes),
        Some(2)
    );
}

#[tokio::test]
async fn sso_profile_reads_the_cached_token_and_calls_the_portal() {
    let portal = FakeServer::start(Arc::new(|req: &Seen| {
        if req.header("x-amz-sso_bearer_token") != Some("cached-access-token") {
            return Answer::Reply(401, r#"{"message":"bad token"}"#.into());
        }
        if req.path != "/federation/credentials?account_id=111122223333&role_name=Dev%20Role" {
            return Answer::Reply(404, String::new());
        }
        Answer::Reply(
            200,
            r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso-secret","sessionToken":"sso-token","expiration":1893456000000}}"#.into(),
        )
    }))
    .await;
    let home = std::env::temp_dir().join(format!("rt-sso-{}", std::process::id()));
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).expect("cache dir");
    // The cache file of session `corp` is named by the SHA-1 of the session name.
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken":"cached-access-token","expiresAt":"2099-01-01T00:00:00Z","region":"eu-west-1","startUrl":"https://corp.awsapps.com/start"}"#,
    )
    .expect("token");
    std::fs::write(
        home.join(".aws/config"),
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev Role\n\
         [sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n\
         [profile expired]\nsso_session = old\nsso_account_id = 1\nsso_role_name = r\n\
         [sso-session old]\nsso_region = eu-west-1\nsso_start_url = https://old.awsapps.com/start\n",
    )
    .expect("config");
    let home_text = home.display().to_string();
    let env = Env::from_pairs([
        ("HOME", home_text.as_str()),
        ("AWS_PROFILE", "dev"),
        ("AWS_ENDPOINT_URL_SSO", portal.url.as_str()),
    ]);
    let c = DefaultChain::builder()
        .env(env)
        .build()
        .provide_credentials()
        .await
        .expect("sso credentials");
    assert_eq!(c.access_key_id(), "ASIASSO");
    assert_eq!(c.session_token(), Some("sso-token"));
    assert_eq!(
        c.expiry(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_456_000))
    );

    // No cached token for session `old`: the error says how to log in.
    let env = Env::from_pairs([
        ("HOME", home_text.as_str()),
        ("AWS_PROFILE", "expired"),
        ("AWS_ENDPOINT_URL_SSO", portal.url.as_str()),
    ]);
    let e = DefaultChain::builder()
        .env(env)
        .build()
        .provide_credentials()
        .await
        .expect_err("no token");
    assert!(
        e.to_string()
            .contains("run `aws sso login --sso-session old`"),
        "{e}"
    );
    assert_eq!(portal.seen().len(), 1);
    let _ = std::fs::remove_dir_all(home);
}

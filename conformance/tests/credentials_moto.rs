//! The credential chain end to end against moto with IAM authentication switched on, so
//! moto checks every signature against the secret it issued and every action against the
//! caller's policies:
//!
//! - an assume-role profile whose `source_profile` chain ends in static keys: two
//!   `AssumeRole` calls, each signed with the previous credentials, then a signed
//!   ElastiCache call with the last ones;
//! - web identity from a token file: `AssumeRoleWithWebIdentity` goes out unsigned, and the
//!   credentials it returns sign an ElastiCache call.
//!
//! The IAM users, keys, roles and policies are made with botocore from the oracle's venv
//! while authentication is still off; `POST /moto-api/reset-auth` then turns it on.

#[path = "oracle/moto.rs"]
mod moto;
mod oracle;

use elasticache::client::{Client, Config, Credentials, Error};
use elasticache::operation::describe_cache_clusters::DescribeCacheClustersMessage;
use moto::{Moto, Recorded};
use smithy_query_runtime::credentials::Env;
use std::path::PathBuf;
use std::process::Command;

const ACCOUNT: &str = "123456789012";

/// Runs a botocore script against moto; its standard output.
fn botocore(moto: &Moto, script: &str) -> String {
    let program = format!(
        "import botocore.session, json, sys, urllib.request\n\
         session = botocore.session.get_session()\n\
         def client(name):\n    return session.create_client(name, region_name='us-east-1', \
         endpoint_url=sys.argv[1], aws_access_key_id='setup', aws_secret_access_key='setup')\n\
         def enable_auth():\n    urllib.request.urlopen(urllib.request.Request(sys.argv[1] + \
         '/moto-api/reset-auth', data=b'0', method='POST', \
         headers={{'Content-Type': 'text/plain'}})).read()\n\
         {script}"
    );
    let output = Command::new(oracle::python())
        .arg("-c")
        .arg(program)
        .arg(moto.url())
        .output()
        .unwrap_or_else(|e| panic!("cannot run python: {e}"));
    assert!(
        output.status.success(),
        "setup failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Python that makes role `name` with an inline policy allowing `action`.
fn role(name: &str, action: &str) -> String {
    format!(
        "iam.create_role(RoleName='{name}', AssumeRolePolicyDocument=json.dumps({{'Version': '2012-10-17', \
         'Statement': [{{'Effect': 'Allow', 'Principal': {{'AWS': '*'}}, 'Action': ['sts:AssumeRole', \
         'sts:AssumeRoleWithWebIdentity']}}]}}))\n\
         iam.put_role_policy(RoleName='{name}', PolicyName='p', PolicyDocument=json.dumps({{'Version': \
         '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Action': '{action}', 'Resource': '*'}}]}}))\n"
    )
}

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("creds-moto-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        Self(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path.display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The access key id of a SigV4 `Authorization` header.
fn signed_by(r: &Recorded) -> Option<String> {
    let auth = r.header("Authorization")?;
    let start = auth.find("Credential=")? + "Credential=".len();
    auth[start..].split('/').next().map(str::to_owned)
}

/// The requests after the setup: everything from the first `action` on.
fn from_first(moto: &Moto, action: &str) -> Vec<Recorded> {
    let all = moto.requests();
    let first = all
        .iter()
        .position(|r| r.action == action)
        .unwrap_or_else(|| panic!("no {action} in {:?}", moto.actions()));
    all[first..].to_vec()
}

async fn describe(config: &Config) -> Result<(), String> {
    let client = Client::new(config).unwrap_or_else(|e| panic!("{e}"));
    client
        .describe_cache_clusters(DescribeCacheClustersMessage::default())
        .await
        .map(|_| ())
        .map_err(|e: Error<_>| e.to_string())
}

#[tokio::test]
async fn assume_role_profile_chain_signs_an_elasticache_call() {
    let moto = Moto::start();
    let keys = botocore(
        &moto,
        &format!(
            "iam = client('iam')\n\
             iam.create_user(UserName='base-user')\n\
             iam.put_user_policy(UserName='base-user', PolicyName='p', PolicyDocument=json.dumps({{\
             'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Action': 'sts:AssumeRole', \
             'Resource': '*'}}]}}))\n\
             key = iam.create_access_key(UserName='base-user')['AccessKey']\n\
             {}{}\
             enable_auth()\n\
             print(key['AccessKeyId'] + ' ' + key['SecretAccessKey'])\n",
            role("middle", "sts:AssumeRole"),
            role("top", "elasticache:*"),
        ),
    );
    let (base_key, base_secret) = keys.split_once(' ').unwrap_or_else(|| panic!("{keys}"));

    // Authentication is on: a made-up key and a wrong secret are both refused.
    let bogus = Config::builder()
        .region("us-east-1")
        .endpoint_url(moto.url())
        .credentials(Credentials::new("AKIAMADEUP", "nope", None))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let e = describe(&bogus).await.expect_err("unknown key");
    assert!(e.contains("InvalidClientTokenId"), "{e}");
    let wrong_secret = bogus
        .to_builder()
        .credentials(Credentials::new(base_key, "not-the-secret", None))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let e = describe(&wrong_secret).await.expect_err("wrong secret");
    assert!(e.contains("SignatureDoesNotMatch"), "{e}");

    let dir = Dir::new("chain");
    let config_file = dir.write(
        "config",
        &format!(
            "[profile top]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/top\nsource_profile = middle\n\
             role_session_name = top-session\n\
             [profile middle]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/middle\nsource_profile = base\n\
             external_id = middle-external-id\n\
             [profile base]\nregion = us-east-1\n"
        ),
    );
    let credentials_file = dir.write(
        "credentials",
        &format!("[base]\naws_access_key_id = {base_key}\naws_secret_access_key = {base_secret}\n"),
    );
    let url = moto.url();
    let env = Env::from_pairs([
        ("AWS_CONFIG_FILE", config_file.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials_file.as_str()),
        ("AWS_PROFILE", "top"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", url.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("HOME", "/nonexistent"),
    ]);
    let config = smithy_query_config::builder(env)
        .await
        .and_then(|b| b.build())
        .unwrap_or_else(|e| panic!("{e}"));
    describe(&config).await.unwrap_or_else(|e| panic!("{e}"));
    // The cache serves the second call: no more AssumeRole.
    describe(&config).await.unwrap_or_else(|e| panic!("{e}"));

    let sent = from_first(&moto, "AssumeRole");
    let actions: Vec<&str> = sent.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "AssumeRole",
            "AssumeRole",
            "DescribeCacheClusters",
            "DescribeCacheClusters"
        ]
    );
    // Inner role first, signed with the base keys; the outer one with the inner session.
    assert!(sent[0]
        .body
        .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fmiddle"));
    assert!(sent[0].body.contains("ExternalId=middle-external-id"));
    assert_eq!(signed_by(&sent[0]).as_deref(), Some(base_key));
    assert!(sent[0].header("X-Amz-Security-Token").is_none());
    assert!(sent[1]
        .body
        .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ftop"));
    assert!(sent[1].body.contains("RoleSessionName=top-session"));
    let middle_key = signed_by(&sent[1]).unwrap_or_default();
    let top_key = signed_by(&sent[2]).unwrap_or_default();
    assert!(
        middle_key.starts_with("ASIA") && middle_key != base_key,
        "{middle_key}"
    );
    assert!(
        top_key.starts_with("ASIA") && top_key != middle_key,
        "{top_key}"
    );
    assert!(sent[1].header("X-Amz-Security-Token").is_some());
    assert!(sent[2].header("X-Amz-Security-Token").is_some());
    assert!(sent[2]
        .header("Authorization")
        .is_some_and(|a| a.contains("/us-east-1/elasticache/aws4_request")));
    assert_eq!(signed_by(&sent[3]).as_deref(), Some(top_key.as_str()));
}

#[tokio::test]
async fn web_identity_goes_unsigned_and_its_credentials_sign() {
    let moto = Moto::start();
    botocore(
        &moto,
        &format!("iam = client('iam')\n{}", role("web", "elasticache:*")),
    );
    let dir = Dir::new("web");
    let token = dir.write(
        "token",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl\n",
    );
    let url = moto.url();
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/web");
    let env = Env::from_pairs([
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.as_str()),
        ("AWS_ROLE_ARN", role_arn.as_str()),
        ("AWS_ROLE_SESSION_NAME", "e2e-web"),
        ("AWS_REGION", "us-east-1"),
        // Each service's own variable: STS for the exchange, ElastiCache for the call.
        ("AWS_ENDPOINT_URL_STS", url.as_str()),
        ("AWS_ENDPOINT_URL_ELASTICACHE", url.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
    ]);
    let config = smithy_query_config::builder(env)
        .await
        .and_then(|b| b.build())
        .unwrap_or_else(|e| panic!("{e}"));
    // The exchange happens with authentication off (moto would want every request
    // signed); the call it enables happens with it on.
    let credentials = config.credentials().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(credentials.expiry().is_some());
    botocore(&moto, "enable_auth()");
    describe(&config).await.unwrap_or_else(|e| panic!("{e}"));

    let sent = from_first(&moto, "AssumeRoleWithWebIdentity");
    let actions: Vec<&str> = sent.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["AssumeRoleWithWebIdentity", "DescribeCacheClusters"]
    );
    let exchange = &sent[0];
    assert!(
        exchange.header("Authorization").is_none(),
        "{:?}",
        exchange.headers
    );
    assert!(exchange.header("X-Amz-Security-Token").is_none());
    assert!(exchange.header("X-Amz-Date").is_none());
    assert!(exchange
        .body
        .contains("WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl"));
    assert!(exchange.body.contains("RoleSessionName=e2e-web"));
    assert_eq!(
        signed_by(&sent[1]).as_deref(),
        Some(credentials.access_key_id())
    );
}

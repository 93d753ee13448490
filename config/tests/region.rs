//! Where `load` finds the region: the environment, the profile, then instance metadata.

use smithy_query_runtime::credentials::Env;
use std::io::{Read, Write};
use std::net::TcpListener;

/// A metadata service on loopback that knows one thing, its region; it answers
/// `requests` requests, then stops.
fn metadata_service(region: &'static str, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head);
            let body = if head.starts_with("PUT /latest/api/token ") {
                "a-session-token"
            } else if head.starts_with("GET /latest/meta-data/placement/region ")
                && head.contains("x-aws-ec2-metadata-token: a-session-token")
            {
                region
            } else {
                ""
            };
            let status = if body.is_empty() {
                "404 Not Found"
            } else {
                "200 OK"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn no_files() -> Vec<(&'static str, String)> {
    vec![
        ("AWS_CONFIG_FILE", "/nonexistent/config".into()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/credentials".into(),
        ),
    ]
}

#[tokio::test]
async fn the_region_comes_from_instance_metadata_last() {
    let mut vars = no_files();
    vars.push((
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        metadata_service("ap-southeast-2", 2),
    ));
    let config = smithy_query_config::builder(Env::from_pairs(vars))
        .await
        .and_then(|b| b.build())
        .expect("config");
    assert_eq!(config.region(), "ap-southeast-2");

    // The environment wins, and then the metadata service is not asked.
    let mut vars = no_files();
    vars.push((
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        "http://127.0.0.1:9".into(),
    ));
    vars.push(("AWS_REGION", "eu-north-1".into()));
    let config = smithy_query_config::builder(Env::from_pairs(vars))
        .await
        .and_then(|b| b.build())
        .expect("config");
    assert_eq!(config.region(), "eu-north-1");

    // Nowhere: building says so.
    let mut vars = no_files();
    vars.push(("AWS_EC2_METADATA_DISABLED", "true".into()));
    let e = smithy_query_config::builder(Env::from_pairs(vars))
        .await
        .and_then(|b| b.build())
        .expect_err("no region");
    assert!(e.to_string().starts_with("no region"), "{e}");
}

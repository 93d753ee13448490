//! EC2 end to end, against moto's EC2.
//!
//! Generates a small EC2 crate from the published model (`../shared/models/ec2.json`, an
//! ec2Query service) with `--operations RunInstances,DescribeInstances,TerminateInstances`,
//! which brings the waiters of `DescribeInstances` along, builds a program on it with
//! warnings denied, and runs the program against moto. The program:
//!
//! 1. launches seven instances with seven `RunInstances` calls (seven reservations);
//! 2. waits for them with `wait_until_instance_running`;
//! 3. reads every reservation back through the `DescribeInstances` paginator with
//!    `MaxResults=2`, which takes four pages (moto pages by reservation);
//! 4. asks for an instance id that does not exist and gets the `InvalidInstanceID.NotFound`
//!    error, with its message and request id, as the operation's error (EC2's model has no
//!    error shapes: the code is the type, as in every AWS SDK);
//! 5. terminates the seven and waits with `wait_until_instance_terminated`.
//!
//! The program checks what it reads; this test then counts the requests from moto's own
//! record, so the count does not depend on the client's view of what it sent.

mod support;

#[path = "../../conformance/tests/oracle/mod.rs"]
mod oracle;

#[path = "../../conformance/tests/oracle/moto.rs"]
mod moto;

use xtask::{codegen, workspace_root, CodegenArgs};

/// The program run against moto; it prints one line per step.
const PROGRAM: &str = r#"//! Launches, pages through, waits for and terminates EC2 instances on the endpoint given.

use ec2::client::{Client, Config, Credentials, Error};
use ec2::operation::describe_instances::{DescribeInstancesError, DescribeInstancesRequest};
use ec2::operation::run_instances::RunInstancesRequest;
use ec2::operation::terminate_instances::TerminateInstancesRequest;
use ec2::types::InstanceStateName;
use std::time::Duration;

const LAUNCHES: usize = 7;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: ec2-moto-app ENDPOINT")?;
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint.as_str())
        .credentials(Credentials::new("AKIDEC2ENDTOEND", "ec2-end-to-end-secret", None))
        .build()?;
    let client = Client::new(&config)?;

    // 1. Seven single-instance launches: seven reservations.
    let mut ids = Vec::new();
    for i in 0..LAUNCHES {
        let reservation = client
            .run_instances(
                RunInstancesRequest::new(1, 1)
                    .image_id("ami-12c6146b")
                    .client_token(format!("e2e-launch-{i}")),
            )
            .await?;
        let instances = reservation.instances.unwrap_or_default();
        assert_eq!(instances.len(), 1, "one instance per launch");
        let id = instances[0].instance_id.clone().ok_or("an instance without an id")?;
        assert!(id.starts_with("i-"), "{id}");
        ids.push(id);
    }
    println!("launched {}", ids.len());

    // 2. Running: moto starts instances at once, so the first poll succeeds.
    let running = client
        .wait_until_instance_running(
            DescribeInstancesRequest::new().instance_ids(ids.clone()),
            Duration::from_secs(120),
        )
        .await?;
    let now = states(running.output().and_then(|o| o.reservations.as_ref()));
    assert_eq!(now.len(), LAUNCHES);
    assert!(now.iter().all(|s| *s == InstanceStateName::Running), "{now:?}");
    println!(
        "running after {} poll(s), acceptor {:?}",
        running.attempts,
        running.acceptor.map(|a| a.index)
    );

    // 3. Every reservation through the paginator, two per page.
    let mut pages = client.describe_instances_pages(DescribeInstancesRequest::new().max_results(2));
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    while let Some(page) = pages.next().await {
        let reservations = page?.reservations.unwrap_or_default();
        sizes.push(reservations.len());
        for r in reservations {
            for i in r.instances.unwrap_or_default() {
                seen.extend(i.instance_id);
            }
        }
    }
    let (mut sorted_seen, mut sorted_ids) = (seen.clone(), ids.clone());
    sorted_seen.sort();
    sorted_ids.sort();
    assert_eq!(sorted_seen, sorted_ids, "the paginator read every instance once");
    println!("pages {sizes:?}");

    // 4. An instance that does not exist.
    let missing = "i-0123456789abcdef0";
    match client
        .describe_instances(DescribeInstancesRequest::new().instance_ids([missing.to_owned()]))
        .await
    {
        Err(Error::Service(DescribeInstancesError::Unhandled(meta))) => {
            assert_eq!(meta.code, "InvalidInstanceID.NotFound");
            assert_eq!(meta.status, 400);
            let message = meta.message.clone().unwrap_or_default();
            assert!(message.contains(missing), "{message}");
            assert!(meta.request_id.as_deref().is_some_and(|id| !id.is_empty()));
            println!("not found: {} ({message})", meta.code);
        }
        other => return Err(format!("expected InvalidInstanceID.NotFound, got {other:?}").into()),
    }

    // 5. Terminate all seven and wait for it.
    let terminated = client
        .terminate_instances(TerminateInstancesRequest::new(ids.clone()))
        .await?;
    let changes = terminated.terminating_instances.unwrap_or_default();
    assert_eq!(changes.len(), LAUNCHES);
    let done = client
        .wait_until_instance_terminated(
            DescribeInstancesRequest::new().instance_ids(ids.clone()),
            Duration::from_secs(120),
        )
        .await?;
    let now = states(done.output().and_then(|o| o.reservations.as_ref()));
    assert_eq!(now.len(), LAUNCHES);
    assert!(now.iter().all(|s| *s == InstanceStateName::Terminated), "{now:?}");
    println!("terminated after {} poll(s)", done.attempts);
    println!("done");
    Ok(())
}

/// The state of every instance of `reservations`.
fn states(reservations: Option<&Vec<ec2::types::Reservation>>) -> Vec<InstanceStateName> {
    reservations
        .into_iter()
        .flatten()
        .flat_map(|r| r.instances.iter().flatten())
        .filter_map(|i| i.state.as_ref().and_then(|s| s.name.clone()))
        .collect()
}
"#;

#[test]
fn ec2_instances_launch_page_wait_fail_and_terminate_against_moto() {
    let root = workspace_root();
    let base = root.join("target/ec2-moto");
    let krate = base.join("ec2");
    let report = codegen(
        &root,
        &CodegenArgs {
            models: vec![root.join("../shared/models/ec2.json")],
            out: Some(krate.clone()),
            operations: Some(
                ["RunInstances", "DescribeInstances", "TerminateInstances"]
                    .map(str::to_owned)
                    .to_vec(),
            ),
            ..CodegenArgs::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "ec2-moto: {} files updated, {} unchanged",
        report.updated.len(),
        report.unchanged
    );

    let app = base.join("app");
    let target = base.join("target");
    let (exe, build_time) = support::build_program(
        &root,
        &app,
        "ec2-moto-app",
        "ec2 = { path = \"../ec2\" }\n",
        PROGRAM,
        &target,
    );
    println!(
        "ec2-moto: program and its three-operation EC2 crate built in {:.1}s",
        build_time.as_secs_f64()
    );

    let moto = moto::Moto::start();
    let stdout = support::run_program(&exe, &moto.url());
    println!("{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"launched 7"), "{stdout}");
    assert!(lines.contains(&"pages [2, 2, 2, 1]"), "{stdout}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("not found: InvalidInstanceID.NotFound")),
        "{stdout}"
    );
    assert_eq!(lines.last(), Some(&"done"), "{stdout}");
    let polls = |prefix: &str| -> usize {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no `{prefix}` line in\n{stdout}"))
    };
    let (running_polls, terminated_polls) = (polls("running after "), polls("terminated after "));

    // What moto received: each launch, each page, each poll and the failed lookup.
    let requests = moto.requests();
    let actions: Vec<&str> = requests.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(moto.count("RunInstances"), 7, "{actions:?}");
    assert_eq!(moto.count("TerminateInstances"), 1, "{actions:?}");
    assert_eq!(
        moto.count("DescribeInstances"),
        running_polls + 4 + 1 + terminated_polls,
        "waiter polls, four pages and the lookup of a missing instance: {actions:?}"
    );
    assert_eq!(
        requests.len(),
        7 + 1 + running_polls + 4 + 1 + terminated_polls
    );
    for r in &requests {
        let auth = r.header("Authorization").unwrap_or_default();
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEC2ENDTOEND/")
                && auth.contains("/us-east-1/ec2/aws4_request"),
            "{}: {auth:?}",
            r.action
        );
        assert!(
            r.body.contains("Version=2016-11-15"),
            "{}: {}",
            r.action,
            r.body
        );
    }
    // ec2Query lists: flat keys, numbered from 1.
    let first_run = &requests[0];
    assert!(
        first_run
            .body
            .starts_with("Action=RunInstances&Version=2016-11-15&")
            && first_run.body.contains("&ImageId=ami-12c6146b")
            && first_run.body.contains("&MaxCount=1&MinCount=1"),
        "{}",
        first_run.body
    );
    let terminate = requests
        .iter()
        .find(|r| r.action == "TerminateInstances")
        .unwrap_or_else(|| panic!("no TerminateInstances in {actions:?}"));
    assert!(
        terminate.body.contains("&InstanceId.1=i-") && terminate.body.contains("&InstanceId.7=i-"),
        "{}",
        terminate.body
    );
    println!(
        "ec2-moto: {} requests: RunInstances 7, DescribeInstances {} ({running_polls} + 4 pages + 1 missing + {terminated_polls}), TerminateInstances 1",
        requests.len(),
        moto.count("DescribeInstances")
    );
}

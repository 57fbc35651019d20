//! The default session: built from an explicit environment (`session_from`),
//! and, in a child process whose environment points at temporary files and
//! a local Kinesis stand-in, the process-wide `default_session()` /
//! `client()` (once per thread, the same on later calls), making a real
//! signed call over the std transport.

mod creds_support;

use std::process::Command;

use creds_support::*;
use stratus_transport_std::blocking;
use stratus_transport_std::default_session::{self, DefaultSessionError, session_from};

#[test]
fn session_from_an_explicit_environment() {
    let files = Files::new("[profile dev]\nregion = eu-north-1\n", "");
    let env = files.env().with("AWS_PROFILE", "dev");
    let (session, _transport, config) = session_from(env, None).unwrap();
    println!(
        "region {:?}, profile {:?}, services {}",
        session.region(),
        session.profile_name(),
        session.available_services().count()
    );
    assert_eq!(session.region(), Some("eu-north-1"));
    assert_eq!(session.profile_name(), Some("dev"));
    assert_eq!(config.profile_name(), "dev");
    assert!(session.service("sts").is_some());
    assert_eq!(
        session.credentials().names().collect::<Vec<_>>().len(),
        8,
        "the whole default chain"
    );

    let missing = files.env().with("AWS_PROFILE", "nope");
    let err = session_from(missing, None).unwrap_err();
    println!("missing profile: {err}");
    assert!(matches!(err, DefaultSessionError::Config(_)));
    let bad_proxy = files.env().with("HTTPS_PROXY", "ftp://proxy");
    let err = session_from(bad_proxy, None).unwrap_err();
    println!("bad proxy: {err}");
    assert!(matches!(err, DefaultSessionError::Transport(_)));
}

/// Runs only as the child of `default_session_in_a_child_process`.
#[test]
#[ignore = "run by default_session_in_a_child_process with its environment"]
fn child_default_session() {
    if std::env::var("STRATUS_DEFAULT_SESSION_CHILD").is_err() {
        return;
    }
    let first = default_session::default_session().unwrap();
    let again = default_session::default_session().unwrap();
    assert!(std::ptr::eq(first, again), "one session per thread");
    let other =
        std::thread::spawn(|| default_session::default_session().unwrap() as *const _ as usize)
            .join()
            .unwrap();
    assert_ne!(
        other, first as *const _ as usize,
        "another thread has its own"
    );
    println!("region {:?}", first.region());
    assert_eq!(first.region(), Some("ap-southeast-2"));

    let client = default_session::client("kinesis").unwrap();
    let input = stratus_models::kinesis::types::ListStreamsInput::default();
    let mut bufs = blocking::HeapBuffers::new(16 * 1024, 64 * 1024);
    let out = blocking::call(&client, "ListStreams", &input, bufs.workspace()).unwrap();
    println!("ListStreams: {}", out.status());
    assert_eq!(out.status(), 200);
    assert_eq!(
        first.credentials().resolved_source(),
        Some("env"),
        "credentials came from the chain"
    );
    let unknown = default_session::client("not-a-service").unwrap_err();
    println!("unknown service: {unknown}");
}

#[test]
fn default_session_in_a_child_process() {
    let server = Server::start(|req| {
        let mut r = Reply::new(200, "{\"StreamNames\":[],\"HasMoreStreams\":false}");
        r.headers
            .push(("Content-Type".into(), "application/x-amz-json-1.1".into()));
        let _ = req;
        r
    });
    let files = Files::new("[default]\nregion = ap-southeast-2\n", "");
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "child_default_session",
        "--exact",
        "--include-ignored",
        "--nocapture",
    ]);
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("AWS_") || k.to_ascii_lowercase().ends_with("_proxy") {
            cmd.env_remove(k);
        }
    }
    cmd.env("STRATUS_DEFAULT_SESSION_CHILD", "1")
        .env("AWS_CONFIG_FILE", files.path("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", files.path("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIDCHILD")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_ENDPOINT_URL_KINESIS", server.url());
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "child failed");
    assert!(text.contains("1 passed"), "the child test ran");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    println!("signed by {:?}", signing_key(&seen[0]));
    assert_eq!(signing_key(&seen[0]).as_deref(), Some("AKIDCHILD"));
    assert!(
        seen[0]
            .header("authorization")
            .unwrap()
            .contains("/ap-southeast-2/kinesis/aws4_request")
    );
}

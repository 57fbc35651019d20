//! Each credential source against files in a temporary directory, an
//! injected environment and local servers on 127.0.0.1: environment,
//! credentials and config files, `credential_process`, the container
//! endpoint, IMDSv2, and the errors each gives when misconfigured. No secret
//! may appear in any error or Debug output.

mod creds_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use creds_support::*;
use stratus_core::client::TransportError;
use stratus_core::credentials::{CredentialsError, ProvideCredentials};
use stratus_transport_std::config::{Env, SharedConfig};
use stratus_transport_std::credentials::{
    ConfigFileProvider, ContainerProvider, EnvironmentProvider, HttpError, ImdsMiss, ImdsProvider,
    ProcessError, ProcessProvider, ProviderError, SharedCredentialsProvider,
};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn shared(env: Env, profile: Option<&str>) -> Arc<SharedConfig> {
    Arc::new(SharedConfig::load(env, profile).unwrap())
}

fn no_secret(shown: &str) {
    assert!(!shown.contains(SECRET), "secret leaked: {shown}");
    assert!(!shown.contains("TOKEN-"), "token leaked: {shown}");
}

#[test]
fn environment_variables() {
    let env = Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SECURITY_TOKEN", "legacy"),
        ("AWS_SESSION_TOKEN", "TOKEN-new"),
    ]);
    let c = block(EnvironmentProvider::new(&env).load()).unwrap();
    println!("env: {c:?}");
    no_secret(&format!("{c:?} {c}"));
    assert_eq!(c.access_key_id(), "AKIDENV");
    // botocore reads AWS_SECURITY_TOKEN first.
    assert_eq!(c.session_token(), Some("legacy"));

    let none = Env::from_pairs([("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", SECRET)]);
    assert_eq!(
        block(EnvironmentProvider::new(&none).load()),
        Err(ProviderError::NotConfigured)
    );
    let partial = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]);
    let err = block(EnvironmentProvider::new(&partial).load()).unwrap_err();
    println!("partial: {err}");
    assert_eq!(
        err,
        ProviderError::MissingKey {
            source: "env",
            key: "AWS_SECRET_ACCESS_KEY".into()
        }
    );
    let bad_expiry = env
        .clone()
        .with("AWS_CREDENTIAL_EXPIRATION", "next tuesday");
    assert!(matches!(
        block(EnvironmentProvider::new(&bad_expiry).load()),
        Err(ProviderError::BadExpiration { source: "env", .. })
    ));
}

#[test]
fn environment_expiry_is_checked_before_use() {
    let clock = TestClock::at(T0);
    let env = Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_CREDENTIAL_EXPIRATION", iso(T0 + 3600).as_str()),
    ]);
    let p = EnvironmentProvider::with_clock(&env, clock.clone());
    let c = block(p.load()).unwrap();
    assert_eq!(c.expiry().map(|t| t.as_secs()), Some(T0 + 3600));
    clock.set(T0 + 3601);
    let err = block(p.load()).unwrap_err();
    println!("after expiry: {err}");
    assert_eq!(err, ProviderError::Expired { source: "env" });
    assert_eq!(
        block(p.provide_credentials()),
        Err(CredentialsError::Expired)
    );
}

#[test]
fn credentials_and_config_files() {
    let files = Files::new(
        "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n\
         [profile dev]\naws_access_key_id = AKIDCONFIGDEV\naws_secret_access_key = s\n\
         [profile half]\naws_access_key_id = AKIDHALF\n",
        &format!(
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = {SECRET}\n\
             aws_session_token = TOKEN-file\n[dev]\naws_access_key_id: AKIDFILEDEV\n\
             aws_secret_access_key: {SECRET}\n[half]\naws_secret_access_key = {SECRET}\n"
        ),
    );
    let config = shared(files.env(), None);
    let mut shown = Vec::new();
    for (profile, want_file, want_config) in [
        ("default", Some("AKIDFILE"), Some("AKIDCONFIG")),
        ("dev", Some("AKIDFILEDEV"), Some("AKIDCONFIGDEV")),
        ("missing", None, None),
    ] {
        let file = block(SharedCredentialsProvider::new(config.clone(), profile).load());
        let conf = block(ConfigFileProvider::new(config.clone(), profile).load());
        shown.push(format!("{profile}: {file:?} / {conf:?}"));
        assert_eq!(
            file.ok().map(|c| c.access_key_id().to_string()).as_deref(),
            want_file
        );
        assert_eq!(
            conf.ok().map(|c| c.access_key_id().to_string()).as_deref(),
            want_config
        );
    }
    println!("{}", shown.join("\n"));
    no_secret(&shown.join(""));
    // [half] in the credentials file has a secret but no key id: not configured.
    assert_eq!(
        block(SharedCredentialsProvider::new(config.clone(), "half").load()),
        Err(ProviderError::NotConfigured)
    );
    // [profile half] in the config file has a key id but no secret.
    let err = block(ConfigFileProvider::new(config, "half").load()).unwrap_err();
    println!("half: {err}");
    assert_eq!(
        err,
        ProviderError::MissingKey {
            source: "config-file",
            key: "aws_secret_access_key".into()
        }
    );
}

#[test]
fn credential_process() {
    let files = Files::new("", "");
    let counter = files.path("runs");
    let good = files.script(
        "good.sh",
        &format!(
            "echo x >> '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \
             \"SecretAccessKey\": \"{SECRET}\", \"SessionToken\": \"TOKEN-p\", \
             \"Expiration\": \"'\"$EXPIRES\"'\"}}'",
            s(&counter)
        ),
    );
    let failing = files.script("fail.sh", "echo \"denied by policy\" >&2\nexit 3");
    let leaky = files.script(
        "leaky.sh",
        &format!(
            "echo '{{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"{SECRET}\"}}'"
        ),
    );
    let config = format!(
        "[default]\ncredential_process = env EXPIRES={} {}\n\
         [profile fail]\ncredential_process = {}\n\
         [profile version]\ncredential_process = {}\n\
         [profile notjson]\ncredential_process = echo {SECRET}\n\
         [profile nokey]\ncredential_process = echo '{{\"Version\": 1, \"AccessKeyId\": \"A\"}}'\n\
         [profile quoted]\ncredential_process = \"{}\" 'unclosed\n\
         [profile missing]\ncredential_process = /nonexistent/stratus-helper\n",
        iso(T0 + 3600),
        s(&good),
        s(&failing),
        s(&leaky),
        s(&good)
    );
    files.write("config", &config);
    let shared = shared(files.env(), None);
    let clock = TestClock::at(T0);
    let p = ProcessProvider::with_clock(shared.clone(), "default", clock.clone());
    let c = block(p.load()).unwrap();
    println!("process: {c:?}");
    assert_eq!(
        (c.access_key_id(), c.session_token()),
        ("AKIDPROC", Some("TOKEN-p"))
    );
    assert_eq!(c.expiry().map(|t| t.as_secs()), Some(T0 + 3600));
    let runs = || std::fs::read_to_string(&counter).unwrap().lines().count();
    block(p.load()).unwrap();
    assert_eq!(runs(), 1, "cached while fresh");
    clock.set(T0 + 3600 - 5 * 60);
    block(p.load()).unwrap();
    println!("runs after entering the mandatory window: {}", runs());
    assert_eq!(runs(), 2, "refreshed inside the mandatory window");

    let mut errors = Vec::new();
    for (profile, want) in [
        (
            "fail",
            ProcessError::Failed {
                code: Some(3),
                stderr: "denied by policy".into(),
            },
        ),
        ("version", ProcessError::UnsupportedVersion("2".into())),
        ("notjson", ProcessError::NotJson),
        ("nokey", ProcessError::MissingKey("SecretAccessKey")),
        ("quoted", ProcessError::BadCommandLine),
    ] {
        let err = block(ProcessProvider::new(shared.clone(), profile).load()).unwrap_err();
        errors.push(format!("{profile}: {err} / {err:?}"));
        assert_eq!(err, ProviderError::Process(want), "{profile}");
    }
    let err = block(ProcessProvider::new(shared.clone(), "missing").load()).unwrap_err();
    assert!(
        matches!(err, ProviderError::Process(ProcessError::Spawn { .. })),
        "{err:?}"
    );
    errors.push(format!("missing: {err}"));
    println!("{}", errors.join("\n"));
    no_secret(&errors.join(""));
    assert_eq!(
        block(ProcessProvider::new(shared, "nope").load()),
        Err(ProviderError::NotConfigured)
    );
}

fn container_json(key: &str, expires: u64) -> String {
    format!(
        "{{\"AccessKeyId\":\"{key}\",\"SecretAccessKey\":\"{SECRET}\",\"Token\":\"TOKEN-c\",\
         \"Expiration\":\"{}\"}}",
        iso(expires)
    )
}

#[test]
fn container_endpoint() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let server = Server::start(move |req| {
        let n = c2.fetch_add(1, Ordering::SeqCst);
        match req.target.as_str() {
            // The first request fails once: the provider retries.
            "/v2/credentials/flaky" if n == 0 => Reply::new(500, "busy"),
            "/v2/credentials/flaky" | "/full" => {
                Reply::new(200, container_json("ASIACONTAINER", T0 + 3600))
            }
            "/denied" => Reply::new(403, "no"),
            _ => Reply::new(404, "unknown"),
        }
    });
    let clock = TestClock::at(T0);
    let transport = Arc::new(LoopbackTransport::default());
    let token_file = Files::new("", "");
    let token_path = token_file.write("token", "Bearer from-file");

    let env = Env::from_pairs([
        (
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "/v2/credentials/flaky",
        ),
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://ignored.example/",
        ),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer from-env"),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token_path.to_str().unwrap(),
        ),
    ]);
    let p =
        ContainerProvider::new(&env, transport.clone(), clock.clone()).with_base_url(&server.url());
    let c = block(p.load()).unwrap();
    println!("container: {c:?}, slept {} ms", clock.slept_ms.get());
    assert_eq!(c.access_key_id(), "ASIACONTAINER");
    assert_eq!(clock.slept_ms.get(), 1000, "one retry, 1 s apart");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].header("authorization"), Some("Bearer from-file"));
    assert_eq!(seen[1].header("accept"), Some("application/json"));

    // Cached until the refresh window, then fetched again.
    block(p.load()).unwrap();
    assert_eq!(server.seen().len(), 2);
    clock.set(T0 + 3600 - 14 * 60);
    block(p.load()).unwrap();
    assert_eq!(server.seen().len(), 3, "advisory window refresh");

    // Full URI: loopback is allowed, other plain-HTTP hosts are refused
    // before any connection.
    let full = Env::from_pairs([
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/full", server.url()),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "Bearer env".to_string(),
        ),
    ]);
    let p = ContainerProvider::new(&full, transport.clone(), clock.clone());
    assert_eq!(block(p.load()).unwrap().access_key_id(), "ASIACONTAINER");
    assert_eq!(
        server.seen().last().unwrap().header("authorization"),
        Some("Bearer env")
    );

    let mut errors = Vec::new();
    for (env, want) in [
        (
            Env::from_pairs([(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://169.254.169.254/x",
            )]),
            HttpError::HostNotAllowed("169.254.169.254".into()),
        ),
        (
            Env::from_pairs([
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    format!("{}/full", server.url()).as_str(),
                ),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1"),
            ]),
            HttpError::TokenNotHeaderSafe,
        ),
        (
            Env::from_pairs([("AWS_CONTAINER_CREDENTIALS_FULL_URI", "not a url")]),
            HttpError::InvalidUrl("not a url".into()),
        ),
        (
            Env::from_pairs([(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("{}/denied", server.url()).as_str(),
            )]),
            HttpError::Status {
                status: 403,
                body: "no".into(),
            },
        ),
    ] {
        let before = clock.slept_ms.get();
        let err = block(ContainerProvider::new(&env, transport.clone(), clock.clone()).load())
            .unwrap_err();
        errors.push(format!(
            "{err} (slept {} ms)",
            clock.slept_ms.get() - before
        ));
        assert_eq!(
            err,
            ProviderError::Http {
                source: "container-role",
                error: want
            }
        );
    }
    println!("{}", errors.join("\n"));
    assert!(
        transport.refused.lock().unwrap().is_empty(),
        "no request left loopback"
    );
    assert_eq!(
        block(ContainerProvider::new(&Env::new(), transport, clock).load()),
        Err(ProviderError::NotConfigured)
    );
}

fn imds_server(token_status: u16) -> Server {
    Server::start(
        move |req| match (req.method.as_str(), req.target.as_str()) {
            ("PUT", "/latest/api/token") => {
                if req.header("x-aws-ec2-metadata-token-ttl-seconds") != Some("21600") {
                    return Reply::new(400, "ttl");
                }
                Reply::new(token_status, "TOKEN-imds")
            }
            ("GET", "/latest/meta-data/iam/security-credentials/") => Reply::new(200, "my-role"),
            ("GET", "/latest/meta-data/iam/security-credentials/my-role") => {
                let json = format!(
                    "{{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"{SECRET}\",\
                 \"Token\":\"TOKEN-i\",\"Expiration\":\"{}\"}}",
                    iso(T0 + 6 * 3600)
                );
                Reply::new(200, json)
            }
            _ => Reply::new(404, "nope"),
        },
    )
}

fn imds_env(server: &Server) -> Env {
    Env::from_pairs([
        ("AWS_CONFIG_FILE", "/nonexistent"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url().as_str()),
    ])
}

#[test]
fn imds_v2_then_v1() {
    let clock = TestClock::at(T0);
    let transport = Arc::new(LoopbackTransport::default());

    let server = imds_server(200);
    let config = SharedConfig::load(imds_env(&server), None).unwrap();
    let p = ImdsProvider::new(&config, transport.clone(), clock.clone()).unwrap();
    let c = block(p.load()).unwrap();
    println!("imds v2: {c:?}");
    assert_eq!(c.access_key_id(), "ASIAIMDS");
    let seen = server.seen();
    let steps: Vec<String> = seen
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    println!("requests: {steps:?}");
    assert_eq!(steps.len(), 3);
    assert!(
        seen[1..]
            .iter()
            .all(|r| r.header("x-aws-ec2-metadata-token") == Some("TOKEN-imds"))
    );

    // Token refused with 403: IMDSv1 (no token header).
    let server = imds_server(403);
    let config = SharedConfig::load(imds_env(&server), None).unwrap();
    let p = ImdsProvider::new(&config, transport.clone(), clock.clone()).unwrap();
    assert_eq!(block(p.load()).unwrap().access_key_id(), "ASIAIMDS");
    assert!(
        server.seen()[1..]
            .iter()
            .all(|r| r.header("x-aws-ec2-metadata-token").is_none())
    );

    // ... unless IMDSv1 is disabled: a configured failure.
    let env = imds_env(&server).with("AWS_EC2_METADATA_V1_DISABLED", "true");
    let config = SharedConfig::load(env, None).unwrap();
    let p = ImdsProvider::new(&config, transport.clone(), clock.clone()).unwrap();
    let err = block(p.load()).unwrap_err();
    println!("v1 disabled: {err}");
    assert_eq!(
        err,
        ProviderError::Http {
            source: "iam-role",
            error: HttpError::TokenRequired
        }
    );

    // Disabled, or nothing listening: not configured, with the reason kept.
    let env = imds_env(&server).with("AWS_EC2_METADATA_DISABLED", "TRUE");
    let config = SharedConfig::load(env, None).unwrap();
    let p = ImdsProvider::new(&config, transport.clone(), clock.clone()).unwrap();
    assert_eq!(block(p.load()), Err(ProviderError::NotConfigured));
    assert_eq!(p.last_miss(), Some(ImdsMiss::Disabled));

    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let env = Env::from_pairs([
        ("AWS_CONFIG_FILE", "/nonexistent"),
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            format!("http://127.0.0.1:{closed}").as_str(),
        ),
    ]);
    let config = SharedConfig::load(env, None).unwrap();
    let p = ImdsProvider::new(&config, transport.clone(), clock).unwrap();
    assert_eq!(block(p.load()), Err(ProviderError::NotConfigured));
    let miss = p.last_miss().unwrap();
    println!("unreachable: {miss}");
    assert!(matches!(
        miss,
        ImdsMiss::Unavailable {
            error: HttpError::Transport(TransportError::Connect),
            ..
        }
    ));
    assert!(
        transport.refused.lock().unwrap().is_empty(),
        "no request left loopback"
    );
}

#[test]
fn imds_settings_come_from_env_and_profile() {
    let files = Files::new(
        "[default]\nec2_metadata_service_endpoint_mode = IPv6\nmetadata_service_num_attempts = 3\n\
         [profile bad]\nec2_metadata_service_endpoint_mode = ipv7\n",
        "",
    );
    let config = SharedConfig::load(files.env(), None).unwrap();
    let p = ImdsProvider::new(
        &config,
        Arc::new(LoopbackTransport::default()),
        TestClock::at(T0),
    )
    .unwrap();
    println!("settings: {:?}", p.settings());
    assert_eq!(p.settings().endpoint, "http://[fd00:ec2::254]/");
    assert_eq!((p.settings().attempts, p.settings().timeout_secs), (3, 1));
    assert!(p.settings().disabled);
    let config = SharedConfig::load(files.env(), Some("bad")).unwrap();
    let err = ImdsProvider::new(
        &config,
        Arc::new(LoopbackTransport::default()),
        TestClock::at(T0),
    )
    .unwrap_err();
    println!("bad mode: {err}");
    assert!(err.to_string().contains("ipv7"));
}

#[test]
fn nothing_secret_in_debug() {
    let env = Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ]);
    let p = EnvironmentProvider::new(&env);
    block(p.load()).unwrap();
    let shown = format!("{p:?} {env:?}");
    println!("{shown}");
    assert!(shown.contains("AKIDENV"));
    no_secret(&shown);
}

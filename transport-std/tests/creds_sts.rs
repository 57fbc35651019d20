//! Assume-role and web identity against a small fake STS on 127.0.0.1
//! (it answers `AssumeRole` / `AssumeRoleWithWebIdentity` with STS's XML and
//! records who signed each call): source profiles, role chains, credential
//! sources, the request parameters, botocore's configuration errors, STS
//! errors, and refresh before expiry with a clock the test moves.

mod creds_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use creds_support::*;
use stratus_transport_std::config::{ConfigError, SharedConfig};
use stratus_transport_std::credentials::{
    AssumeRoleProvider, ProviderError, StsError, WebIdentityProvider,
};

/// A fake STS: each call gets `ASIA<n>` expiring `lifetime` seconds after the
/// test clock's time, read from `now`.
struct FakeSts {
    server: Server,
    calls: Arc<AtomicUsize>,
}

fn fake_sts(now: Arc<Mutex<u64>>, lifetime: u64) -> FakeSts {
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let server = Server::start(move |req| {
        let n = c2.fetch_add(1, Ordering::SeqCst) + 1;
        let action = req.form("Action").unwrap_or_default();
        if req.form("RoleArn").as_deref() == Some("arn:aws:iam::123456789012:role/denied") {
            return Reply::new(
                403,
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                 <Message>not allowed</Message></Error><RequestId>r</RequestId></ErrorResponse>",
            );
        }
        let expires = *now.lock().unwrap() + lifetime;
        let mut r = Reply::new(200, sts_xml(&action, &format!("ASIA{n}"), expires));
        r.headers.push(("Content-Type".into(), "text/xml".into()));
        r
    });
    FakeSts { server, calls }
}

fn config(files: &Files, sts: &FakeSts, profile: Option<&str>) -> Arc<SharedConfig> {
    let env = files
        .env()
        .with("AWS_ENDPOINT_URL_STS", sts.server.url())
        .with("AWS_DEFAULT_REGION", "eu-west-1");
    Arc::new(SharedConfig::load(env, profile).unwrap())
}

#[test]
fn assume_role_from_a_source_profile_and_a_chain() {
    let now = Arc::new(Mutex::new(T0));
    let sts = fake_sts(now.clone(), 3600);
    let files = Files::new(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = middle\n\
         role_session_name = me\nexternal_id = ext-1\nduration_seconds = 1800\n\
         [profile middle]\nrole_arn = arn:aws:iam::123456789012:role/middle\nsource_profile = base\n",
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n",
    );
    let shared = config(&files, &sts, Some("dev"));
    let clock = TestClock::at(T0);
    let transport = Arc::new(LoopbackTransport::default());
    let p = AssumeRoleProvider::new(shared, "dev", transport.clone(), clock.clone());
    println!("chain: {:?}", p.source_profiles().unwrap());
    assert_eq!(p.source_profiles().unwrap(), ["dev", "middle", "base"]);
    let c = block(p.load()).unwrap();
    println!("dev: {c:?}");
    let seen = sts.server.seen();
    let calls: Vec<(String, Option<String>, Option<String>)> = seen
        .iter()
        .map(|r| (r.form("RoleArn").unwrap(), signing_key(r), r.form("Action")))
        .collect();
    println!("STS calls (role, signed by, action): {calls:?}");
    // middle is assumed with base's keys, then dev with middle's.
    assert_eq!(seen.len(), 2);
    assert_eq!(calls[0].0, "arn:aws:iam::123456789012:role/middle");
    assert_eq!(calls[0].1.as_deref(), Some("AKIDBASE"));
    assert_eq!(calls[1].0, "arn:aws:iam::123456789012:role/dev");
    assert_eq!(calls[1].1.as_deref(), Some("ASIA1"));
    assert_eq!(c.access_key_id(), "ASIA2");
    assert_eq!(c.session_token(), Some("TOKEN-ASIA2"));
    assert_eq!(c.expiry().map(|t| t.as_secs()), Some(T0 + 3600));
    // The request carries the profile's parameters, in the region's scope.
    assert_eq!(seen[1].form("RoleSessionName").as_deref(), Some("me"));
    assert_eq!(seen[1].form("ExternalId").as_deref(), Some("ext-1"));
    assert_eq!(seen[1].form("DurationSeconds").as_deref(), Some("1800"));
    assert!(
        seen[0]
            .form("RoleSessionName")
            .unwrap()
            .starts_with("botocore-session-")
    );
    assert!(
        seen[1]
            .header("authorization")
            .unwrap()
            .contains("/eu-west-1/sts/aws4_request")
    );

    // Cached while fresh; refreshed (with fresh source credentials) inside
    // the mandatory window.
    block(p.load()).unwrap();
    assert_eq!(sts.calls.load(Ordering::SeqCst), 2);
    clock.set(T0 + 3600 - 9 * 60);
    *now.lock().unwrap() = T0 + 3600 - 9 * 60;
    let c = block(p.load()).unwrap();
    println!(
        "after refresh: {c:?}, STS calls {}",
        sts.calls.load(Ordering::SeqCst)
    );
    assert_eq!(sts.calls.load(Ordering::SeqCst), 4);
    assert_eq!(c.access_key_id(), "ASIA4");
    assert!(transport.refused.lock().unwrap().is_empty());
}

#[test]
fn credential_source_and_self_referencing_profile() {
    let sts = fake_sts(Arc::new(Mutex::new(T0)), 3600);
    let files = Files::new(
        "[profile envrole]\nrole_arn = arn:aws:iam::123456789012:role/e\ncredential_source = Environment\n\
         [profile selfref]\nrole_arn = arn:aws:iam::123456789012:role/s\nsource_profile = selfref\n\
         aws_access_key_id = AKIDSELF\naws_secret_access_key = s\n",
        "",
    );
    let env = files
        .env()
        .with("AWS_ENDPOINT_URL_STS", sts.server.url())
        .with("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with("AWS_SECRET_ACCESS_KEY", "s");
    let shared = Arc::new(SharedConfig::load(env, None).unwrap());
    let transport = Arc::new(LoopbackTransport::default());
    let clock = TestClock::at(T0);
    for (profile, signer) in [("envrole", "AKIDENV"), ("selfref", "AKIDSELF")] {
        let p = AssumeRoleProvider::new(shared.clone(), profile, transport.clone(), clock.clone());
        let c = block(p.load()).unwrap();
        let seen = sts.server.seen();
        let last = seen.last().unwrap();
        println!(
            "{profile}: {} signed by {:?}",
            c.access_key_id(),
            signing_key(last)
        );
        assert_eq!(signing_key(last).as_deref(), Some(signer));
        // No region configured: the STS client falls back to us-east-1.
        assert!(
            last.header("authorization")
                .unwrap()
                .contains("/us-east-1/sts/")
        );
    }
}

#[test]
fn role_configuration_errors_are_botocores() {
    let sts = fake_sts(Arc::new(Mutex::new(T0)), 3600);
    let files = Files::new(
        "[profile both]\nrole_arn = r\nsource_profile = base\ncredential_source = Environment\n\
         [profile neither]\nrole_arn = r\n\
         [profile ghost]\nrole_arn = r\nsource_profile = nowhere\n\
         [profile badsource]\nrole_arn = r\ncredential_source = Keychain\n\
         [profile a]\nrole_arn = r\nsource_profile = b\n\
         [profile b]\nrole_arn = r\nsource_profile = a\n\
         [profile empty]\nrole_arn = r\nsource_profile = nothing\n[profile nothing]\nregion = x\n\
         [profile nocontainer]\nrole_arn = r\ncredential_source = EcsContainer\n\
         [profile denied]\nrole_arn = arn:aws:iam::123456789012:role/denied\nsource_profile = base\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n",
        "",
    );
    let shared = config(&files, &sts, None);
    let transport = Arc::new(LoopbackTransport::default());
    let s = |x: &str| x.to_string();
    let cases: Vec<(&str, ProviderError)> = vec![
        (
            "both",
            ConfigError::RoleSourceConflict { profile: s("both") }.into(),
        ),
        (
            "neither",
            ProviderError::MissingKey {
                source: "assume-role",
                key: s("source_profile or credential_source"),
            },
        ),
        (
            "ghost",
            ConfigError::SourceProfileNotFound {
                profile: s("ghost"),
                source_profile: s("nowhere"),
            }
            .into(),
        ),
        (
            "badsource",
            ConfigError::InvalidCredentialSource {
                profile: s("badsource"),
                source: s("Keychain"),
            }
            .into(),
        ),
        (
            "a",
            ConfigError::InfiniteLoop {
                source_profile: s("a"),
                visited: vec![s("a"), s("b")],
            }
            .into(),
        ),
        (
            "empty",
            ConfigError::SourceProfileWithoutCredentials {
                profile: s("nothing"),
            }
            .into(),
        ),
        (
            "nocontainer",
            ProviderError::CredentialSourceEmpty {
                source: s("EcsContainer"),
                profile: s("nocontainer"),
            },
        ),
        (
            "denied",
            ProviderError::Sts {
                operation: "AssumeRole",
                error: StsError::Service {
                    status: 403,
                    code: s("AccessDenied"),
                    message: s("not allowed"),
                },
            },
        ),
    ];
    for (profile, want) in cases {
        let p = AssumeRoleProvider::new(
            shared.clone(),
            profile,
            transport.clone(),
            TestClock::at(T0),
        );
        let got = block(p.load()).unwrap_err();
        println!("{profile}: {got}");
        assert_eq!(got, want, "{profile}");
    }
    let plain = AssumeRoleProvider::new(shared, "base", transport, TestClock::at(T0));
    assert!(!plain.is_configured());
    assert_eq!(block(plain.load()), Err(ProviderError::NotConfigured));
    println!("STS calls: {}", sts.calls.load(Ordering::SeqCst));
    assert_eq!(
        sts.calls.load(Ordering::SeqCst),
        1,
        "only `denied` reached STS"
    );
}

#[test]
fn web_identity_is_unsigned_and_reads_the_token_file() {
    let now = Arc::new(Mutex::new(T0));
    let sts = fake_sts(now.clone(), 1200);
    let files = Files::new(
        "[profile oidc]\nrole_arn = arn:aws:iam::123456789012:role/fromprofile\n\
         web_identity_token_file = PLACEHOLDER\n",
        "",
    );
    let token = files.write("token", "eyJ-first");
    let config_text = std::fs::read_to_string(files.path("config"))
        .unwrap()
        .replace("PLACEHOLDER", token.to_str().unwrap());
    files.write("config", &config_text);
    let transport = Arc::new(LoopbackTransport::default());
    let clock = TestClock::at(T0);

    // From the environment.
    let env = files
        .env()
        .with("AWS_ENDPOINT_URL_STS", sts.server.url())
        .with("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap())
        .with("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/fromenv")
        .with("AWS_ROLE_SESSION_NAME", "pod-1");
    let shared = Arc::new(SharedConfig::load(env.clone(), None).unwrap());
    let p = WebIdentityProvider::new(
        shared.clone(),
        "default",
        true,
        transport.clone(),
        clock.clone(),
    );
    let c = block(p.load()).unwrap();
    let seen = sts.server.seen();
    println!("web identity: {c:?}; request {:?}", seen[0].body_text());
    assert_eq!(
        seen[0].form("Action").as_deref(),
        Some("AssumeRoleWithWebIdentity")
    );
    assert_eq!(
        seen[0].form("WebIdentityToken").as_deref(),
        Some("eyJ-first")
    );
    assert_eq!(
        seen[0].form("RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/fromenv")
    );
    assert_eq!(seen[0].form("RoleSessionName").as_deref(), Some("pod-1"));
    assert!(seen[0].header("authorization").is_none(), "unsigned");

    // The token is read again at refresh (lifetime 20 min: inside the
    // advisory window after 6 minutes).
    files.write("token", "eyJ-second");
    clock.set(T0 + 6 * 60);
    *now.lock().unwrap() = T0 + 6 * 60;
    block(p.load()).unwrap();
    let seen = sts.server.seen();
    println!("refreshes: {}", seen.len() - 1);
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].form("WebIdentityToken").as_deref(),
        Some("eyJ-second")
    );

    // Environment ignored (explicit profile): the profile's keys.
    let p = WebIdentityProvider::new(
        shared.clone(),
        "oidc",
        false,
        transport.clone(),
        clock.clone(),
    );
    block(p.load()).unwrap();
    let last = sts.server.seen().pop().unwrap();
    assert_eq!(
        last.form("RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/fromprofile")
    );
    assert!(
        last.form("RoleSessionName")
            .unwrap()
            .starts_with("botocore-session-")
    );

    // A token file without a role, and a missing token file.
    let no_role = Arc::new(
        SharedConfig::load(
            files
                .env()
                .with("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
            None,
        )
        .unwrap(),
    );
    let p = WebIdentityProvider::new(no_role, "default", true, transport.clone(), clock.clone());
    assert_eq!(
        block(p.load()),
        Err(ProviderError::Config(
            ConfigError::WebIdentityWithoutRoleArn
        ))
    );
    let missing = Arc::new(
        SharedConfig::load(
            env.with("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"),
            None,
        )
        .unwrap(),
    );
    let p = WebIdentityProvider::new(missing, "default", true, transport.clone(), clock);
    let err = block(p.load()).unwrap_err();
    println!("missing token file: {err}");
    assert!(matches!(
        err,
        ProviderError::Sts {
            error: StsError::TokenFile { .. },
            ..
        }
    ));
    assert!(transport.refused.lock().unwrap().is_empty());
}

//! The default chain: botocore's order, an explicit profile dropping the
//! environment, a configured-but-broken source stopping the chain, the
//! winner kept, and the error naming every source when none has
//! credentials.

mod creds_support;

use std::sync::Arc;

use creds_support::*;
use stratus_core::credentials::{CredentialsError, ProvideCredentials};
use stratus_transport_std::config::SharedConfig;
use stratus_transport_std::credentials::{
    ChainOptions, DEFAULT_CHAIN, DefaultCredentialsChain, ProviderError,
};

fn chain(
    env: stratus_transport_std::config::Env,
    profile: Option<&str>,
) -> DefaultCredentialsChain<LoopbackTransport, TestClock> {
    let config = Arc::new(SharedConfig::load(env, profile).unwrap());
    DefaultCredentialsChain::new(
        config,
        Arc::new(LoopbackTransport::default()),
        TestClock::at(T0),
    )
    .unwrap()
}

#[test]
fn sources_are_asked_in_botocores_order() {
    let files = Files::new(
        "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n\
         [profile dev]\naws_access_key_id = AKIDCONFIGDEV\naws_secret_access_key = s\n",
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n",
    );
    let env_keys = files
        .env()
        .with("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with("AWS_SECRET_ACCESS_KEY", "s");
    let mut rows = Vec::new();
    for (label, env, profile, want) in [
        ("env wins", env_keys.clone(), None, ("env", "AKIDENV")),
        (
            "files",
            files.env(),
            None,
            ("shared-credentials-file", "AKIDFILE"),
        ),
        // AWS_PROFILE names the profile but keeps the environment source.
        (
            "AWS_PROFILE",
            env_keys.clone().with("AWS_PROFILE", "dev"),
            None,
            ("env", "AKIDENV"),
        ),
        // An explicit profile drops it.
        (
            "explicit",
            env_keys.clone(),
            Some("dev"),
            ("config-file", "AKIDCONFIGDEV"),
        ),
    ] {
        let c = chain(env, profile);
        let r = block(c.resolve()).unwrap();
        rows.push(format!(
            "{label}: {} {}",
            r.source,
            r.credentials.access_key_id()
        ));
        assert_eq!((r.source, r.credentials.access_key_id()), want, "{label}");
        assert_eq!(c.resolved_source(), Some(want.0));
    }
    println!("{}", rows.join("\n"));
    let explicit = chain(env_keys, Some("dev"));
    assert_eq!(explicit.names().collect::<Vec<_>>(), DEFAULT_CHAIN[1..]);
}

#[test]
fn none_found_names_every_source() {
    let files = Files::new("", "");
    let c = chain(files.env(), None);
    let err = block(c.resolve()).unwrap_err();
    println!("{err}");
    assert_eq!(
        err,
        ProviderError::NotFound {
            tried: DEFAULT_CHAIN.to_vec()
        }
    );
    assert_eq!(
        err.to_string(),
        "Unable to locate credentials (tried: env, assume-role, assume-role-with-web-identity, \
         shared-credentials-file, custom-process, config-file, container-role, iam-role)"
    );
    // Through the core's trait: the core's NotFound (six names and a count),
    // and the full error kept.
    let core = block(c.provide_credentials()).unwrap_err();
    println!("core: {core}");
    assert!(matches!(core, CredentialsError::NotFound { tried } if tried.len() == 8));
    assert_eq!(c.last_error(), Some(err));
}

#[test]
fn a_broken_source_stops_the_chain_and_the_winner_is_kept() {
    let files = Files::new(
        "[default]\ncredential_process = false\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n",
        "",
    );
    let c = chain(files.env(), None);
    let err = block(c.resolve()).unwrap_err();
    println!("broken process: {err}");
    assert!(matches!(err, ProviderError::Process(_)), "{err:?}");

    // The container source wins; later calls ask only it (its credentials
    // are cached), even once the environment would give others.
    let server = Server::start(|_| {
        Reply::new(
            200,
            format!(
                "{{\"AccessKeyId\":\"ASIACONT\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\"{}\"}}",
                iso(T0 + 3600)
            ),
        )
    });
    let files = Files::new("", "");
    let env = files
        .env()
        .with("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds");
    let config = Arc::new(SharedConfig::load(env, None).unwrap());
    let c = DefaultCredentialsChain::with_options(
        config,
        Arc::new(LoopbackTransport::default()),
        TestClock::at(T0),
        ChainOptions {
            container_base_url: Some(server.url()),
        },
    )
    .unwrap();
    for _ in 0..3 {
        let r = block(c.resolve()).unwrap();
        assert_eq!(
            (r.source, r.credentials.access_key_id()),
            ("container-role", "ASIACONT")
        );
    }
    println!("container requests for 3 calls: {}", server.seen().len());
    assert_eq!(server.seen().len(), 1);
    println!("{c:?}");
}

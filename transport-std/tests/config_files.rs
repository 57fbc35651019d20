//! The shared config on its own: file locations and `~` expansion, profile
//! selection, malformed files named by file and line, the NoRegion message,
//! and every field `client_config` fills.

mod creds_support;

use creds_support::*;
use stratus_core::client::AddressingStyle;
use stratus_core::retry::RetryMode;
use stratus_transport_std::config::ini::IniError;
use stratus_transport_std::config::{ConfigError, Env, SharedConfig};

#[test]
fn files_profiles_and_paths() {
    let files = Files::new(
        "[default]\nregion = us-west-1\n[profile a]\nregion = eu-west-3\n[profile b]\nregion = sa-east-1\n",
        "[a]\nregion = ap-east-1\n",
    );
    // `~` and `$VAR` expand from the given environment.
    let env = Env::from_pairs([
        ("HOME", s(files.dir.path())),
        ("AWS_CONFIG_FILE", "~/config".to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "$HOME/credentials".to_string(),
        ),
    ]);
    let mut rows = Vec::new();
    for (label, env, profile, want) in [
        ("default", env.clone(), None, "us-west-1"),
        // The credentials file's keys win over the config file's.
        (
            "AWS_PROFILE=a",
            env.clone().with("AWS_PROFILE", "a"),
            None,
            "ap-east-1",
        ),
        // botocore asks AWS_DEFAULT_PROFILE before AWS_PROFILE.
        (
            "both",
            env.clone()
                .with("AWS_PROFILE", "a")
                .with("AWS_DEFAULT_PROFILE", "b"),
            None,
            "sa-east-1",
        ),
        (
            "explicit",
            env.clone().with("AWS_PROFILE", "a"),
            Some("b"),
            "sa-east-1",
        ),
        (
            "AWS_DEFAULT_REGION",
            env.clone().with("AWS_DEFAULT_REGION", "ca-central-1"),
            Some("a"),
            "ca-central-1",
        ),
    ] {
        let c = SharedConfig::load(env, profile).unwrap();
        rows.push(format!(
            "{label}: {} from {}",
            c.region().unwrap(),
            c.config_path().display()
        ));
        assert_eq!(c.region().unwrap(), want, "{label}");
        assert_eq!(c.config_path(), files.path("config"));
    }
    println!("{}", rows.join("\n"));
    let missing = SharedConfig::load(env.with("AWS_PROFILE", "zzz"), None).unwrap();
    assert_eq!(
        missing.region(),
        Err(ConfigError::ProfileNotFound {
            profile: "zzz".into()
        })
    );
}

#[test]
fn no_region_says_where_to_set_one() {
    let files = Files::new("[profile dev]\noutput = json\n", "");
    let c = SharedConfig::load(files.env(), Some("dev")).unwrap();
    let err = c.region().unwrap_err();
    println!("{err}");
    let text = err.to_string();
    assert!(text.starts_with("You must specify a region."), "{text}");
    for part in [
        "--region",
        "AWS_DEFAULT_REGION",
        "region = ",
        "[profile dev]",
        "config",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    // A client config without a region is fine: the session's applies.
    assert_eq!(c.client_config("kinesis").unwrap().region, None);
}

#[test]
fn malformed_files_name_file_and_line() {
    for (config, credentials, file, line, want) in [
        (
            "[default]\nregion = x\nnot a setting\n",
            "",
            "config",
            3,
            IniError::NoDelimiter { line: 3 },
        ),
        (
            "",
            "aws_access_key_id = A\n",
            "credentials",
            1,
            IniError::MissingSectionHeader { line: 1 },
        ),
        (
            "[default]\ns3 =\n  addressing_style: path\n",
            "",
            "config",
            3,
            IniError::NestedNoEquals {
                line: 3,
                key: "s3".into(),
            },
        ),
    ] {
        let files = Files::new(config, credentials);
        let err = SharedConfig::load(files.env(), None).unwrap_err();
        println!("{err}");
        assert_eq!(
            err,
            ConfigError::Parse {
                path: files.path(file),
                line,
                error: want
            }
        );
        assert!(err.to_string().contains(&format!("line {line}")));
    }
}

#[test]
fn client_config_fields() {
    let files = Files::new(
        "[default]\nregion = fips-us-gov-west-1\nretry_mode = adaptive\nmax_attempts = 6\n\
         defaults_mode = mobile\nparameter_validation = false\n\
         request_min_compression_size_bytes = 2048\ndisable_request_compression = true\n\
         endpoint_url = http://127.0.0.1:1111\nservices = local\n\
         s3 =\n  addressing_style = path\n  use_accelerate_endpoint = true\n  use_dualstack_endpoint = true\n\
         [services local]\ns3 =\n  endpoint_url = http://127.0.0.1:2222\n",
        "",
    );
    let c = SharedConfig::load(files.env(), None).unwrap();
    let s3 = c.client_config("s3").unwrap();
    let kinesis = c.client_config("kinesis").unwrap();
    println!("s3: {s3:?}\nkinesis: {kinesis:?}");
    assert_eq!(s3.region.as_deref(), Some("us-gov-west-1"));
    assert!(s3.use_fips_endpoint, "a fips pseudo-region turns FIPS on");
    assert_eq!(s3.endpoint_url.as_deref(), Some("http://127.0.0.1:2222"));
    assert_eq!(
        kinesis.endpoint_url.as_deref(),
        Some("http://127.0.0.1:1111")
    );
    assert_eq!(
        (s3.retries.mode, s3.retries.max_attempts),
        (RetryMode::Adaptive, Some(6))
    );
    assert_eq!(s3.timeouts.connect_ms, 30_000, "mobile defaults mode");
    assert_eq!(s3.addressing_style, AddressingStyle::Path);
    assert!(s3.use_accelerate_endpoint && s3.use_dualstack_endpoint);
    assert!(
        !kinesis.use_dualstack_endpoint,
        "s3's dual-stack is S3's alone"
    );
    assert!(!s3.parameter_validation);
    assert_eq!(s3.request_min_compression_size_bytes, 2048);
    assert!(s3.disable_request_compression);

    let ignored = SharedConfig::load(
        files
            .env()
            .with("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        None,
    )
    .unwrap();
    assert_eq!(ignored.client_config("s3").unwrap().endpoint_url, None);
    let env_wins = SharedConfig::load(
        files
            .env()
            .with("AWS_ENDPOINT_URL", "http://127.0.0.1:3333")
            .with("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4444"),
        None,
    )
    .unwrap();
    assert_eq!(
        env_wins
            .client_config("s3")
            .unwrap()
            .endpoint_url
            .as_deref(),
        Some("http://127.0.0.1:4444")
    );
    assert_eq!(
        env_wins
            .client_config("kinesis")
            .unwrap()
            .endpoint_url
            .as_deref(),
        Some("http://127.0.0.1:3333")
    );

    let long = "x".repeat(300);
    files.write(
        "config",
        &format!("[default]\nendpoint_url = http://127.0.0.1/{long}\n"),
    );
    let c = SharedConfig::load(files.env(), None).unwrap();
    let err = c.client_config("kinesis").unwrap_err();
    println!("{err}");
    assert!(matches!(
        err,
        ConfigError::TooLong {
            setting: "endpoint_url",
            ..
        }
    ));
}

#[test]
fn debug_hides_secrets() {
    let files = Files::new(
        "[default]\naws_secret_access_key = SECRET-config\nregion = eu-west-1\n\
         s3 =\n  some_token = SECRET-nested\n",
        "[default]\naws_access_key_id = AKIDSHOWN\naws_session_token = SECRET-token\n",
    );
    let c = SharedConfig::load(files.env(), None).unwrap();
    let shown = format!("{c:?}");
    println!("{shown}");
    assert!(shown.contains("AKIDSHOWN") && shown.contains("eu-west-1"));
    assert!(!shown.contains("SECRET-"), "{shown}");
}

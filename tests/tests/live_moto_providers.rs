//! Credential providers against moto: assume-role from a profile
//! (`role_arn` + `source_profile`) through moto's STS, whose temporary
//! credentials moto then accepts, signature and session token checked; and
//! the default chain picking the environment's key for a real call. The other
//! providers (process, web identity, container, IMDSv2, IoT) run against the
//! small servers of `transport-std/tests/creds_*.rs`.

use std::sync::Arc;

use stratus_core::client::{Buffers, Client, ClientConfig};
use stratus_core::credentials::ProvideCredentials;
use stratus_core::format::SliceSink;
use stratus_tests::moto::Moto;
use stratus_transport_std::SystemClock;
use stratus_transport_std::config::{Env, SharedConfig};
use stratus_transport_std::credentials::{AssumeRoleProvider, DefaultCredentialsChain};
use stratus_transport_std::net::StdTransport;

const ROLE: &str = "arn:aws:iam::123456789012:role/stratus-device";

/// GetCallerIdentity with `creds` against moto; the caller's ARN.
fn caller_arn<C: ProvideCredentials>(moto: &Moto, transport: &StdTransport, creds: C) -> String {
    let config = ClientConfig::default()
        .region("us-east-1")
        .endpoint_url(&moto.endpoint);
    let client = Client::new(
        &stratus_models::sts::ENTRY,
        config,
        transport,
        creds,
        SystemClock,
    );
    let mut bufs = Box::new(Buffers::<8192, 16384>::new());
    let out = embassy_futures::block_on(client.call(
        "GetCallerIdentity",
        &stratus_core::client::test_support::Empty,
        bufs.workspace(),
    ))
    .unwrap_or_else(|e| panic!("GetCallerIdentity: {e}"));
    let mut json = [0u8; 2048];
    let mut sink = SliceSink::new(&mut json);
    out.write_json(&mut sink).unwrap();
    let n = sink.len();
    let v: serde_json::Value = serde_json::from_slice(&json[..n]).unwrap();
    v["Arn"].as_str().unwrap().to_string()
}

#[test]
fn assume_role_from_a_profile_through_moto_sts() {
    let moto = Moto::start().expect("moto starts");
    // The role, trusting the account, with a policy allowing everything.
    moto.python(&format!(
        "import boto3, json, os\n\
         iam = boto3.client('iam', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         trust = {{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Principal': {{'AWS': 'arn:aws:iam::123456789012:user/stratus'}}, 'Action': 'sts:AssumeRole'}}]}}\n\
         iam.create_role(RoleName='stratus-device', AssumeRolePolicyDocument=json.dumps(trust))\n\
         allow = {{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}}]}}\n\
         iam.put_role_policy(RoleName='stratus-device', PolicyName='all', PolicyDocument=json.dumps(allow))\n\
         print('{ROLE}')"
    ))
    .expect("role made");

    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    let config = dir.path().join("config");
    std::fs::write(
        &credentials,
        format!(
            "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            moto.access_key_id, moto.secret_access_key
        ),
    )
    .unwrap();
    std::fs::write(
        &config,
        format!(
            "[profile device]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = gateway-7\nregion = us-east-1\n\
             endpoint_url = {}\n",
            moto.endpoint
        ),
    )
    .unwrap();
    let env = Env::new()
        .with("AWS_CONFIG_FILE", config.to_string_lossy())
        .with("AWS_SHARED_CREDENTIALS_FILE", credentials.to_string_lossy())
        .with("AWS_EC2_METADATA_DISABLED", "true");
    let shared = Arc::new(SharedConfig::load(env.clone(), Some("device")).unwrap());
    let transport = Arc::new(StdTransport::new().unwrap());
    let provider =
        AssumeRoleProvider::new(shared.clone(), "device", transport.clone(), SystemClock);
    let assumed =
        embassy_futures::block_on(provider.load()).unwrap_or_else(|e| panic!("{e} ({e:?})"));
    assert!(assumed.session_token().is_some());
    assert_ne!(assumed.access_key_id(), moto.access_key_id);

    // moto accepts the temporary key and its token: the caller is the role.
    let arn = caller_arn(&moto, &transport, &provider);
    assert!(
        arn.ends_with(":assumed-role/stratus-device/gateway-7"),
        "{arn}"
    );
    // The base key itself is the IAM user.
    let chain_env = env
        .clone()
        .with("AWS_ACCESS_KEY_ID", &moto.access_key_id)
        .with("AWS_SECRET_ACCESS_KEY", &moto.secret_access_key);
    let chain_config = Arc::new(SharedConfig::load(chain_env, None).unwrap());
    let chain = DefaultCredentialsChain::new(chain_config, transport.clone(), SystemClock).unwrap();
    let user = caller_arn(&moto, &transport, &chain);
    assert!(user.ends_with(":user/stratus"), "{user}");
    assert_eq!(chain.resolved_source(), Some("env"));
    println!("assume-role via moto STS: {arn}; default chain from the environment: {user}");
}

//! What the firmware is built for, read from the environment at build time
//! (`option_env!`), e.g.
//! `STRATUS_AWS_ACCESS_KEY_ID=… STRATUS_AWS_SECRET_ACCESS_KEY=… cargo run --release`.
//! The keys are only handed to the credential provider, never logged.

/// `STRATUS_AWS_ACCESS_KEY_ID`; without it (or the secret) the firmware
/// reports the missing keys and sends nothing.
pub const ACCESS_KEY_ID: Option<&str> = option_env!("STRATUS_AWS_ACCESS_KEY_ID");
/// `STRATUS_AWS_SECRET_ACCESS_KEY`.
pub const SECRET_ACCESS_KEY: Option<&str> = option_env!("STRATUS_AWS_SECRET_ACCESS_KEY");
/// `STRATUS_AWS_SESSION_TOKEN`, for temporary keys.
pub const SESSION_TOKEN: Option<&str> = option_env!("STRATUS_AWS_SESSION_TOKEN");

/// `STRATUS_AWS_REGION`, `us-east-1` by default.
pub const REGION: &str = or(option_env!("STRATUS_AWS_REGION"), "us-east-1");
/// `STRATUS_KINESIS_STREAM`: the stream `PutRecord` writes to.
pub const STREAM: &str = or(option_env!("STRATUS_KINESIS_STREAM"), "stratus-demo");
/// `STRATUS_IOT_TOPIC`: the MQTT topic `Publish` posts to.
pub const TOPIC: &str = or(option_env!("STRATUS_IOT_TOPIC"), "stratus/demo/temperature");
/// `STRATUS_IOT_DATA_ENDPOINT`: the account's data endpoint
/// (`https://<prefix>-ats.iot.<region>.amazonaws.com`, from
/// `aws iot describe-endpoint --endpoint-type iot:Data-ATS`); without it the
/// endpoint rules' default host is used.
pub const IOT_DATA_ENDPOINT: Option<&str> = option_env!("STRATUS_IOT_DATA_ENDPOINT");
/// `STRATUS_KINESIS_ENDPOINT`: another Kinesis endpoint (`http://` too, e.g.
/// a local stand-in for AWS).
pub const KINESIS_ENDPOINT: Option<&str> = option_env!("STRATUS_KINESIS_ENDPOINT");

const fn or(value: Option<&'static str>, default: &'static str) -> &'static str {
    match value {
        Some(v) => v,
        None => default,
    }
}

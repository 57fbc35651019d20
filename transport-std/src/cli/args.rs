//! The command line, as `clap` reads it.

use std::fmt;
use std::path::PathBuf;

use clap::{ArgAction, Parser};

/// `stratus [OPTIONS] <service> <operation>`: what the command line asked.
///
/// `--help` is the CLI's own flag (not clap's), so that
/// `stratus <service> <operation> --help` can describe the operation's input.
///
/// ```
/// use clap::Parser;
/// use stratus_transport_std::cli::Args;
/// let args = Args::try_parse_from(["stratus", "kinesis", "put-record", "--region", "us-east-1",
///     "--input", r#"{"StreamName":"s"}"#, "--dry-run"]).unwrap();
/// assert_eq!(args.service.as_deref(), Some("kinesis"));
/// assert_eq!(args.operation.as_deref(), Some("put-record"));
/// assert!(args.dry_run && !args.debug);
/// ```
#[derive(Parser, Clone, Default)]
#[command(
    name = "stratus",
    version,
    about = "Call AWS services through stratus's pipeline (botocore's behaviour, compiled in).",
    disable_help_flag = true,
    after_help = "`stratus <service>` lists the service's operations and waiters; \
                  `stratus <service> <operation> --help` lists its input members; \
                  `stratus <service> wait <waiter> --input JSON` waits (exit 255 when the waiter fails)."
)]
pub struct Args {
    /// The region to call (else AWS_DEFAULT_REGION, else the profile's `region`;
    /// botocore does not read AWS_REGION).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Send to this URL instead of the endpoint the rules resolve (else
    /// `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`).
    #[arg(long = "endpoint-url", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The shared-config profile to use (else AWS_PROFILE; named explicitly, it
    /// turns off the environment's credentials, as botocore's).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// PEM file of CA certificates to trust instead of the built-in roots
    /// (else AWS_CA_BUNDLE, else the profile's `ca_bundle`).
    #[arg(long = "ca-bundle", value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,
    /// Write each event of the call to stderr (`event: before-call.kinesis.PutRecord`).
    #[arg(long)]
    pub debug: bool,
    /// The operation's parameters as JSON (botocore's names; blobs as base64,
    /// timestamps as ISO 8601 or epoch seconds), or `@FILE` to read them from FILE.
    #[arg(long, value_name = "JSON|@FILE", allow_hyphen_values = true)]
    pub input: Option<String>,
    /// Follow the operation's paginator and print every page's results
    /// merged (botocore's `build_full_result`, as the aws CLI).
    #[arg(long)]
    pub paginate: bool,
    /// With --paginate: stop after this many items (a `NextToken` resumes).
    #[arg(long = "max-items", value_name = "N", requires = "paginate")]
    pub max_items: Option<usize>,
    /// With --paginate: items per call (into the paginator's limit key).
    #[arg(long = "page-size", value_name = "N", requires = "paginate")]
    pub page_size: Option<u32>,
    /// With --paginate: resume from a `NextToken` printed before.
    #[arg(long = "starting-token", value_name = "TOKEN", requires = "paginate")]
    pub starting_token: Option<String>,
    /// With `wait`: seconds between attempts (else the waiter's delay).
    #[arg(long, value_name = "SECONDS")]
    pub delay: Option<f64>,
    /// With `wait`: attempts before giving up (else the waiter's).
    #[arg(long = "max-attempts", value_name = "N")]
    pub max_attempts: Option<u32>,
    /// Print the signed request as HTTP/1.1 bytes and send nothing (the
    /// bytes hold the session token when the credentials have one).
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Sign at this time instead of now (with --dry-run), e.g. 20261122T080000Z.
    #[arg(
        long = "signing-time",
        value_name = "YYYYMMDDTHHMMSSZ",
        requires = "dry_run"
    )]
    pub signing_time: Option<String>,
    /// Print help (with a service and an operation: the operation's input members).
    #[arg(short = 'h', long = "help", action = ArgAction::SetTrue)]
    pub help: bool,
    /// The service as botocore names it (`kinesis`, `iot-data`).
    #[arg(value_name = "SERVICE")]
    pub service: Option<String>,
    /// The operation: `PutRecord`, `put-record` or `put_record`; or `wait`.
    #[arg(value_name = "OPERATION")]
    pub operation: Option<String>,
    /// After `wait`: the waiter, `table-exists` or `TableExists`.
    #[arg(value_name = "WAITER")]
    pub waiter: Option<String>,
}

impl fmt::Debug for Args {
    // The input may hold secrets: say only how long it is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Args")
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("profile", &self.profile)
            .field("ca_bundle", &self.ca_bundle)
            .field("debug", &self.debug)
            .field("input_bytes", &self.input.as_ref().map(String::len))
            .field("paginate", &self.paginate)
            .field("max_items", &self.max_items)
            .field("page_size", &self.page_size)
            .field("starting_token", &self.starting_token.is_some())
            .field("delay", &self.delay)
            .field("max_attempts", &self.max_attempts)
            .field("waiter", &self.waiter)
            .field("dry_run", &self.dry_run)
            .field("signing_time", &self.signing_time)
            .field("help", &self.help)
            .field("service", &self.service)
            .field("operation", &self.operation)
            .finish()
    }
}

/// The help text of the bare command (usage and options).
pub fn usage() -> String {
    use clap::CommandFactory;
    Args::command().render_help().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_input() {
        let args = Args {
            input: Some(r#"{"SecretString":"hunter2"}"#.into()),
            ..Args::default()
        };
        let text = format!("{args:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("input_bytes: Some(26)"), "{text}");
    }

    #[test]
    fn signing_time_needs_dry_run() {
        let err = Args::try_parse_from([
            "stratus",
            "sts",
            "get-caller-identity",
            "--signing-time",
            "x",
        ])
        .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }
}

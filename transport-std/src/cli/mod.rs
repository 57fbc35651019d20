//! The `stratus` command line: call any compiled-in operation with botocore's
//! parameters as JSON, through the same pipeline as every other stratus call.
//!
//! ```text
//! stratus [--region R] [--endpoint-url URL] [--profile P] [--ca-bundle FILE] [--debug]
//!         <service> <operation> [--input JSON | --input @FILE] [--paginate]
//!         [--dry-run [--signing-time YYYYMMDDTHHMMSSZ]]
//! ```
//!
//! * `stratus <service>` lists the operations (CLI names);
//!   `stratus <service> <operation> --help` lists the input members, their
//!   types, which are required and (REST protocols) where each travels.
//! * `--input` is botocore's parameters as JSON (blobs as base64 text,
//!   timestamps as ISO 8601 or epoch seconds), read by
//!   [`JsonInput`] and handed to
//!   [`Client::call`](stratus_core::client::Client::call): the dynamic face
//!   of the one engine.
//! * The result is printed as JSON (4-space indent; blobs base64, timestamps
//!   ISO 8601 as the aws CLI prints them). A service error prints botocore's
//!   `An error occurred (<Code>) when calling the <Operation> operation:
//!   <Message>` to stderr and exits [`EXIT_SERVICE_ERROR`] (254, as the aws
//!   CLI); any other failure exits [`EXIT_OTHER_ERROR`] (255).
//! * `--dry-run` runs the whole pipeline (endpoint, serializer, events,
//!   SigV4) with a transport that writes the signed request as HTTP/1.1
//!   bytes to stdout and sends nothing; `--signing-time` fixes the clock.
//! * `--debug` writes one `event: <name>` line to stderr per event.
//!
//! The std pieces plug in at one place each ([`plug`]).
//!
//! ```
//! # #[cfg(feature = "services")] {
//! use stratus_transport_std::cli::{run_from, EXIT_SERVICE_ERROR};
//! use stratus_transport_std::config::Env;
//! let env = Env::from_pairs([
//!     ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
//!     ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
//!     ("AWS_CONFIG_FILE", "/nonexistent"),
//!     ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
//!     ("AWS_EC2_METADATA_DISABLED", "true"),
//! ]);
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//! let code = run_from(
//!     ["stratus", "sts", "get-caller-identity", "--region", "us-east-1", "--dry-run",
//!      "--signing-time", "20261122T080000Z"],
//!     &mut out, &mut err, &env,
//! );
//! assert_eq!(code, 0);
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.starts_with("POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded"));
//! assert!(text.contains("Credential=AKIDEXAMPLE/20261122/us-east-1/sts/aws4_request"));
//! assert!(text.ends_with("\r\n\r\nAction=GetCallerIdentity&Version=2011-06-15"));
//! # let _ = EXIT_SERVICE_ERROR;
//! # }
//! ```

pub mod args;
pub mod catalog;
pub mod plug;

use std::cell::RefCell;
use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};

use stratus_core::client::{CallError, CallOutput, Event, HeapBuffers, Order, Session};
use stratus_core::format::json::{InputError, InputErrorKind, InputSlots, JsonInput};
use stratus_core::model::{NoMembers, Operation, StructValue};
use stratus_core::protocol::parse::TimestampStyle;
use stratus_core::protocol::serialize::SerializeError;

pub use args::Args;

use crate::config::Env;

/// Exit code of a call that succeeded (and of listings and help).
pub const EXIT_OK: u8 = 0;
/// Exit code when the service answered with an error (the aws CLI's 254).
pub const EXIT_SERVICE_ERROR: u8 = 254;
/// Exit code of every other failure (the aws CLI's catch-all 255).
pub const EXIT_OTHER_ERROR: u8 = 255;

/// Nodes (structures, lists, maps, escaped strings) an `--input` may hold.
pub const INPUT_SLOTS: usize = 4096;
/// Bytes kept for a response (body and headers).
pub const RESPONSE_BYTES: usize = 32 << 20;

/// Why the CLI could not do what was asked. Each variant's text says what to
/// change; none holds a secret.
#[derive(Debug)]
pub enum CliError {
    /// The command line did not parse (clap's message).
    Usage(String),
    /// No compiled-in service has this name.
    UnknownService {
        /// The name given.
        name: String,
        /// The nearest service names.
        near: Vec<&'static str>,
    },
    /// The service has no operation of this name.
    UnknownOperation {
        /// The service.
        service: &'static str,
        /// The name given.
        name: String,
        /// The nearest operations (CLI names).
        near: Vec<&'static str>,
    },
    /// `--input @FILE` could not be read.
    InputFile {
        /// The file named.
        path: String,
        /// Why.
        error: io::Error,
    },
    /// `--input` is not valid for the operation's input shape.
    Input {
        /// What is wrong and where.
        error: InputError,
        /// The text at the error's offset (cut short).
        near: String,
        /// `stratus <service> <operation> --help`, which lists the members.
        help: String,
    },
    /// `--input` gives members to an operation that takes none.
    NoInput {
        /// The operation.
        operation: &'static str,
    },
    /// A flag whose feature is not built yet.
    NotSupported(&'static str),
    /// A setting (region, endpoint URL, signing time, …) is invalid.
    Setting(String),
    /// No credentials could be found (the chain's full reason).
    Credentials(String),
    /// The call failed before or without a service answer.
    Call(String),
    /// The service answered with an error (botocore's `ClientError`).
    Service {
        /// The error code (`Unknown` when the response names none).
        code: String,
        /// The message (`Unknown` when the response has none).
        message: String,
        /// The operation called.
        operation: &'static str,
        /// Retries made before giving up (0: one attempt).
        retries: u32,
    },
    /// A waiter ended without success (the aws CLI's `Waiter … failed: …`).
    Waiter {
        /// botocore's waiter name (`TableExists`).
        name: &'static str,
        /// botocore's reason.
        reason: String,
    },
    /// The result could not be written as JSON.
    Output(String),
    /// Writing to stdout failed.
    Io(io::Error),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Service { .. } => EXIT_SERVICE_ERROR,
            _ => EXIT_OTHER_ERROR,
        }
    }
}

fn did_you_mean(f: &mut fmt::Formatter<'_>, near: &[&str]) -> fmt::Result {
    if !near.is_empty() {
        write!(f, "; did you mean {}?", near.join(", "))?;
    }
    Ok(())
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(text) => f.write_str(text.trim_end()),
            CliError::UnknownService { name, near } => {
                write!(f, "unknown service {name:?}")?;
                did_you_mean(f, near)?;
                f.write_str(" (`stratus --help` lists the services)")
            }
            CliError::UnknownOperation {
                service,
                name,
                near,
            } => {
                write!(f, "{service} has no operation {name:?}")?;
                did_you_mean(f, near)?;
                write!(f, " (`stratus {service}` lists its operations)")
            }
            CliError::InputFile { path, error } => {
                write!(f, "cannot read --input file {path:?}: {error}")
            }
            CliError::Input { error, near, help } => {
                write!(f, "--input: {error}")?;
                if !near.is_empty() {
                    write!(f, ", near {near:?}")?;
                }
                if error.kind == InputErrorKind::UnknownMember {
                    write!(f, " (`{help}` lists the members)")?;
                }
                Ok(())
            }
            CliError::NoInput { operation } => {
                write!(
                    f,
                    "--input: {operation} takes no parameters; give {{}} or no --input"
                )
            }
            CliError::NotSupported(what) => write!(f, "{what}: not supported yet"),
            CliError::Setting(text) => f.write_str(text),
            CliError::Credentials(e) => f.write_str(e),
            CliError::Call(text) => f.write_str(text),
            CliError::Service {
                code,
                message,
                operation,
                retries,
            } => {
                // botocore's ClientError text.
                write!(
                    f,
                    "An error occurred ({code}) when calling the {operation} operation"
                )?;
                if *retries > 0 {
                    write!(f, " (reached max retries: {retries})")?;
                }
                write!(f, ": {message}")
            }
            CliError::Waiter { name, reason } => write!(f, "Waiter {name} failed: {reason}"),
            CliError::Output(text) => write!(f, "cannot write the result as JSON: {text}"),
            CliError::Io(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

impl std::error::Error for CliError {}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Io(e)
    }
}

/// The binary's `main`: the process's arguments, stdout, stderr and
/// environment.
pub fn main() -> std::process::ExitCode {
    let stdout = io::stdout();
    let stderr = io::stderr();
    let code = run_from(
        std::env::args_os(),
        &mut stdout.lock(),
        &mut stderr.lock(),
        &Env::process(),
    );
    std::process::ExitCode::from(code)
}

/// Runs the command line `argv` (program name first), writing results to
/// `out` and messages to `err`, reading variables through `env`; returns the
/// exit code. Errors are printed to `err` (service errors verbatim, others
/// after `stratus: error: `).
pub fn run_from<I, T>(argv: I, out: &mut dyn Write, err: &mut dyn Write, env: &Env) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::Parser;
    let args = match Args::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = write!(out, "{}", e.render());
                return EXIT_OK;
            }
            let _ = write!(err, "{}", e.render());
            return EXIT_OTHER_ERROR;
        }
    };
    match run(&args, out, err, env) {
        Ok(()) => EXIT_OK,
        Err(e @ (CliError::Service { .. } | CliError::Waiter { .. })) => {
            let _ = writeln!(err, "{e}");
            e.exit_code()
        }
        Err(e) => {
            let _ = writeln!(err, "stratus: error: {e}");
            e.exit_code()
        }
    }
}

/// Runs parsed `args`. Listings, help, results and dry-run requests go to
/// `out`; `--debug` event lines to `err`.
pub fn run(
    args: &Args,
    out: &mut dyn Write,
    err: &mut dyn Write,
    env: &Env,
) -> Result<(), CliError> {
    let Some(service_name) = args.service.as_deref() else {
        write!(out, "{}", args::usage())?;
        writeln!(out, "\nServices:")?;
        write!(out, "{}", catalog::list_services())?;
        return Ok(());
    };
    let entry = catalog::service(service_name)?;
    let Some(op_name) = args.operation.as_deref() else {
        write!(out, "{}", catalog::list_operations(entry))?;
        write!(out, "{}", catalog::list_waiters(entry))?;
        return Ok(());
    };
    let (op, mode) = if op_name == "wait" {
        let Some(name) = args.waiter.as_deref() else {
            write!(out, "{}", catalog::list_waiters(entry).trim_start())?;
            return Ok(());
        };
        let waiter = catalog::waiter(entry, name)?;
        let op = entry
            .model
            .operation(waiter.operation)
            .ok_or_else(|| CliError::Call(format!("{} is not compiled in", waiter.operation)))?;
        (op, Mode::Wait(waiter))
    } else {
        if let Some(extra) = &args.waiter {
            return Err(CliError::Usage(format!("unexpected argument {extra:?}")));
        }
        let op = catalog::operation(entry, op_name)?;
        let mode = if args.paginate {
            let paginator = stratus_models::paginators(entry.model.name)
                .unwrap_or(&[])
                .iter()
                .find(|p| p.operation == op.name)
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "--paginate: {} {} has no paginator",
                        entry.model.name, op.cli_name
                    ))
                })?;
            Mode::Paginate(paginator)
        } else {
            Mode::Once
        };
        (op, mode)
    };
    if args.help {
        write!(out, "{}", catalog::describe_operation(entry, op))?;
        return Ok(());
    }
    if !matches!(mode, Mode::Once) && args.dry_run {
        return Err(CliError::NotSupported(
            "--dry-run with --paginate or wait (each sends several requests)",
        ));
    }
    let text = read_input(args.input.as_deref())?;
    call(args, entry, op, mode, &text, out, err, env)
}

/// What `call` does with the operation.
#[derive(Clone, Copy)]
enum Mode {
    /// One call, its result printed.
    Once,
    /// Every page, the full result printed.
    Paginate(&'static stratus_core::paginate::Paginator),
    /// The waiter, nothing printed on success.
    Wait(&'static stratus_core::waiter::Waiter),
}

/// The `--input` text: inline, `@FILE`, or `{}` when absent.
fn read_input(input: Option<&str>) -> Result<String, CliError> {
    match input {
        None => Ok("{}".into()),
        Some(s) => match s.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path).map_err(|error| CliError::InputFile {
                path: path.to_string(),
                error,
            }),
            None => Ok(s.to_string()),
        },
    }
}

/// Up to 40 characters of `text` from byte `offset`.
fn text_near(text: &str, offset: usize) -> String {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text.get(at..)
        .unwrap_or("")
        .chars()
        .take(40)
        .collect::<String>()
}

/// The buffers one call borrows, sized for `input_len` bytes of input:
/// four times the core's header, URL and scratch room.
fn call_buffers(input_len: usize) -> HeapBuffers {
    // Escaping (XML entities, percent-encoding) can grow the input; base64
    // blobs shrink.
    let request = 64 * 1024 + input_len.saturating_mul(4);
    HeapBuffers::new(request, RESPONSE_BYTES).with_head_room(4)
}

/// Runs one call and prints its result (or its captured request), or runs
/// the paginator or waiter of `mode`.
#[allow(clippy::too_many_arguments)]
fn call(
    args: &Args,
    entry: &'static stratus_core::client::ServiceEntry,
    op: &'static Operation,
    mode: Mode,
    text: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
    env: &Env,
) -> Result<(), CliError> {
    let model = entry.model;
    let help = format!("stratus {} {} --help", model.name, op.cli_name);
    let slots: Box<InputSlots<'_, INPUT_SLOTS>> = Box::new(InputSlots::new());
    let mut input_scratch = vec![0u8; text.len() + 16];
    let json_input;
    let takes_input = model
        .input_of(op)
        .is_some_and(|shape| !shape.members().is_empty());
    let input: &dyn StructValue = match op.input {
        Some(shape) if takes_input => {
            json_input = JsonInput::new(text, model, shape, &slots, &mut input_scratch).map_err(
                |error| CliError::Input {
                    error,
                    near: text_near(text, error.offset),
                    help: help.clone(),
                },
            )?;
            &json_input
        }
        _ => {
            let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            if !squashed.is_empty() && squashed != "{}" {
                return Err(CliError::NoInput { operation: op.name });
            }
            &NoMembers
        }
    };

    let settings = plug::settings(args, model.name, env)?;
    let network = plug::network(&settings)?;
    let credentials = plug::credentials(&settings, network.clone())?;
    let transport = plug::transport(&settings, &network);
    let clock = plug::clock(&settings);

    let err = RefCell::new(err);
    let debug = |e: &mut Event<'_, '_>| {
        let _ = writeln!(err.borrow_mut(), "event: {}", e.name);
    };
    let mut session = Session::new(stratus_models::CATALOG, credentials)
        .with_partitions(&stratus_models::PARTITIONS)
        .with_config(settings.config.clone())
        .with_profile(settings.shared.profile_name());
    if let Some(r) = &settings.config.region {
        session = session.with_region(r);
    }
    if args.debug {
        session
            .register("*", &debug, Order::Normal, None)
            .map_err(|e| CliError::Call(format!("cannot register the --debug handler: {e}")))?;
    }
    let client = session
        .client_for(entry, settings.config.clone(), &transport, &clock)
        .map_err(|e| CliError::Call(format!("cannot make a {} client: {e}", model.name)))?;
    match mode {
        Mode::Once => {}
        Mode::Paginate(paginator) => return paginate(args, &client, paginator, op, text, out),
        Mode::Wait(waiter) => {
            let delay = match args.delay {
                Some(d) if d.is_finite() && d >= 0.0 => Some(std::time::Duration::from_secs_f64(d)),
                Some(d) => {
                    return Err(CliError::Setting(format!(
                        "--delay {d}: not a number of seconds"
                    )));
                }
                None => None,
            };
            return match crate::pages::wait(&client, waiter, text, delay, args.max_attempts) {
                Ok(_) => Ok(()),
                Err(e) => Err(wait_error(waiter, e)),
            };
        }
    }
    let mut bufs = call_buffers(text.len());
    let result = embassy_futures::block_on(client.call(op.name, input, bufs.workspace()));

    if let Some(captured) = transport.captured() {
        let bytes = captured
            .map_err(|e| CliError::Call(format!("cannot write the request as HTTP/1.1: {e}")))?;
        out.write_all(&bytes)?;
        out.flush()?;
        return Ok(());
    }
    match result {
        Ok(output) => print_output(&output, out),
        Err(CallError::Credentials(e)) => Err(CliError::Credentials(
            session
                .credentials()
                .last_error()
                .map_or_else(|| e.to_string(), |full| full.to_string()),
        )),
        Err(CallError::NoRegion) => Err(CliError::Setting(match settings.shared.region() {
            Err(e) => e.to_string(),
            Ok(_) => CallError::NoRegion.to_string(),
        })),
        Err(e) => Err(call_error(e, op)),
    }
}

/// Runs `paginator` and prints botocore's full result.
fn paginate<T, C, K>(
    args: &Args,
    client: &stratus_core::client::Client<'_, T, C, K>,
    paginator: &'static stratus_core::paginate::Paginator,
    op: &'static Operation,
    text: &str,
    out: &mut dyn Write,
) -> Result<(), CliError>
where
    T: stratus_core::client::Transport,
    C: stratus_core::credentials::ProvideCredentials,
    K: stratus_core::time::Clock + stratus_core::client::Timer,
{
    use crate::pages::PagesError;
    let config = stratus_core::paginate::PaginationConfig {
        max_items: args.max_items,
        page_size: args.page_size,
        starting_token: args.starting_token.as_deref(),
    };
    let result =
        crate::pages::full_result(client, paginator, text, &config).map_err(|e| match e {
            PagesError::Service { code, message } => CliError::Service {
                code,
                message,
                operation: op.name,
                retries: 0,
            },
            PagesError::Call(text) => CliError::Call(text),
            other => CliError::Call(format!("--paginate: {other}")),
        })?;
    let compact = serde_json::to_string(&result).map_err(|e| CliError::Output(e.to_string()))?;
    if compact != "{}" {
        writeln!(out, "{}", indent_json(&compact))?;
    }
    out.flush()?;
    Ok(())
}

/// A failed wait as the aws CLI reports it (botocore's `WaiterError`).
fn wait_error(
    waiter: &'static stratus_core::waiter::Waiter,
    e: crate::pages::PagesError,
) -> CliError {
    use crate::pages::PagesError;
    use stratus_core::waiter::WaitError;
    let explain = |i: usize| {
        waiter
            .acceptors
            .get(i)
            .map(|a| a.explanation().to_string())
            .unwrap_or_default()
    };
    let reason = match e {
        PagesError::Wait(WaitError::FailureState { acceptor }) => format!(
            "Waiter encountered a terminal failure state: {}",
            explain(acceptor)
        ),
        PagesError::Wait(WaitError::MaxAttempts { explain: None, .. }) => {
            "Max attempts exceeded".to_string()
        }
        PagesError::Wait(WaitError::MaxAttempts {
            explain: Some(i), ..
        }) => format!(
            "Max attempts exceeded. Previously accepted state: {}",
            explain(i)
        ),
        PagesError::Service { code, message } => format!("An error occurred ({code}): {message}"),
        PagesError::Call(text) => return CliError::Call(text),
        other => return CliError::Call(format!("wait: {other}")),
    };
    CliError::Waiter {
        name: waiter.name,
        reason,
    }
}

/// The result as JSON, indented; nothing for an empty result (as the aws CLI).
fn print_output(output: &CallOutput<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let mut sink = plug::VecSink::default();
    output
        .write_json_styled(&mut sink, TimestampStyle::Iso8601)
        .map_err(|e| CliError::Output(e.to_string()))?;
    let compact = String::from_utf8(sink.0)
        .map_err(|_| CliError::Output("the JSON writer gave invalid UTF-8".into()))?;
    if compact == "{}" {
        return Ok(());
    }
    writeln!(out, "{}", indent_json(&compact))?;
    out.flush()?;
    Ok(())
}

/// A failed call as a [`CliError`], the service's error text included.
fn call_error(e: CallError<'_>, op: &'static Operation) -> CliError {
    match e {
        CallError::Service(output) => {
            let (code, message) = crate::pages::service_error_text(&output);
            CliError::Service {
                code,
                message,
                operation: op.name,
                retries: output.attempts().saturating_sub(1),
            }
        }
        CallError::Credentials(c) => CliError::Credentials(c.to_string()),
        CallError::Serialize(SerializeError::Invalid(v)) => {
            CliError::Call(format!("parameter validation failed: {v}"))
        }
        CallError::Serialize(SerializeError::BufferFull) => CliError::Call(
            "the serialized request does not fit its buffer (the input is too large)".into(),
        ),
        CallError::Transport { error, attempts } => CliError::Call(format!(
            "could not send the request: {error} (after {attempts} attempt{})",
            if attempts == 1 { "" } else { "s" }
        )),
        other => CliError::Call(other.to_string()),
    }
}

/// Re-indents compact JSON text as Python's `json.dumps(indent=4)` lays it
/// out (the aws CLI's output): one member or item per line, `": "` after
/// keys, `{}` and `[]` kept whole. Strings and numbers are copied as they are.
pub fn indent_json(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("    ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_as_python() {
        let compact = r#"{"A":[1,{"B":"x,:{}"},[]],"C":{},"D":"q\"}"}"#;
        let want = "{\n    \"A\": [\n        1,\n        {\n            \"B\": \"x,:{}\"\n        },\n        []\n    ],\n    \"C\": {},\n    \"D\": \"q\\\"}\"\n}";
        assert_eq!(indent_json(compact), want);
    }

    #[test]
    fn text_near_respects_char_boundaries() {
        assert_eq!(text_near("aé b", 2), "é b");
        assert_eq!(text_near("abc", 10), "");
    }

    #[test]
    fn service_error_text_is_botocores() {
        let e = CliError::Service {
            code: "ResourceNotFoundException".into(),
            message: "Stream s not found".into(),
            operation: "PutRecord",
            retries: 0,
        };
        assert_eq!(
            e.to_string(),
            "An error occurred (ResourceNotFoundException) when calling the PutRecord operation: Stream s not found"
        );
        assert_eq!(e.exit_code(), EXIT_SERVICE_ERROR);
    }
}

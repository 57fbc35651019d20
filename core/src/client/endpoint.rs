//! Endpoint resolution for one call: the built-ins from the client's config,
//! the operation's static and input-bound context parameters, the rule set,
//! and the URL split into what the request needs.

use core::fmt;

use super::config::{AddressingStyle, ClientConfig, ENDPOINT_URL_CAPACITY, REGION_CAPACITY};
use crate::endpoint::{self, EvalError, Outcome, ParamValue, Partitions, RuleSet};
use crate::model::{ContextValue, Operation, Shape, StructValue, Value};

/// The endpoint built-ins botocore computes per client
/// (`compute_endpoint_resolver_builtin_defaults`); `before-endpoint-resolution`
/// handlers may change them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Builtins {
    /// `AWS::Region`.
    pub region: Option<heapless::String<REGION_CAPACITY>>,
    /// `AWS::UseFIPS`.
    pub use_fips: bool,
    /// `AWS::UseDualStack`.
    pub use_dual_stack: bool,
    /// `SDK::Endpoint`.
    pub endpoint: Option<heapless::String<ENDPOINT_URL_CAPACITY>>,
    /// `AWS::S3::ForcePathStyle`.
    pub force_path_style: bool,
    /// `AWS::S3::Accelerate`.
    pub accelerate: bool,
    /// `AWS::STS::UseGlobalEndpoint` (botocore's default `regional`: false).
    pub sts_use_global_endpoint: bool,
    /// `AWS::S3::UseGlobalEndpoint` (botocore's `legacy` default: true in
    /// `us-east-1`).
    pub s3_use_global_endpoint: bool,
    /// `AWS::S3::UseArnRegion` (default true).
    pub s3_use_arn_region: bool,
    /// `AWS::S3Control::UseArnRegion` (default false).
    pub s3control_use_arn_region: bool,
    /// `AWS::S3::DisableMultiRegionAccessPoints`.
    pub s3_disable_mrap: bool,
}

impl Builtins {
    /// The built-ins for `config`, as botocore derives them.
    pub fn from_config(config: &ClientConfig) -> Self {
        let endpoint = config.endpoint_url.clone();
        let force_path_style = if config.use_accelerate_endpoint {
            false
        } else if endpoint.is_some() {
            config.addressing_style != AddressingStyle::Virtual
        } else {
            config.addressing_style == AddressingStyle::Path
        };
        let region = config.region.clone();
        let s3_global = matches!(region.as_deref(), None | Some("us-east-1"));
        Builtins {
            use_fips: endpoint.is_none() && config.use_fips_endpoint,
            use_dual_stack: endpoint.is_none() && config.use_dualstack_endpoint,
            region,
            endpoint,
            force_path_style,
            accelerate: config.use_accelerate_endpoint,
            sts_use_global_endpoint: false,
            s3_use_global_endpoint: s3_global,
            s3_use_arn_region: true,
            s3control_use_arn_region: false,
            s3_disable_mrap: false,
        }
    }

    /// The value of built-in `name` (`AWS::Region`, …), if set.
    pub fn get(&self, name: &str) -> Option<ParamValue<'_>> {
        let b = ParamValue::Bool;
        Some(match name {
            "AWS::Region" => ParamValue::Str(self.region.as_deref()?),
            "AWS::UseFIPS" => b(self.use_fips),
            "AWS::UseDualStack" => b(self.use_dual_stack),
            "SDK::Endpoint" => ParamValue::Str(self.endpoint.as_deref()?),
            "AWS::S3::ForcePathStyle" => b(self.force_path_style),
            "AWS::S3::Accelerate" => b(self.accelerate),
            "AWS::STS::UseGlobalEndpoint" => b(self.sts_use_global_endpoint),
            "AWS::S3::UseGlobalEndpoint" => b(self.s3_use_global_endpoint),
            "AWS::S3::UseArnRegion" => b(self.s3_use_arn_region),
            "AWS::S3Control::UseArnRegion" => b(self.s3control_use_arn_region),
            "AWS::S3::DisableMultiRegionAccessPoints" => b(self.s3_disable_mrap),
            _ => return None,
        })
    }
}

/// The rule-set parameters of one call, in botocore's precedence: static
/// context params, then input members with `contextParam`, then
/// `operationContextParams` that name a top-level member, then built-ins.
pub(crate) struct CallParams<'a> {
    pub(crate) rules: RuleSet<'a>,
    pub(crate) builtins: &'a Builtins,
    pub(crate) op: &'static Operation,
    pub(crate) shape: Option<&'static Shape>,
    pub(crate) input: &'a dyn StructValue,
}

fn param_of(v: Value<'_>) -> Option<ParamValue<'_>> {
    match v {
        Value::Str(s) => Some(ParamValue::Str(s)),
        Value::Bool(b) => Some(ParamValue::Bool(b)),
        _ => None,
    }
}

impl<'a> endpoint::Params<'a> for CallParams<'a> {
    fn get(&self, name: &str) -> Option<ParamValue<'a>> {
        if let Some(p) = self
            .op
            .static_context_params()
            .iter()
            .find(|p| p.name == name)
        {
            return Some(match p.value {
                ContextValue::Bool(b) => ParamValue::Bool(b),
                ContextValue::Str(s) => ParamValue::Str(s),
            });
        }
        let input: &'a dyn StructValue = self.input;
        if let Some(shape) = self.shape {
            let members = shape.members();
            if let Some(i) = members.iter().position(|m| m.context_param() == Some(name)) {
                return input.member(i).and_then(param_of);
            }
            // `operationContextParams` whose path is a plain member name; the
            // JMESPath forms (`keys(…)`, projections) are not evaluated here.
            if let Some(p) = self
                .op
                .operation_context_params()
                .iter()
                .find(|p| p.name == name)
            {
                let i = members.iter().position(|m| m.name == p.path)?;
                return input.member(i).and_then(param_of);
            }
        }
        let param = self.rules.params().find(|p| p.name == name)?;
        let builtins: &'a Builtins = self.builtins;
        builtins.get(param.built_in?)
    }
}

/// Why no endpoint could be resolved.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EndpointError {
    /// The service has no rule set compiled in and no `endpoint_url` was given.
    NoRules,
    /// The rule set could not be evaluated.
    Eval(EvalError),
    /// The rule set's error rule matched (its message is in the call error).
    Rule,
    /// The URL is not `scheme://host[:port][/path]`.
    BadUrl,
    /// The host or path does not fit the URL buffer.
    TooLong,
    /// The endpoint needs an auth scheme stratus does not sign with
    /// (`sigv4a`, `sigv4-s3express`).
    UnsupportedAuth,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::NoRules => f.write_str("no endpoint rule set for this service"),
            EndpointError::Eval(e) => write!(f, "endpoint rules: {e}"),
            EndpointError::Rule => f.write_str("the endpoint rules refused these parameters"),
            EndpointError::BadUrl => f.write_str("the endpoint URL is malformed"),
            EndpointError::TooLong => f.write_str("the endpoint URL does not fit its buffer"),
            EndpointError::UnsupportedAuth => {
                f.write_str("the endpoint requires an auth scheme stratus does not support")
            }
        }
    }
}

/// Variable slots the evaluator keeps (S3's rule set binds 36).
pub const RULE_SLOTS: usize = 48;

/// `scheme://host[:port]/path` split up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UrlParts<'u> {
    pub(crate) scheme: &'static str,
    pub(crate) host: &'u str,
    pub(crate) port: Option<u16>,
    pub(crate) path: &'u str,
}

pub(crate) fn split_url(url: &str) -> Result<UrlParts<'_>, EndpointError> {
    // The scheme ends at the first ':' (it holds none).
    let (scheme, rest) = crate::text::split_once_ascii(url, b':').ok_or(EndpointError::BadUrl)?;
    let rest = rest.strip_prefix("//").ok_or(EndpointError::BadUrl)?;
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else if scheme.eq_ignore_ascii_case("http") {
        "http"
    } else {
        return Err(EndpointError::BadUrl);
    };
    // `split_at_checked`, not `split_at`: no panic path (and its formatting
    // code) is linked into a device's firmware for a split that cannot fail.
    let (authority, path) = crate::text::find_ascii(rest, b'/')
        .and_then(|i| rest.split_at_checked(i))
        .unwrap_or((rest, ""));
    let (host, port) = match crate::text::rsplit_once_ascii(authority, b':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (
            h,
            Some(p.parse::<u16>().map_err(|_| EndpointError::BadUrl)?),
        ),
        _ => (authority, None),
    };
    if host.is_empty() {
        return Err(EndpointError::BadUrl);
    }
    Ok(UrlParts {
        scheme,
        host,
        port,
        path,
    })
}

/// What the request takes from a resolved endpoint.
pub(crate) struct Resolved<'b> {
    pub(crate) url: UrlParts<'b>,
    pub(crate) signing_name: Option<&'b str>,
    pub(crate) signing_region: Option<&'b str>,
    pub(crate) unsigned: bool,
    pub(crate) disable_double_encoding: bool,
    pub(crate) endpoint: endpoint::Endpoint<'b>,
}

/// Resolves `params` against `rules` into `buf`.
pub(crate) fn resolve<'b>(
    rules: RuleSet<'_>,
    partitions: &Partitions<'_>,
    params: &CallParams<'_>,
    buf: &'b mut [u8],
) -> Result<Result<Resolved<'b>, &'b str>, EndpointError> {
    let outcome = rules
        .resolve::<_, RULE_SLOTS>(partitions, params, buf)
        .map_err(EndpointError::Eval)?;
    let ep = match outcome {
        Outcome::Endpoint(ep) => ep,
        Outcome::Error(message) => return Ok(Err(message)),
    };
    let mut out = Resolved {
        url: split_url(ep.url())?,
        signing_name: None,
        signing_region: None,
        unsigned: false,
        disable_double_encoding: false,
        endpoint: ep,
    };
    let mut schemes = ep.auth_schemes().peekable();
    if schemes.peek().is_some() {
        let chosen = schemes
            .find(|s| s.name == "sigv4" || s.name == "none")
            .ok_or(EndpointError::UnsupportedAuth)?;
        out.unsigned = chosen.name == "none";
        out.signing_name = chosen.signing_name;
        out.signing_region = chosen.signing_region;
        out.disable_double_encoding = chosen.disable_double_encoding.unwrap_or(false);
    }
    Ok(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        let u = split_url("http://127.0.0.1:5000/base/").unwrap();
        assert_eq!(
            (u.scheme, u.host, u.port, u.path),
            ("http", "127.0.0.1", Some(5000), "/base/")
        );
        let u = split_url("https://kinesis.us-east-1.amazonaws.com").unwrap();
        assert_eq!(
            (u.host, u.port, u.path),
            ("kinesis.us-east-1.amazonaws.com", None, "")
        );
        assert_eq!(split_url("ftp://x"), Err(EndpointError::BadUrl));
        assert_eq!(split_url("https:/x"), Err(EndpointError::BadUrl));
        assert_eq!(split_url("http:x//y"), Err(EndpointError::BadUrl));
        assert_eq!(split_url("x:https://y"), Err(EndpointError::BadUrl));
        assert_eq!(split_url("http://:80"), Err(EndpointError::BadUrl));
        assert_eq!(split_url("http://h:99999"), Err(EndpointError::BadUrl));
    }

    #[test]
    fn builtins_follow_botocore_defaults() {
        let c = ClientConfig::default().region("us-east-1");
        let b = Builtins::from_config(&c);
        assert!(b.s3_use_global_endpoint && !b.force_path_style && b.s3_use_arn_region);
        let c = ClientConfig::default()
            .region("eu-west-1")
            .endpoint_url("http://127.0.0.1:5000");
        let b = Builtins::from_config(&c);
        assert!(b.force_path_style && !b.s3_use_global_endpoint);
        assert_eq!(
            b.get("SDK::Endpoint"),
            Some(ParamValue::Str("http://127.0.0.1:5000"))
        );
    }
}

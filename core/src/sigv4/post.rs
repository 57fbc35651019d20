//! S3 presigned POST (browser-based uploads), as botocore's
//! `S3SigV4PostAuth` builds it: a JSON policy document (expiration plus
//! conditions), base64-encoded, signed with the SigV4 key, and the form
//! fields a `multipart/form-data` upload must carry.
//!
//! Everything is written into caller buffers: the policy's JSON into a
//! scratch buffer, the field values (credential, date, token, policy,
//! signature) into an output buffer the returned [`PostForm`] borrows.

use core::fmt;

use super::key::SigningKeyCache;
use super::signature::Signature;
use crate::credentials::Credentials;
use crate::format::json::{write_escaped, write_escaped_run};
use crate::format::number::write_base64;
use crate::format::{Sink, SliceSink, WriteError};
use crate::time::UnixTime;

/// One condition of a POST policy. Conditions the caller lists come first in
/// the policy, in the caller's order, as botocore keeps them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition<'a> {
    /// `{"field": "value"}`: the form field must have exactly this value.
    Equals {
        /// Field name, e.g. `acl`.
        field: &'a str,
        /// Required value.
        value: &'a str,
    },
    /// `["starts-with", "$field", "prefix"]`: the field must start with
    /// `prefix` (an empty prefix allows any value).
    StartsWith {
        /// Field name without the `$`, e.g. `Content-Type`.
        field: &'a str,
        /// Required prefix.
        prefix: &'a str,
    },
    /// `["content-length-range", min, max]`: the uploaded file's size in
    /// bytes must lie in `min..=max`.
    ContentLengthRange {
        /// Smallest size allowed.
        min: u64,
        /// Largest size allowed.
        max: u64,
    },
}

/// What a presigned POST allows: botocore's `generate_presigned_post`
/// arguments.
#[derive(Clone, Copy, Debug)]
pub struct PostPolicy<'a> {
    /// The bucket (added as `{"bucket": ...}`).
    pub bucket: &'a str,
    /// The object key; a key ending in `${filename}` becomes a
    /// `starts-with` condition on what precedes it (S3 puts the uploaded
    /// file's name there), any other an exact `{"key": ...}`.
    pub key: &'a str,
    /// Form fields to fill in beforehand (`acl`, `Content-Type`,
    /// `success_action_status`, `x-amz-meta-*`, …), in order. As in
    /// botocore, a field needs its own condition to be allowed.
    pub fields: &'a [(&'a str, &'a str)],
    /// Conditions, in order.
    pub conditions: &'a [Condition<'a>],
    /// Seconds from the signing time until the policy expires.
    pub expires_secs: u32,
}

/// Why a POST policy could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PostError {
    /// Two of the caller's fields have the same name (position of the second).
    DuplicateField {
        /// Index in [`PostPolicy::fields`].
        index: usize,
    },
    /// A buffer is too small.
    BufferTooSmall {
        /// `"policy"` (the scratch for the policy's JSON) or `"fields"` (the
        /// output for the field values).
        buffer: &'static str,
        /// Its size.
        capacity: usize,
    },
}

impl fmt::Display for PostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PostError::DuplicateField { index } => {
                write!(f, "POST field {index} repeats an earlier field's name")
            }
            PostError::BufferTooSmall { buffer, capacity } => write!(
                f,
                "the {capacity}-byte {buffer} buffer is too small for the POST policy"
            ),
        }
    }
}

/// Fields the signer fills in, in botocore's order.
const KEY: &str = "key";
const ALGORITHM_FIELD: &str = "x-amz-algorithm";
const CREDENTIAL: &str = "x-amz-credential";
const DATE: &str = "x-amz-date";
const TOKEN: &str = "x-amz-security-token";
const POLICY: &str = "policy";
const SIGNATURE: &str = "x-amz-signature";
const GENERATED: [&str; 7] = [
    KEY,
    ALGORITHM_FIELD,
    CREDENTIAL,
    DATE,
    TOKEN,
    POLICY,
    SIGNATURE,
];

/// The signed form: the caller's fields and the ones the signer made.
#[derive(Clone, Copy)]
pub struct PostForm<'a, 'b> {
    user: &'a [(&'a str, &'a str)],
    key: &'a str,
    text: &'b str,
    /// Spans in `text` of credential, date, token, policy, signature.
    credential: (usize, usize),
    date: (usize, usize),
    token: Option<(usize, usize)>,
    policy: (usize, usize),
    signature: (usize, usize),
}

impl fmt::Debug for PostForm<'_, '_> {
    // The security token is a secret: names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.fields().map(|(name, _)| name))
            .finish()
    }
}

impl<'a, 'b> PostForm<'a, 'b> {
    fn generated(&self, name: &str) -> Option<&str> {
        let span = |(s, e): (usize, usize)| self.text.get(s..e);
        match name {
            KEY => Some(self.key),
            ALGORITHM_FIELD => Some(super::ALGORITHM),
            CREDENTIAL => span(self.credential),
            DATE => span(self.date),
            TOKEN => self.token.and_then(span),
            POLICY => span(self.policy),
            SIGNATURE => span(self.signature),
            _ => None,
        }
    }

    /// The form fields in botocore's order: the caller's (a name the signer
    /// fills in takes the signer's value where it stands), then `key`,
    /// `x-amz-algorithm`, `x-amz-credential`, `x-amz-date`,
    /// `x-amz-security-token` (with a session token), `policy`,
    /// `x-amz-signature`. Send them before the file.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> + Clone + '_ {
        let user = self
            .user
            .iter()
            .map(|(n, v)| (*n, self.generated(n).unwrap_or(v)));
        let generated = GENERATED.iter().filter_map(|n| {
            let taken = self.user.iter().any(|(u, _)| u == n);
            if taken {
                return None;
            }
            self.generated(n).map(|v| (*n, v))
        });
        user.chain(generated)
    }

    /// The value of field `name`, if the form has it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The base64 policy document (the `policy` field).
    pub fn policy(&self) -> &str {
        self.text.get(self.policy.0..self.policy.1).unwrap_or("")
    }
}

/// Signs `policy` for `credentials` in `region` (service `s3`) at `time`, as
/// botocore's `S3SigV4PostAuth`: the policy's JSON is written into `json`,
/// the field values into `out`.
///
/// ```
/// use stratus_core::credentials::Credentials;
/// use stratus_core::sigv4::{SigningKeyCache, post::{presign_post, Condition, PostPolicy}};
/// use stratus_core::time::UnixTime;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None).unwrap();
/// let policy = PostPolicy {
///     bucket: "readings",
///     key: "uploads/${filename}",
///     fields: &[("acl", "private")],
///     conditions: &[
///         Condition::Equals { field: "acl", value: "private" },
///         Condition::ContentLengthRange { min: 1, max: 1 << 20 },
///     ],
///     expires_secs: 600,
/// };
/// let (mut json, mut out) = ([0u8; 1024], [0u8; 2048]);
/// let time = UnixTime::from_secs(1_795_334_400);
/// let form = presign_post(&policy, &creds, "eu-west-1", time,
///     &mut SigningKeyCache::new(), &mut json, &mut out).unwrap();
/// assert_eq!(form.field("x-amz-date"), Some("20261122T080000Z"));
/// assert_eq!(form.field("key"), Some("uploads/${filename}"));
/// assert_eq!(form.fields().count(), 7);
/// ```
pub fn presign_post<'a, 'b>(
    policy: &PostPolicy<'a>,
    credentials: &Credentials,
    region: &str,
    time: UnixTime,
    keys: &mut SigningKeyCache,
    json: &mut [u8],
    out: &'b mut [u8],
) -> Result<PostForm<'a, 'b>, PostError> {
    for (i, (name, _)) in policy.fields.iter().enumerate() {
        if policy
            .fields
            .get(..i)
            .unwrap_or(&[])
            .iter()
            .any(|(n, _)| n == name)
        {
            return Err(PostError::DuplicateField { index: i });
        }
    }
    let day = time.amz_day();
    let date = time.amz_date();
    let out_capacity = out.len();
    let full_out = |_| PostError::BufferTooSmall {
        buffer: "fields",
        capacity: out_capacity,
    };
    let mut w = SliceSink::new(out);
    let span = |w: &mut SliceSink<'_>, f: &dyn Fn(&mut SliceSink<'_>) -> Result<(), WriteError>| {
        let start = w.len();
        f(w).map(|()| (start, w.len())).map_err(full_out)
    };
    let credential = span(&mut w, &|w| {
        for part in [credentials.access_key_id(), "/", day.as_str(), "/", region] {
            w.write_str(part)?;
        }
        w.write_str("/s3/aws4_request")
    })?;
    let date_span = span(&mut w, &|w| w.write_str(date.as_str()))?;
    let token = match credentials.session_token() {
        Some(t) => Some(span(&mut w, &|w| w.write_str(t))?),
        None => None,
    };

    let json_capacity = json.len();
    let mut doc = SliceSink::new(json);
    {
        let written = w.written();
        let text = |(s, e): (usize, usize)| {
            core::str::from_utf8(written.get(s..e).unwrap_or(&[])).unwrap_or("")
        };
        write_policy(
            &mut doc,
            policy,
            time.offset(i64::from(policy.expires_secs)),
            text(credential),
            text(date_span),
            token.map(text),
        )
        .map_err(|_| PostError::BufferTooSmall {
            buffer: "policy",
            capacity: json_capacity,
        })?;
    }
    let policy_span = span(&mut w, &|w| write_base64(w, doc.written()))?;
    let signature = {
        let b64 = w.written().get(policy_span.0..policy_span.1).unwrap_or(&[]);
        let key = keys.get(credentials, &day, region, "s3");
        Signature::from_digest(&key.sign(b64))
    };
    let signature_span = span(&mut w, &|w| w.write_str(signature.as_str()))?;
    let text = core::str::from_utf8(w.into_written()).unwrap_or("");
    Ok(PostForm {
        user: policy.fields,
        key: policy.key,
        text,
        credential,
        date: date_span,
        token,
        policy: policy_span,
        signature: signature_span,
    })
}

/// The policy's JSON as `json.dumps` writes botocore's dict.
fn write_policy(
    s: &mut SliceSink<'_>,
    policy: &PostPolicy<'_>,
    expires: UnixTime,
    credential: &str,
    date: &str,
    token: Option<&str>,
) -> Result<(), WriteError> {
    let c = expires.civil();
    s.write_str("{\"expiration\": \"")?;
    crate::format::write_fmt(
        s,
        format_args!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        ),
    )?;
    s.write_str("\", \"conditions\": [")?;
    let key_condition = match policy.key.strip_suffix("${filename}") {
        Some(prefix) => Condition::StartsWith {
            field: "key",
            prefix,
        },
        None => Condition::Equals {
            field: "key",
            value: policy.key,
        },
    };
    let signer = [
        Condition::Equals {
            field: "bucket",
            value: policy.bucket,
        },
        key_condition,
        Condition::Equals {
            field: ALGORITHM_FIELD,
            value: super::ALGORITHM,
        },
        Condition::Equals {
            field: CREDENTIAL,
            value: credential,
        },
        Condition::Equals {
            field: DATE,
            value: date,
        },
    ];
    let token = token.map(|value| Condition::Equals {
        field: TOKEN,
        value,
    });
    let all = policy
        .conditions
        .iter()
        .chain(&signer)
        .chain(token.as_ref());
    for (i, condition) in all.enumerate() {
        if i > 0 {
            s.write_str(", ")?;
        }
        write_condition(s, condition)?;
    }
    s.write_str("]}")
}

fn write_condition(s: &mut SliceSink<'_>, condition: &Condition<'_>) -> Result<(), WriteError> {
    match *condition {
        Condition::Equals { field, value } => {
            s.write_str("{")?;
            write_escaped(s, field)?;
            s.write_str(": ")?;
            write_escaped(s, value)?;
            s.write_str("}")
        }
        Condition::StartsWith { field, prefix } => {
            s.write_str("[\"starts-with\", \"$")?;
            write_escaped_run(s, field)?;
            s.write_str("\", ")?;
            write_escaped(s, prefix)?;
            s.write_str("]")
        }
        Condition::ContentLengthRange { min, max } => {
            crate::format::write_fmt(s, format_args!("[\"content-length-range\", {min}, {max}]"))
        }
    }
}

//! AWS credentials and where they come from.
//!
//! [`Credentials`] hold an access key id, a secret, an optional session token and an
//! optional expiry in fixed-capacity strings. Their `Debug`, `Display` and defmt forms
//! never show the secret or the token.
//!
//! Where credentials come from:
//! * [`ProvideCredentials`], the async trait every source implements, and
//!   [`StaticCredentials`], a fixed pair;
//! * [`RefreshingProvider`], which caches a source's temporary credentials and
//!   renews them in botocore's advisory and mandatory windows, once however many
//!   tasks ask;
//! * [`CredentialChain`], botocore's `CredentialResolver`: named sources asked in
//!   order, editable with `insert_before`, `insert_after` and `remove`.
//! * [`iot`]: AWS IoT's credentials provider (a device certificate for temporary keys).
//!
//! All of it is `no_std` and heap-free.

mod chain;
pub mod iot;
mod provider;
mod refresh;

pub use chain::{ChainError, CredentialChain, Resolved, SourcesTried, TRIED_NAMES_CAPACITY};
pub use iot::{IotCredentials, IotEndpoint, IotError};
pub use provider::{ProvideCredentials, StaticCredentials};
pub use refresh::{RefreshWindows, RefreshingProvider};

use core::fmt;

use heapless::String;

use crate::time::UnixTime;

/// Longest access key id accepted (AWS documents 16..=128).
pub const ACCESS_KEY_ID_CAPACITY: usize = 128;
/// Longest secret access key accepted (AWS issues 40 characters).
pub const SECRET_CAPACITY: usize = 128;
/// Longest session token accepted. STS and the IoT credentials provider issue
/// tokens of roughly 400 to 1,500 characters.
pub const SESSION_TOKEN_CAPACITY: usize = 2048;

/// Why credentials could not be built or obtained.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CredentialsError {
    /// A field is longer than its fixed capacity.
    TooLong {
        /// Which field.
        field: CredentialField,
        /// The capacity it exceeds.
        capacity: usize,
    },
    /// A field that must not be empty is empty.
    Empty(CredentialField),
    /// This source has nothing to offer here (its variable is unset, its file
    /// absent); a [`CredentialChain`] moves on to its next source.
    NotConfigured,
    /// No source in a chain had credentials.
    NotFound {
        /// The names of the sources asked, in order.
        tried: SourcesTried,
    },
    /// A provider was found but failed to produce credentials.
    ProviderFailed(&'static str),
    /// The credentials are past their expiry and could not be refreshed.
    Expired,
}

/// A field of [`Credentials`], for errors.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CredentialField {
    /// The access key id.
    AccessKeyId,
    /// The secret access key.
    SecretAccessKey,
    /// The session token.
    SessionToken,
}

impl fmt::Display for CredentialField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialField::AccessKeyId => "access key id",
            CredentialField::SecretAccessKey => "secret access key",
            CredentialField::SessionToken => "session token",
        })
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::TooLong { field, capacity } => {
                write!(f, "{field} is longer than {capacity} bytes")
            }
            CredentialsError::Empty(field) => write!(f, "{field} is empty"),
            CredentialsError::NotConfigured => {
                f.write_str("credential source is not configured here")
            }
            CredentialsError::NotFound { tried } => {
                write!(f, "no credentials found (tried: {tried})")
            }
            CredentialsError::ProviderFailed(why) => write!(f, "credential provider failed: {why}"),
            CredentialsError::Expired => {
                f.write_str("credentials expired and could not be refreshed")
            }
        }
    }
}

impl core::error::Error for CredentialsError {}

/// An AWS access key pair, with an optional session token and expiry.
///
/// ```
/// use stratus_core::credentials::Credentials;
/// let c = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None).unwrap();
/// let shown = format!("{c:?} {c}");
/// assert!(shown.contains("AKIDEXAMPLE"));
/// assert!(!shown.contains("wJalr"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String<ACCESS_KEY_ID_CAPACITY>,
    secret_access_key: String<SECRET_CAPACITY>,
    session_token: Option<String<SESSION_TOKEN_CAPACITY>>,
    expiry: Option<UnixTime>,
}

fn copy_into<const N: usize>(
    s: &str,
    field: CredentialField,
) -> Result<String<N>, CredentialsError> {
    let mut out = String::new();
    out.push_str(s)
        .map_err(|_| CredentialsError::TooLong { field, capacity: N })?;
    Ok(out)
}

impl Credentials {
    /// Builds credentials, checking each field fits its capacity.
    pub fn new(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
        expiry: Option<UnixTime>,
    ) -> Result<Self, CredentialsError> {
        if access_key_id.is_empty() {
            return Err(CredentialsError::Empty(CredentialField::AccessKeyId));
        }
        if secret_access_key.is_empty() {
            return Err(CredentialsError::Empty(CredentialField::SecretAccessKey));
        }
        Ok(Credentials {
            access_key_id: copy_into(access_key_id, CredentialField::AccessKeyId)?,
            secret_access_key: copy_into(secret_access_key, CredentialField::SecretAccessKey)?,
            session_token: match session_token {
                Some(t) if !t.is_empty() => Some(copy_into(t, CredentialField::SessionToken)?),
                _ => None,
            },
            expiry,
        })
    }

    /// The access key id (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Handle with care: never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token, for temporary credentials. Never log it.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When these credentials stop working, if they are temporary.
    pub fn expiry(&self) -> Option<UnixTime> {
        self.expiry
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id.as_str())
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &if self.session_token.is_some() {
                    Some("** redacted **")
                } else {
                    None
                },
            )
            .field("expiry", &self.expiry)
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({}, secret redacted", self.access_key_id)?;
        if self.session_token.is_some() {
            f.write_str(", session token redacted")?;
        }
        f.write_str(")")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Credentials {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Credentials({=str}, secret redacted, token {=bool})",
            self.access_key_id.as_str(),
            self.session_token.is_some()
        )
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::format;

    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKENvalue";

    #[test]
    fn debug_and_display_never_show_secret_or_token() {
        let c = Credentials::new(
            "ASIAEXAMPLE",
            SECRET,
            Some(TOKEN),
            Some(UnixTime::from_secs(1_700_000_000)),
        )
        .unwrap();
        for shown in [format!("{c:?}"), format!("{c:#?}"), format!("{c}")] {
            assert!(shown.contains("ASIAEXAMPLE"), "{shown}");
            // Neither the whole value nor a recognisable piece of it.
            for secret in [SECRET, TOKEN] {
                for piece in secret.as_bytes().windows(8) {
                    let piece = core::str::from_utf8(piece).unwrap();
                    assert!(!shown.contains(piece), "{piece:?} leaked in {shown}");
                }
            }
            assert!(shown.contains("redacted"), "{shown}");
        }
        // The accessors still give the real values to the signer.
        assert_eq!(c.secret_access_key(), SECRET);
        assert_eq!(c.session_token(), Some(TOKEN));
    }

    #[test]
    fn fields_are_checked() {
        assert_eq!(
            Credentials::new("", "s", None, None),
            Err(CredentialsError::Empty(CredentialField::AccessKeyId))
        );
        let long = "x".repeat(SECRET_CAPACITY + 1);
        assert_eq!(
            Credentials::new("AKID", &long, None, None),
            Err(CredentialsError::TooLong {
                field: CredentialField::SecretAccessKey,
                capacity: SECRET_CAPACITY
            })
        );
    }
}

//! AWS credentials and where they come from.
//!
//! [`Credentials`] hold an access key id, a secret, an optional session token and an
//! optional expiry in fixed-capacity strings. Their `Debug`, `Display` and defmt forms
//! never show the secret or the token.

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
    /// No provider had credentials.
    NotFound,
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
            CredentialsError::NotFound => f.write_str("no credentials found"),
            CredentialsError::ProviderFailed(why) => write!(f, "credential provider failed: {why}"),
            CredentialsError::Expired => {
                f.write_str("credentials expired and could not be refreshed")
            }
        }
    }
}

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

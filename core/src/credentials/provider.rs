//! The provider trait every credential source implements, and the simplest source:
//! credentials fixed at construction.

use super::{Credentials, CredentialsError};

/// A source of AWS credentials: environment, a config file, IMDS, STS, a secure
/// element, or a fixed pair.
///
/// The method is an `async fn` so that sources that talk to the network (IMDS,
/// the container endpoint, STS) and sources that only read memory share one
/// trait, on any executor, without a heap.
///
/// A source that has nothing to offer on this device (its environment variable is
/// unset, its file is absent) returns [`CredentialsError::NotConfigured`]; a
/// [`CredentialChain`](super::CredentialChain) then moves on to the next source.
/// Any other error means "this source is configured but failed" and stops a chain.
///
/// The returned future carries no `Send` bound: embedded executors (embassy) run
/// tasks on one core, and a host caller that needs `Send` can wrap the provider.
///
/// ```
/// use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials};
///
/// /// Credentials burnt into flash at build time, if any.
/// struct Baked(Option<(&'static str, &'static str)>);
///
/// impl ProvideCredentials for Baked {
///     async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
///         let (id, secret) = self.0.ok_or(CredentialsError::NotConfigured)?;
///         Credentials::new(id, secret, None, None)
///     }
/// }
///
/// let c = embassy_futures::block_on(Baked(Some(("AKID", "SECRET"))).provide_credentials());
/// assert_eq!(c.unwrap().access_key_id(), "AKID");
/// let none = embassy_futures::block_on(Baked(None).provide_credentials());
/// assert_eq!(none.unwrap_err(), CredentialsError::NotConfigured);
/// // What a client signs through: by default, the credentials provided.
/// let id = embassy_futures::block_on(
///     Baked(Some(("AKID", "SECRET"))).with_credentials(|c| c.access_key_id().len()),
/// );
/// assert_eq!(id, Ok(4));
/// let none = embassy_futures::block_on(Baked(None).with_credentials(|_| ()));
/// assert_eq!(none, Err(CredentialsError::NotConfigured));
/// ```
// `async fn` in a public trait leaves callers unable to require `Send` on the
// future; that is deliberate here (see the trait docs).
#[allow(async_fn_in_trait)]
pub trait ProvideCredentials {
    /// Produces credentials, or says why it cannot.
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError>;

    /// Runs `f` with the credentials, or says why there are none.
    ///
    /// The client signs through this method. By default it calls
    /// [`provide_credentials`](Self::provide_credentials); a source that
    /// holds its credentials (as [`StaticCredentials`] does) lends them
    /// instead, so a call does not copy them (2 KB with a session token's
    /// room) through its stack.
    ///
    /// ```
    /// use stratus_core::credentials::{Credentials, ProvideCredentials, StaticCredentials};
    /// let p = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
    /// let id_len = embassy_futures::block_on(p.with_credentials(|c| c.access_key_id().len()));
    /// assert_eq!(id_len, Ok(4));
    /// ```
    async fn with_credentials<R>(
        &self,
        f: impl FnOnce(&Credentials) -> R,
    ) -> Result<R, CredentialsError> {
        let credentials = self.provide_credentials().await?;
        Ok(f(&credentials))
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for &P {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        (**self).provide_credentials().await
    }

    async fn with_credentials<R>(
        &self,
        f: impl FnOnce(&Credentials) -> R,
    ) -> Result<R, CredentialsError> {
        (**self).with_credentials(f).await
    }
}

/// A provider that always hands out the same credentials (botocore's explicit
/// `aws_access_key_id=` / `aws_secret_access_key=` arguments).
///
/// ```
/// use stratus_core::credentials::{Credentials, ProvideCredentials, StaticCredentials};
/// let p = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
/// let c = embassy_futures::block_on(p.provide_credentials()).unwrap();
/// assert_eq!(c.access_key_id(), "AKID");
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StaticCredentials(Credentials);

impl StaticCredentials {
    /// Wraps fixed credentials.
    pub const fn new(credentials: Credentials) -> Self {
        StaticCredentials(credentials)
    }

    /// The credentials handed out.
    pub fn credentials(&self) -> &Credentials {
        &self.0
    }
}

impl From<Credentials> for StaticCredentials {
    fn from(credentials: Credentials) -> Self {
        StaticCredentials(credentials)
    }
}

impl ProvideCredentials for StaticCredentials {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        Ok(self.0.clone())
    }

    async fn with_credentials<R>(
        &self,
        f: impl FnOnce(&Credentials) -> R,
    ) -> Result<R, CredentialsError> {
        Ok(f(&self.0))
    }
}

/// Declares an enum of credential providers and implements [`ProvideCredentials`]
/// for it by delegating to the variant it holds.
///
/// `async fn` traits cannot be used as `dyn` objects without boxing their futures,
/// so a [`CredentialChain`](crate::credentials::CredentialChain) of different
/// provider types holds one enum type instead: the set of sources is closed at
/// compile time and every future lives inline, with no heap.
///
/// ```
/// use stratus_core::credential_providers;
/// use stratus_core::credentials::{
///     CredentialChain, Credentials, CredentialsError, ProvideCredentials, StaticCredentials,
/// };
///
/// struct Unconfigured;
/// impl ProvideCredentials for Unconfigured {
///     async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
///         Err(CredentialsError::NotConfigured)
///     }
/// }
///
/// credential_providers! {
///     /// The sources this firmware knows.
///     enum Source {
///         /// Nothing here.
///         Env(Unconfigured),
///         /// Fixed keys.
///         Fixed(StaticCredentials),
///     }
/// }
///
/// let fixed = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
/// let mut chain: CredentialChain<Source, 4> = CredentialChain::new();
/// chain.push("env", Source::Env(Unconfigured)).unwrap();
/// chain.push("static", Source::Fixed(fixed)).unwrap();
/// let found = embassy_futures::block_on(chain.resolve()).unwrap();
/// assert_eq!(found.source, "static");
/// ```
#[macro_export]
macro_rules! credential_providers {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident $(<$lt:lifetime>)? {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name $(<$lt>)? {
            $( $(#[$vmeta])* $variant($ty) ),+
        }

        impl $(<$lt>)? $crate::credentials::ProvideCredentials for $name $(<$lt>)? {
            async fn provide_credentials(
                &self,
            ) -> ::core::result::Result<
                $crate::credentials::Credentials,
                $crate::credentials::CredentialsError,
            > {
                match self {
                    $( Self::$variant(p) => {
                        $crate::credentials::ProvideCredentials::provide_credentials(p).await
                    } )+
                }
            }
        }
    };
}

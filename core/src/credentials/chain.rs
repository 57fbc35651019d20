//! An ordered chain of named credential providers, as botocore's
//! `CredentialResolver`: the first source that has credentials wins.
//!
//! # Design
//!
//! A chain holds `(name, provider)` pairs in a `heapless::Vec` whose capacity is a
//! type parameter. All providers in one chain share one type `P`: `async fn`
//! traits are not dyn-compatible without boxing their futures, so different kinds
//! of source are gathered into an enum (see
//! [`credential_providers!`](crate::credential_providers)) and the chain's future
//! holds the chosen provider's future inline. No heap, no `unsafe`.

use core::fmt;

use heapless::Vec;

use super::{Credentials, CredentialsError, ProvideCredentials};

/// How many source names a [`CredentialsError::NotFound`] lists; sources asked
/// beyond these are counted, not named. Six names keep the error small
/// (clippy's `result_large_err` bound) while covering a device's usual chain.
pub const TRIED_NAMES_CAPACITY: usize = 6;

/// The names of the sources a chain asked, in order, for
/// [`CredentialsError::NotFound`]: the first [`TRIED_NAMES_CAPACITY`] by name,
/// the rest by count.
///
/// ```
/// use stratus_core::credentials::SourcesTried;
/// let mut tried = SourcesTried::new();
/// tried.push("env");
/// tried.push("imds");
/// assert_eq!(tried.names(), ["env", "imds"]);
/// assert_eq!(tried.to_string(), "env, imds");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SourcesTried {
    names: [&'static str; TRIED_NAMES_CAPACITY],
    named: u8,
    more: u8,
}

impl SourcesTried {
    /// No sources.
    pub const fn new() -> Self {
        SourcesTried {
            names: [""; TRIED_NAMES_CAPACITY],
            named: 0,
            more: 0,
        }
    }

    /// Records one more source: by name while there is room, then by count.
    pub fn push(&mut self, name: &'static str) {
        match self.names.get_mut(usize::from(self.named)) {
            Some(slot) => {
                *slot = name;
                self.named += 1;
            }
            None => self.more = self.more.saturating_add(1),
        }
    }

    /// The names recorded, in the order the sources were asked.
    pub fn names(&self) -> &[&'static str] {
        self.names.get(..usize::from(self.named)).unwrap_or(&[])
    }

    /// How many sources were asked after the named ones (saturating at 255).
    pub fn unnamed(&self) -> usize {
        usize::from(self.more)
    }

    /// How many sources were asked (saturating at 255 beyond the named ones).
    pub fn len(&self) -> usize {
        usize::from(self.named) + usize::from(self.more)
    }

    /// Whether no source was asked (the chain was empty).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for SourcesTried {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SourcesTried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourcesTried")
            .field("names", &self.names())
            .field("unnamed", &self.more)
            .finish()
    }
}

impl fmt::Display for SourcesTried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, name) in self.names().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        if self.more > 0 {
            write!(f, " and {} more", self.more)?;
        }
        Ok(())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for SourcesTried {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=[?]} and {=u8} more", self.names(), self.more)
    }
}

/// Why a chain could not be edited.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ChainError {
    /// The chain already holds as many providers as its capacity.
    Full {
        /// The chain's capacity.
        capacity: usize,
    },
    /// No provider of this name is in the chain.
    UnknownProvider(&'static str),
    /// A provider of this name is already in the chain; names must be unique so
    /// that `insert_before`, `insert_after` and `remove` are unambiguous.
    DuplicateName(&'static str),
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Full { capacity } => {
                write!(f, "credential chain is full ({capacity} providers)")
            }
            ChainError::UnknownProvider(name) => {
                write!(f, "no credential provider named {name:?} in the chain")
            }
            ChainError::DuplicateName(name) => {
                write!(
                    f,
                    "a credential provider named {name:?} is already in the chain"
                )
            }
        }
    }
}

/// Credentials found by a chain, with the name of the source that had them
/// (botocore's `Credentials.method`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Resolved {
    /// The name the source was given in the chain.
    pub source: &'static str,
    /// What it provided.
    pub credentials: Credentials,
}

struct Entry<P> {
    name: &'static str,
    provider: P,
}

/// An ordered list of at most `N` named providers.
///
/// [`resolve`](Self::resolve) asks each provider in order:
/// * credentials → returned, with the source's name;
/// * [`CredentialsError::NotConfigured`] → the next provider is asked;
/// * any other error → the chain stops and returns that error unchanged (the
///   source is configured but broken; botocore does the same rather than
///   silently falling through to other credentials);
/// * nobody has credentials → [`CredentialsError::NotFound`] listing the names
///   asked.
///
/// All providers share one type `P`: `async fn` traits are not dyn-compatible
/// without boxing their futures, so different kinds of source are gathered into
/// an enum (see [`credential_providers!`](crate::credential_providers)).
///
/// ```
/// use stratus_core::credentials::{ChainError, CredentialChain, Credentials, StaticCredentials};
/// let key = |id| StaticCredentials::new(Credentials::new(id, "SECRET", None, None).unwrap());
///
/// let mut chain: CredentialChain<StaticCredentials, 3> = CredentialChain::new();
/// chain.push("env", key("A")).unwrap();
/// chain.push("imds", key("B")).unwrap();
/// chain.insert_before("imds", "config", key("C")).unwrap();
/// assert!(chain.names().eq(["env", "config", "imds"]));
/// assert_eq!(chain.push("more", key("D")), Err(ChainError::Full { capacity: 3 }));
/// chain.remove("env");
/// let found = embassy_futures::block_on(chain.resolve()).unwrap();
/// assert_eq!((found.source, found.credentials.access_key_id()), ("config", "C"));
/// ```
pub struct CredentialChain<P, const N: usize> {
    entries: Vec<Entry<P>, N>,
}

impl<P, const N: usize> CredentialChain<P, N> {
    /// An empty chain.
    pub const fn new() -> Self {
        CredentialChain {
            entries: Vec::new(),
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.name == name)
    }

    fn insert_at(
        &mut self,
        index: usize,
        name: &'static str,
        provider: P,
    ) -> Result<(), ChainError> {
        if self.position(name).is_some() {
            return Err(ChainError::DuplicateName(name));
        }
        self.entries
            .insert(index, Entry { name, provider })
            .map_err(|_| ChainError::Full { capacity: N })
    }

    /// Appends a provider, to be asked after all present ones.
    pub fn push(&mut self, name: &'static str, provider: P) -> Result<(), ChainError> {
        self.insert_at(self.entries.len(), name, provider)
    }

    /// Inserts a provider to be asked just before the one named `existing`.
    pub fn insert_before(
        &mut self,
        existing: &'static str,
        name: &'static str,
        provider: P,
    ) -> Result<(), ChainError> {
        let at = self
            .position(existing)
            .ok_or(ChainError::UnknownProvider(existing))?;
        self.insert_at(at, name, provider)
    }

    /// Inserts a provider to be asked just after the one named `existing`.
    pub fn insert_after(
        &mut self,
        existing: &'static str,
        name: &'static str,
        provider: P,
    ) -> Result<(), ChainError> {
        let at = self
            .position(existing)
            .ok_or(ChainError::UnknownProvider(existing))?;
        self.insert_at(at + 1, name, provider)
    }

    /// Removes the provider named `name` and returns it; `None` if there is none
    /// (botocore's `remove` likewise ignores unknown names).
    pub fn remove(&mut self, name: &str) -> Option<P> {
        let at = self.position(name)?;
        Some(self.entries.remove(at).provider)
    }

    /// The provider named `name`.
    pub fn get(&self, name: &str) -> Option<&P> {
        self.entries
            .iter()
            .find(|e| e.name == name)
            .map(|e| &e.provider)
    }

    /// The providers' names in the order they are asked.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|e| e.name)
    }

    /// How many providers the chain holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the chain holds no provider.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<P, const N: usize> Default for CredentialChain<P, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P, const N: usize> fmt::Debug for CredentialChain<P, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialChain")
            .field("providers", &DebugNames(self))
            .finish()
    }
}

struct DebugNames<'a, P, const N: usize>(&'a CredentialChain<P, N>);

impl<P, const N: usize> fmt::Debug for DebugNames<'_, P, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.names()).finish()
    }
}

impl<P: ProvideCredentials, const N: usize> CredentialChain<P, N> {
    /// Asks each provider in order; see the [type docs](Self) for the rules.
    pub async fn resolve(&self) -> Result<Resolved, CredentialsError> {
        let mut tried = SourcesTried::new();
        for entry in &self.entries {
            tried.push(entry.name);
            match entry.provider.provide_credentials().await {
                Ok(credentials) => {
                    return Ok(Resolved {
                        source: entry.name,
                        credentials,
                    });
                }
                Err(CredentialsError::NotConfigured) => continue,
                Err(failed) => return Err(failed),
            }
        }
        Err(CredentialsError::NotFound { tried })
    }
}

impl<P: ProvideCredentials, const N: usize> ProvideCredentials for CredentialChain<P, N> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.resolve().await.map(|r| r.credentials)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use core::cell::Cell;
    use std::string::ToString;

    use embassy_futures::block_on;

    use super::*;

    /// What a test provider does when asked.
    #[derive(Clone, Copy)]
    enum Behaviour {
        Has(&'static str),
        NotConfigured,
        Fails(&'static str),
    }

    struct Fake {
        behaviour: Behaviour,
        asked: Cell<u32>,
    }

    fn fake(behaviour: Behaviour) -> Fake {
        Fake {
            behaviour,
            asked: Cell::new(0),
        }
    }

    impl ProvideCredentials for Fake {
        async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
            self.asked.set(self.asked.get() + 1);
            match self.behaviour {
                Behaviour::Has(id) => Credentials::new(id, "SECRET", None, None),
                Behaviour::NotConfigured => Err(CredentialsError::NotConfigured),
                Behaviour::Fails(why) => Err(CredentialsError::ProviderFailed(why)),
            }
        }
    }

    fn names<P, const N: usize>(chain: &CredentialChain<P, N>) -> std::vec::Vec<&'static str> {
        chain.names().collect()
    }

    #[test]
    fn insert_before_after_and_remove_by_name() {
        let mut chain: CredentialChain<Fake, 6> = CredentialChain::new();
        chain.push("env", fake(Behaviour::NotConfigured)).unwrap();
        chain.push("imds", fake(Behaviour::NotConfigured)).unwrap();
        chain
            .insert_before("imds", "config", fake(Behaviour::NotConfigured))
            .unwrap();
        chain
            .insert_before("env", "explicit", fake(Behaviour::NotConfigured))
            .unwrap();
        chain
            .insert_after("imds", "last", fake(Behaviour::NotConfigured))
            .unwrap();
        chain
            .insert_after("env", "sso", fake(Behaviour::NotConfigured))
            .unwrap();
        assert_eq!(
            names(&chain),
            ["explicit", "env", "sso", "config", "imds", "last"]
        );

        assert!(chain.remove("sso").is_some());
        assert!(chain.remove("explicit").is_some());
        assert!(chain.remove("nope").is_none());
        assert_eq!(names(&chain), ["env", "config", "imds", "last"]);
        assert!(chain.get("imds").is_some());
        assert!(chain.get("sso").is_none());
    }

    #[test]
    fn editing_errors_are_typed() {
        let mut chain: CredentialChain<Fake, 2> = CredentialChain::new();
        chain.push("a", fake(Behaviour::NotConfigured)).unwrap();
        assert_eq!(
            chain.insert_before("missing", "b", fake(Behaviour::NotConfigured)),
            Err(ChainError::UnknownProvider("missing"))
        );
        assert_eq!(
            chain.insert_after("missing", "b", fake(Behaviour::NotConfigured)),
            Err(ChainError::UnknownProvider("missing"))
        );
        assert_eq!(
            chain.push("a", fake(Behaviour::NotConfigured)),
            Err(ChainError::DuplicateName("a"))
        );
        chain.push("b", fake(Behaviour::NotConfigured)).unwrap();
        for attempt in [
            chain.push("c", fake(Behaviour::NotConfigured)),
            chain.insert_before("a", "c", fake(Behaviour::NotConfigured)),
            chain.insert_after("b", "c", fake(Behaviour::NotConfigured)),
        ] {
            assert_eq!(attempt, Err(ChainError::Full { capacity: 2 }));
        }
        assert_eq!(names(&chain), ["a", "b"]);
        assert_eq!(
            ChainError::Full { capacity: 2 }.to_string(),
            "credential chain is full (2 providers)"
        );
    }

    #[test]
    fn first_source_with_credentials_wins_in_order() {
        let mut chain: CredentialChain<Fake, 4> = CredentialChain::new();
        chain.push("env", fake(Behaviour::NotConfigured)).unwrap();
        chain
            .push("config", fake(Behaviour::Has("FROM_CONFIG")))
            .unwrap();
        chain
            .push("imds", fake(Behaviour::Has("FROM_IMDS")))
            .unwrap();

        let found = block_on(chain.resolve()).unwrap();
        assert_eq!(found.source, "config");
        assert_eq!(found.credentials.access_key_id(), "FROM_CONFIG");
        let asked: std::vec::Vec<u32> = ["env", "config", "imds"]
            .iter()
            .map(|n| chain.get(n).map_or(99, |p| p.asked.get()))
            .collect();
        assert_eq!(asked, [1, 1, 0], "imds must not be asked");

        // Moving imds ahead changes the winner.
        let imds = chain.remove("imds").unwrap();
        chain.insert_before("config", "imds", imds).unwrap();
        let c = block_on(chain.provide_credentials()).unwrap();
        assert_eq!(c.access_key_id(), "FROM_IMDS");
    }

    #[test]
    fn configured_but_failing_source_stops_the_chain() {
        let mut chain: CredentialChain<Fake, 3> = CredentialChain::new();
        chain.push("env", fake(Behaviour::NotConfigured)).unwrap();
        chain
            .push(
                "process",
                fake(Behaviour::Fails("credential_process exited 1")),
            )
            .unwrap();
        chain
            .push("imds", fake(Behaviour::Has("FROM_IMDS")))
            .unwrap();
        assert_eq!(
            block_on(chain.resolve()),
            Err(CredentialsError::ProviderFailed(
                "credential_process exited 1"
            ))
        );
        assert_eq!(chain.get("imds").map(|p| p.asked.get()), Some(0));
    }

    #[test]
    fn not_found_names_every_source_tried() {
        let mut chain: CredentialChain<Fake, 3> = CredentialChain::new();
        for name in ["env", "shared-credentials-file", "iam-role"] {
            chain.push(name, fake(Behaviour::NotConfigured)).unwrap();
        }
        let err = block_on(chain.resolve()).unwrap_err();
        let CredentialsError::NotFound { tried } = err else {
            panic!("expected NotFound, got {err:?}");
        };
        assert_eq!(
            tried.names(),
            ["env", "shared-credentials-file", "iam-role"]
        );
        assert_eq!(
            err.to_string(),
            "no credentials found (tried: env, shared-credentials-file, iam-role)"
        );

        let empty: CredentialChain<Fake, 1> = CredentialChain::new();
        let err = block_on(empty.resolve()).unwrap_err();
        assert_eq!(
            err,
            CredentialsError::NotFound {
                tried: SourcesTried::new()
            }
        );
        assert_eq!(err.to_string(), "no credentials found (tried: none)");
    }

    #[test]
    fn sources_beyond_the_named_capacity_are_counted() {
        const ALL: [&str; 9] = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        let mut chain: CredentialChain<Fake, 9> = CredentialChain::new();
        for name in ALL {
            chain.push(name, fake(Behaviour::NotConfigured)).unwrap();
        }
        let Err(CredentialsError::NotFound { tried }) = block_on(chain.resolve()) else {
            panic!("expected NotFound");
        };
        assert_eq!(tried.names(), &ALL[..TRIED_NAMES_CAPACITY]);
        assert_eq!(tried.unnamed(), ALL.len() - TRIED_NAMES_CAPACITY);
        assert_eq!(tried.len(), ALL.len());
        assert_eq!(tried.to_string(), "a, b, c, d, e, f and 3 more");
    }

    #[test]
    fn error_stays_small() {
        // clippy's result_large_err bound; every Result<_, CredentialsError> pays it.
        assert!(core::mem::size_of::<CredentialsError>() <= 128);
    }
}

//! [`Env`]: the environment variables the config and the credential providers
//! read, as a map, so tests (and embedders) can hand in their own instead of
//! the process's.

use std::collections::BTreeMap;
use std::fmt;

/// Environment variables, snapshotted.
///
/// [`Env::process`] copies the process environment (variables whose name or
/// value is not UTF-8 are left out); [`Env::from_pairs`] builds one by hand.
/// `Debug` shows the names only: values may be secrets.
///
/// ```
/// use stratus_transport_std::config::Env;
/// let env = Env::from_pairs([("AWS_DEFAULT_REGION", "eu-west-1"), ("HOME", "home-dir")]);
/// assert_eq!(env.get("AWS_DEFAULT_REGION"), Some("eu-west-1"));
/// assert_eq!(env.get("AWS_PROFILE"), None);
/// assert!(!format!("{env:?}").contains("eu-west-1"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// An empty environment.
    pub fn new() -> Self {
        Env::default()
    }

    /// A snapshot of the process environment.
    pub fn process() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        Env { vars }
    }

    /// An environment holding exactly these variables.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `name`, if set (an empty value counts as set, as in
    /// botocore's lookups).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The value of `name` when set and not empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// Sets `name`.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// With `name` set (builder form).
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(name, value);
        self
    }

    /// Unsets `name`.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.vars.remove(name)
    }

    /// Expands `$NAME` and `${NAME}` from this environment (unknown names are
    /// left as written), then a leading `~` or `~/` to `HOME`, as Python's
    /// `os.path.expandvars` and `os.path.expanduser` do for botocore's file
    /// paths.
    ///
    /// ```
    /// use stratus_transport_std::config::Env;
    /// let env = Env::from_pairs([("HOME", "home-dir"), ("DIR", "cfg")]);
    /// assert_eq!(env.expand_path("~/.aws/$DIR/${DIR}x/$NOPE"), "home-dir/.aws/cfg/cfgx/$NOPE");
    /// ```
    pub fn expand_path(&self, path: &str) -> String {
        let vars = self.expand_vars(path);
        let home = self.get("HOME");
        match (vars.strip_prefix('~'), home) {
            (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
                let home = if rest.is_empty() {
                    home
                } else {
                    home.trim_end_matches('/')
                };
                let home = if home.is_empty() { "/" } else { home };
                format!("{home}{rest}")
            }
            _ => vars,
        }
    }

    fn expand_vars(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
            let (name, consumed) = if let Some(braced) = after.strip_prefix('{') {
                match braced.find('}') {
                    Some(end) if end > 0 => (&braced[..end], end + 2),
                    _ => ("", 0),
                }
            } else {
                let end = after.find(|c| !is_name(c)).unwrap_or(after.len());
                (&after[..end], end)
            };
            match self.get(name).filter(|_| consumed > 0) {
                Some(value) => {
                    out.push_str(value);
                    rest = &after[consumed..];
                }
                None => {
                    out.push('$');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}

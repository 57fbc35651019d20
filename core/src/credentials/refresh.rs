//! Temporary credentials that renew themselves before they expire, with
//! botocore's two refresh windows (see `RefreshableCredentials` in botocore's
//! `credentials.py`).
//!
//! * **Advisory window** (default 15 min before expiry): one caller tries to
//!   refresh; if that fails, or another caller is already refreshing, the current
//!   credentials are still handed out.
//! * **Mandatory window** (default 10 min before expiry, and whenever nothing is
//!   cached yet): callers wait for a refresh; if it fails, its error is returned.
//!
//! A refresh happens once however many tasks ask at the same moment: the cache
//! sits behind a short blocking lock (held only to copy credentials in or out) and
//! refreshes are serialised by an async lock, both from `embassy-sync`.

use core::cell::RefCell;
use core::fmt;

use embassy_sync::blocking_mutex::Mutex as BlockingMutex;
use embassy_sync::blocking_mutex::raw::{NoopRawMutex, RawMutex};
use embassy_sync::mutex::Mutex;

use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::time::{Clock, UnixTime};

/// How long before expiry credentials are refreshed, in seconds.
///
/// ```
/// use stratus_core::credentials::RefreshWindows;
/// assert_eq!(RefreshWindows::BOTOCORE.advisory_secs, 15 * 60);
/// assert_eq!(RefreshWindows::BOTOCORE.mandatory_secs, 10 * 60);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RefreshWindows {
    /// Inside this many seconds of expiry a refresh is attempted, but a failure
    /// is not an error. A value below `mandatory_secs` acts as `mandatory_secs`.
    pub advisory_secs: u32,
    /// Inside this many seconds of expiry a refresh must succeed.
    pub mandatory_secs: u32,
}

impl RefreshWindows {
    /// botocore's defaults: advisory 15 minutes, mandatory 10 minutes.
    pub const BOTOCORE: RefreshWindows = RefreshWindows {
        advisory_secs: 15 * 60,
        mandatory_secs: 10 * 60,
    };

    fn advisory(self) -> u32 {
        self.advisory_secs.max(self.mandatory_secs)
    }
}

impl Default for RefreshWindows {
    fn default() -> Self {
        Self::BOTOCORE
    }
}

/// Whether `credentials` are within `window` seconds of expiry at `now`.
///
/// As botocore: no expiry means never; `remaining >= window` means fresh, so with
/// a zero window credentials expire strictly after their expiry instant. An unknown
/// time (a device before SNTP) cannot show credentials stale, so they are used.
fn needs_refresh(credentials: &Credentials, now: Option<UnixTime>, window: u32) -> bool {
    match (credentials.expiry(), now) {
        (Some(expiry), Some(now)) => {
            expiry.as_secs() < now.as_secs().saturating_add(u64::from(window))
        }
        _ => false,
    }
}

/// A provider wrapper that caches what `source` provides and refreshes it in
/// botocore's advisory and mandatory windows.
///
/// * Outside both windows the cached credentials are returned.
/// * Advisory window: the first caller refreshes; if the refresh fails, or if
///   another task is already refreshing, the cached credentials are returned.
/// * Mandatory window, or nothing cached: callers wait on the refresh lock; the
///   first one refreshes and the others find fresh credentials when they get
///   the lock, so concurrent callers cause one refresh. A failure is returned.
/// * A source that hands back already-expired credentials gives
///   [`CredentialsError::Expired`].
///
/// `M` is the `embassy-sync` raw mutex guarding the cache: the default
/// [`NoopRawMutex`] suits tasks on one executor; use `CriticalSectionRawMutex`
/// to share one wrapper between executors or interrupt priorities.
///
/// When the clock does not know the time, cached credentials are handed out
/// as-is (their age cannot be judged), and the source is asked only when
/// nothing is cached.
///
/// ```
/// use stratus_core::credentials::{Credentials, ProvideCredentials, RefreshingProvider, StaticCredentials};
/// use stratus_core::time::{FixedClock, UnixTime};
///
/// let now = UnixTime::from_secs(1_700_000_000);
/// let source = StaticCredentials::new(
///     Credentials::new("ASIATEMP", "SECRET", Some("TOKEN"), Some(now.offset(3600))).unwrap(),
/// );
/// let refreshing: RefreshingProvider<_, _> = RefreshingProvider::new(source, FixedClock(now));
/// let c = embassy_futures::block_on(refreshing.provide_credentials()).unwrap();
/// assert_eq!(c.access_key_id(), "ASIATEMP");
/// ```
pub struct RefreshingProvider<P, C, M: RawMutex = NoopRawMutex> {
    source: P,
    clock: C,
    windows: RefreshWindows,
    cached: BlockingMutex<M, RefCell<Option<Credentials>>>,
    refreshing: Mutex<M, ()>,
}

impl<P, C, M: RawMutex> RefreshingProvider<P, C, M> {
    /// Wraps `source`, with nothing cached and botocore's windows. `const` so a
    /// wrapper can live in a `static`.
    pub const fn new(source: P, clock: C) -> Self {
        RefreshingProvider {
            source,
            clock,
            windows: RefreshWindows::BOTOCORE,
            cached: BlockingMutex::new(RefCell::new(None)),
            refreshing: Mutex::new(()),
        }
    }

    /// Uses other refresh windows.
    pub const fn with_windows(mut self, windows: RefreshWindows) -> Self {
        self.windows = windows;
        self
    }

    /// Starts from credentials already held (botocore builds
    /// `RefreshableCredentials` from a first fetch the same way).
    pub fn with_initial(self, credentials: Credentials) -> Self {
        self.store(credentials);
        self
    }

    /// The refresh windows in use.
    pub fn windows(&self) -> RefreshWindows {
        self.windows
    }

    /// Drops the cached credentials, so the next call must refresh; for when a
    /// service has rejected them (e.g. `ExpiredToken`).
    pub fn invalidate(&self) {
        self.cached.lock(|c| c.replace(None));
    }

    /// The wrapped source.
    pub fn source(&self) -> &P {
        &self.source
    }

    fn snapshot(&self) -> Option<Credentials> {
        self.cached.lock(|c| c.borrow().clone())
    }

    fn store(&self, credentials: Credentials) {
        self.cached.lock(|c| c.replace(Some(credentials)));
    }
}

/// Shows the windows and the cached credentials' key id and expiry (their own
/// `Debug` redacts the secret and token); never the source or clock.
impl<P, C, M: RawMutex> fmt::Debug for RefreshingProvider<P, C, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cached.lock(|c| {
            f.debug_struct("RefreshingProvider")
                .field("windows", &self.windows)
                .field("cached", &*c.borrow())
                .finish()
        })
    }
}

impl<P: ProvideCredentials, C: Clock, M: RawMutex> RefreshingProvider<P, C, M> {
    /// A copy of the cached credentials if they are outside `window`.
    ///
    /// Nothing is kept across an `.await` in this type: `Credentials` are over
    /// 2 KiB, and every copy held over an await point would grow the future.
    fn fresh(&self, window: u32) -> Option<Credentials> {
        let now = self.clock.now();
        self.cached.lock(|c| {
            c.borrow()
                .as_ref()
                .filter(|c| !needs_refresh(c, now, window))
                .cloned()
        })
    }

    /// Whether cached credentials exist and are outside `window`, without a copy.
    fn is_fresh(&self, window: u32) -> bool {
        let now = self.clock.now();
        self.cached.lock(|c| {
            c.borrow()
                .as_ref()
                .is_some_and(|c| !needs_refresh(c, now, window))
        })
    }

    /// Asks the source; the caller holds `self.refreshing`, so the cache cannot
    /// change meanwhile except by [`invalidate`](Self::invalidate).
    async fn refresh(&self, mandatory: bool) -> Result<Credentials, CredentialsError> {
        match self.source.provide_credentials().await {
            Ok(new) => {
                if needs_refresh(&new, self.clock.now(), 0) {
                    // botocore raises here too: the source handed back credentials
                    // that are already past their expiry.
                    return Err(CredentialsError::Expired);
                }
                self.store(new.clone());
                Ok(new)
            }
            Err(e) => match self.snapshot() {
                // Advisory window: keep using what we have.
                Some(current) if !mandatory => Ok(current),
                _ => Err(e),
            },
        }
    }
}

impl<P: ProvideCredentials, C: Clock, M: RawMutex> ProvideCredentials
    for RefreshingProvider<P, C, M>
{
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        let advisory = self.windows.advisory();
        let mandatory = self.windows.mandatory_secs;

        if let Some(ok) = self.fresh(advisory) {
            return Ok(ok);
        }
        match self.refreshing.try_lock() {
            Ok(_guard) => {
                // With a multi-executor mutex another task may have refreshed
                // between the check above and taking the lock.
                if let Some(ok) = self.fresh(advisory) {
                    return Ok(ok);
                }
                let is_mandatory = !self.is_fresh(mandatory);
                self.refresh(is_mandatory).await
            }
            Err(_) => {
                // Another task is refreshing. Outside the mandatory window the
                // current credentials are still good enough.
                if let Some(ok) = self.fresh(mandatory) {
                    return Ok(ok);
                }
                let _guard = self.refreshing.lock().await;
                // The task we waited for has most likely refreshed.
                if let Some(ok) = self.fresh(mandatory) {
                    return Ok(ok);
                }
                self.refresh(true).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use core::cell::Cell;

    use embassy_futures::{block_on, join::join, yield_now};

    use super::*;
    use crate::credentials::StaticCredentials;

    const T0: u64 = 1_700_000_000;

    /// A clock the test moves by hand.
    struct TestClock(Cell<Option<u64>>);

    impl TestClock {
        fn at(secs: u64) -> Self {
            TestClock(Cell::new(Some(secs)))
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> Option<UnixTime> {
            self.0.get().map(UnixTime::from_secs)
        }
    }

    /// A source that counts refreshes, yields once (so concurrent callers really
    /// overlap), then hands out `ASIA<n>` valid for `lifetime` seconds from the
    /// clock's time, or fails when told to.
    struct Source<'c> {
        clock: &'c TestClock,
        calls: Cell<u32>,
        failing: Cell<bool>,
        lifetime: i64,
    }

    impl<'c> Source<'c> {
        fn new(clock: &'c TestClock) -> Self {
            Source {
                clock,
                calls: Cell::new(0),
                failing: Cell::new(false),
                lifetime: 3600,
            }
        }
    }

    const IDS: [&str; 4] = ["ASIA1", "ASIA2", "ASIA3", "ASIA4"];

    impl ProvideCredentials for Source<'_> {
        async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
            let n = self.calls.get() as usize;
            self.calls.set(self.calls.get() + 1);
            yield_now().await;
            if self.failing.get() {
                return Err(CredentialsError::ProviderFailed("sts unreachable"));
            }
            let now = self.clock.now().unwrap_or_default();
            let id = IDS.get(n).copied().unwrap_or("ASIAMANY");
            Credentials::new(id, "SECRET", Some("TOKEN"), Some(now.offset(self.lifetime)))
        }
    }

    fn old_creds(expires_in: i64) -> Credentials {
        Credentials::new(
            "ASIAOLD",
            "SECRET",
            Some("TOKEN"),
            Some(UnixTime::from_secs(T0).offset(expires_in)),
        )
        .unwrap()
    }

    fn wrapper<'c>(
        clock: &'c TestClock,
        source: &'c Source<'c>,
    ) -> RefreshingProvider<&'c Source<'c>, &'c TestClock> {
        RefreshingProvider::new(source, clock)
    }

    fn id(r: Result<Credentials, CredentialsError>) -> Result<&'static str, CredentialsError> {
        r.map(|c| {
            IDS.iter()
                .chain(["ASIAOLD"].iter())
                .copied()
                .find(|i| *i == c.access_key_id())
                .unwrap_or("unknown")
        })
    }

    #[test]
    fn outside_windows_cached_credentials_are_used_without_refresh() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source).with_initial(old_creds(16 * 60));
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIAOLD"));
        assert_eq!(source.calls.get(), 0);
    }

    #[test]
    fn nothing_cached_fetches_once_then_caches() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source);
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIA1"));
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIA1"));
        assert_eq!(source.calls.get(), 1);
    }

    #[test]
    fn advisory_window_refreshes_when_source_works() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source).with_initial(old_creds(12 * 60));
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIA1"));
        assert_eq!(source.calls.get(), 1);
    }

    #[test]
    fn advisory_window_refresh_failure_keeps_old_credentials() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        source.failing.set(true);
        let p = wrapper(&clock, &source).with_initial(old_creds(12 * 60));
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIAOLD"));
        assert_eq!(source.calls.get(), 1);
        // Each call in the window tries again, and still falls back.
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIAOLD"));
        assert_eq!(source.calls.get(), 2);
    }

    #[test]
    fn mandatory_window_refresh_failure_is_an_error() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        source.failing.set(true);
        let p = wrapper(&clock, &source).with_initial(old_creds(5 * 60));
        assert_eq!(
            id(block_on(p.provide_credentials())),
            Err(CredentialsError::ProviderFailed("sts unreachable"))
        );
        // Once the source recovers, the refresh goes through.
        source.failing.set(false);
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIA2"));
    }

    #[test]
    fn window_edges_match_botocore() {
        // remaining >= window → no refresh; remaining < window → refresh.
        let clock = TestClock::at(T0);
        for (expires_in, refreshed) in [
            (15 * 60, false),
            (15 * 60 - 1, true),
            (10 * 60, true),
            (0, true),
        ] {
            let source = Source::new(&clock);
            let p = wrapper(&clock, &source).with_initial(old_creds(expires_in));
            let _ = block_on(p.provide_credentials());
            assert_eq!(
                source.calls.get(),
                u32::from(refreshed),
                "expires in {expires_in}s"
            );
        }
    }

    #[test]
    fn expired_credentials_are_refreshed_before_use() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source).with_initial(old_creds(-1));
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIA1"));

        // Time passes past the new expiry: the next call refreshes again.
        clock.0.set(Some(T0 + 3601));
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIA2"));
        assert_eq!(source.calls.get(), 2);

        // Expired and the source is down: an error, never the stale pair.
        clock.0.set(Some(T0 + 2 * 3600 + 10));
        source.failing.set(true);
        assert!(block_on(p.provide_credentials()).is_err());
    }

    #[test]
    fn source_returning_expired_credentials_is_an_error() {
        let clock = TestClock::at(T0);
        let mut source = Source::new(&clock);
        source.lifetime = -60;
        let p = wrapper(&clock, &source);
        assert_eq!(
            id(block_on(p.provide_credentials())),
            Err(CredentialsError::Expired)
        );
    }

    #[test]
    fn concurrent_callers_with_nothing_cached_refresh_once() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source);
        let (a, b) = block_on(join(p.provide_credentials(), p.provide_credentials()));
        assert_eq!(source.calls.get(), 1);
        assert_eq!((id(a), id(b)), (Ok("ASIA1"), Ok("ASIA1")));
    }

    #[test]
    fn concurrent_callers_in_mandatory_window_refresh_once() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source).with_initial(old_creds(60));
        let (a, b) = block_on(join(p.provide_credentials(), p.provide_credentials()));
        assert_eq!(source.calls.get(), 1);
        assert_eq!((id(a), id(b)), (Ok("ASIA1"), Ok("ASIA1")));
    }

    #[test]
    fn concurrent_callers_in_advisory_window_do_not_wait() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source).with_initial(old_creds(12 * 60));
        let (a, b) = block_on(join(p.provide_credentials(), p.provide_credentials()));
        assert_eq!(source.calls.get(), 1);
        // The first caller refreshed; the second did not wait for it.
        assert_eq!((id(a), id(b)), (Ok("ASIA1"), Ok("ASIAOLD")));
    }

    #[test]
    fn unknown_time_uses_cache_and_fetches_only_when_empty() {
        let clock = TestClock(Cell::new(None));
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source).with_initial(old_creds(-3600));
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIAOLD"));
        assert_eq!(source.calls.get(), 0);
        p.invalidate();
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIA1"));
        assert_eq!(source.calls.get(), 1);
    }

    #[test]
    fn future_holds_no_credentials_across_awaits() {
        let clock = TestClock::at(T0);
        let source = StaticCredentials::new(old_creds(3600));
        let p: RefreshingProvider<_, _> = RefreshingProvider::new(source, &clock);
        let future = p.provide_credentials();
        // A copy of Credentials kept over an await would put it in the future.
        assert!(
            core::mem::size_of_val(&future) < core::mem::size_of::<Credentials>(),
            "future is {} bytes",
            core::mem::size_of_val(&future)
        );
    }

    #[test]
    fn debug_shows_state_but_no_secret() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source).with_initial(old_creds(60));
        let shown = std::format!("{p:?}");
        assert!(shown.contains("ASIAOLD") && shown.contains("mandatory_secs: 600"));
        assert!(
            !shown.contains("SECRET") && !shown.contains("TOKEN"),
            "{shown}"
        );
    }

    #[test]
    fn advisory_below_mandatory_acts_as_mandatory() {
        let clock = TestClock::at(T0);
        let source = Source::new(&clock);
        let p = wrapper(&clock, &source)
            .with_windows(RefreshWindows {
                advisory_secs: 60,
                mandatory_secs: 300,
            })
            .with_initial(old_creds(200));
        assert_eq!(id(block_on(p.provide_credentials())), Ok("ASIA1"));
    }
}

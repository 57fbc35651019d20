//! Which entry of a wheel holds which model: services, their API versions, and
//! the newest version of each model type.
//!
//! This follows botocore's loader: a service is any folder under the data
//! folder with at least one API-version folder holding the model type; the
//! newest version is the lexicographic maximum of those folder names; a model
//! `<stem>` is read from `<stem>.json`, else `<stem>.json.gz`.

use std::collections::{BTreeMap, BTreeSet};

use super::error::ImportError;

/// The extensions a model file may have, in the order botocore tries them.
pub const EXTENSIONS: &[&str] = &[".json", ".json.gz"];

/// The model files found under one data folder (`botocore/data/`,
/// `boto3/data/`): service → API version → file names.
#[derive(Debug, Default)]
pub struct DataIndex {
    prefix: String,
    services: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

impl DataIndex {
    /// Indexes the entries of a wheel that lie exactly three levels below
    /// `prefix` (`<prefix><service>/<version>/<file>`); anything else is ignored.
    /// Service names are checked here, since they become output folder names.
    pub fn new<'a>(
        prefix: &str,
        names: impl IntoIterator<Item = &'a String>,
    ) -> Result<Self, ImportError> {
        let mut services: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        for name in names {
            let Some(rest) = name.strip_prefix(prefix) else {
                continue;
            };
            let mut parts = rest.split('/');
            let (Some(service), Some(version), Some(file), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if file.is_empty() {
                continue;
            }
            if !is_plain_name(service) {
                return Err(ImportError::BadName {
                    entry: name.clone(),
                });
            }
            services
                .entry(service.to_owned())
                .or_default()
                .entry(version.to_owned())
                .or_default()
                .insert(file.to_owned());
        }
        Ok(DataIndex {
            prefix: prefix.to_owned(),
            services,
        })
    }

    /// The services with at least one API version holding model `stem`, sorted.
    pub fn services_with(&self, stem: &str) -> Vec<&str> {
        self.services
            .keys()
            .filter(|service| self.newest_version(service, stem).is_some())
            .map(String::as_str)
            .collect()
    }

    /// The newest API version of `service` that holds model `stem`.
    pub fn newest_version(&self, service: &str, stem: &str) -> Option<&str> {
        self.services
            .get(service)?
            .iter()
            .filter(|(_, files)| file_for(files, stem).is_some())
            .map(|(version, _)| version.as_str())
            .max()
    }

    /// The wheel entry holding model `stem` of `service` at `version`, if any.
    pub fn entry(&self, service: &str, version: &str, stem: &str) -> Option<String> {
        let files = self.services.get(service)?.get(version)?;
        let file = file_for(files, stem)?;
        Some(format!("{}{service}/{version}/{file}", self.prefix))
    }
}

/// The file of model `stem` among `files`, trying the extensions in order.
fn file_for<'a>(files: &'a BTreeSet<String>, stem: &str) -> Option<&'a str> {
    EXTENSIONS.iter().find_map(|ext| {
        files
            .get(format!("{stem}{ext}").as_str())
            .map(String::as_str)
    })
}

/// The wheel entry for a data file directly in the data folder (`partitions`,
/// `_retry`, …), trying the extensions in order.
pub fn shared_entry(names: &[String], prefix: &str, stem: &str) -> Option<String> {
    EXTENSIONS.iter().find_map(|ext| {
        let entry = format!("{prefix}{stem}{ext}");
        names.binary_search(&entry).ok().map(|_| entry)
    })
}

/// Whether `name` is safe as an output folder name: non-empty, only a-z, 0-9,
/// '.', '-', '_', and not starting with '.'.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn newest_version_is_lexicographic_max_among_folders_with_the_model() {
        let n = names(&[
            "botocore/data/ec2/2015-10-01/service-2.json.gz",
            "botocore/data/ec2/2016-11-15/service-2.json.gz",
            "botocore/data/ec2/2016-11-15/paginators-1.json",
            // A newer folder without service-2 does not count for service-2.
            "botocore/data/ec2/2017-01-01/waiters-2.json",
            "botocore/data/s3/2006-03-01/service-2.json",
            "botocore/data/_retry.json",
            "botocore/vendored/requests/packages/__init__.py",
        ]);
        let index = DataIndex::new("botocore/data/", &n).unwrap();
        assert_eq!(index.services_with("service-2"), ["ec2", "s3"]);
        assert_eq!(index.newest_version("ec2", "service-2"), Some("2016-11-15"));
        assert_eq!(index.newest_version("ec2", "waiters-2"), Some("2017-01-01"));
        assert_eq!(index.newest_version("ec2", "nothing-1"), None);
        assert_eq!(
            index.entry("ec2", "2016-11-15", "service-2").as_deref(),
            Some("botocore/data/ec2/2016-11-15/service-2.json.gz")
        );
        assert_eq!(index.entry("ec2", "2016-11-15", "waiters-2"), None);
        assert_eq!(
            shared_entry(&n, "botocore/data/", "_retry").as_deref(),
            Some("botocore/data/_retry.json")
        );
        assert_eq!(shared_entry(&n, "botocore/data/", "partitions"), None);
    }

    #[test]
    fn plain_json_wins_over_gzip_like_botocore() {
        let n = names(&[
            "botocore/data/x/2020-01-01/service-2.json",
            "botocore/data/x/2020-01-01/service-2.json.gz",
        ]);
        let index = DataIndex::new("botocore/data/", &n).unwrap();
        assert_eq!(
            index.entry("x", "2020-01-01", "service-2").as_deref(),
            Some("botocore/data/x/2020-01-01/service-2.json")
        );
    }

    #[test]
    fn unsafe_service_folder_names_are_rejected() {
        for bad in ["..", ".hidden", "Upper", "a b"] {
            let n = names(&[&format!("botocore/data/{bad}/2020-01-01/service-2.json")]);
            assert!(
                matches!(
                    DataIndex::new("botocore/data/", &n),
                    Err(ImportError::BadName { .. })
                ),
                "{bad} accepted"
            );
        }
    }
}

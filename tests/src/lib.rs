//! Shared helpers for stratus's integration tests: where the fetched botocore
//! sdist lives and how to find the conformance data inside it.
#![warn(missing_docs)]

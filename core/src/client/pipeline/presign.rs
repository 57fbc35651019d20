//! Presigning: botocore's `generate_presigned_url` for any operation and
//! S3's `generate_presigned_post`, through the same parameter, endpoint and
//! serializer steps as a call; nothing is sent.

use super::{Client, SignerChoice, host_header, is_s3, signing_settings};
use super::{Prepared, Target};
use crate::client::data::EventData;
use crate::client::endpoint::EndpointError;
use crate::client::events::EventKind;
use crate::client::headers::HeaderBlock;
use crate::client::output::{CallError, UrlSink};
use crate::client::presign_query::{BodyForm, PresignError, write_operation_query};
use crate::client::transport::{Timer, Transport};
use crate::client::{HeadersFull, Workspace};
use crate::credentials::ProvideCredentials;
use crate::model::{HttpMethod, Protocol, StructValue, Value};
use crate::protocol::resolved_protocol;
use crate::sigv4::post::{PostForm, PostPolicy, presign_post};
use crate::sigv4::{self, SignableBody, SignableRequest, SigningParams, SliceWriter};
use crate::time::Clock;

/// How a URL is presigned: botocore's `ExpiresIn` and `HttpMethod`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresignOptions {
    /// Seconds the URL stays valid (1 to 604,800).
    pub expires_secs: u32,
    /// The method the URL is for, when not the operation's (botocore's
    /// `HttpMethod`; e.g. `GET` for STS `GetCallerIdentity`).
    pub http_method: Option<HttpMethod>,
}

impl PresignOptions {
    /// Valid for `expires_secs` seconds, with the operation's method.
    pub const fn expires_in(expires_secs: u32) -> Self {
        PresignOptions {
            expires_secs,
            http_method: None,
        }
    }

    /// For `method` instead of the operation's.
    pub const fn method(mut self, method: HttpMethod) -> Self {
        self.http_method = Some(method);
        self
    }
}

/// An S3 presigned POST: where to post, and the form fields to send
/// (before the file, which goes last).
#[derive(Clone, Copy, Debug)]
pub struct PresignedPost<'p, 'w> {
    /// The URL to post the form to (the bucket's, as the endpoint rules
    /// resolve it for `CreateBucket`).
    pub url: &'w str,
    /// The fields.
    pub form: PostForm<'p, 'w>,
}

/// A `CreateBucket` input holding only `Bucket` (botocore builds the POST's
/// URL from that operation).
struct BucketOnly<'a> {
    index: usize,
    bucket: &'a str,
}

impl StructValue for BucketOnly<'_> {
    fn member(&self, index: usize) -> Option<Value<'_>> {
        (index == self.index).then_some(Value::Str(self.bucket))
    }
}

impl<T: Transport, C: ProvideCredentials, K: Clock + Timer> Client<'_, T, C, K> {
    /// botocore's `generate_presigned_url`: a URL anyone can use for
    /// `expires_secs` seconds (1 to 604,800) to perform `operation` with
    /// `input`, signed into its query string; written into the workspace.
    /// Same as [`presign_url_with`](Self::presign_url_with) with the
    /// operation's method.
    pub async fn presign_url<'w>(
        &self,
        operation: &str,
        input: &dyn StructValue,
        expires_secs: u32,
        ws: Workspace<'w>,
    ) -> Result<&'w str, CallError<'w>> {
        self.presign_url_with(
            operation,
            input,
            &PresignOptions::expires_in(expires_secs),
            ws,
        )
        .await
    }

    /// botocore's `generate_presigned_url` with its options: the URL for
    /// `operation` with `input`, written into the workspace's scratch buffer.
    ///
    /// The parameter and endpoint events run as for a call, then
    /// `choose-signer` and `before-sign` (botocore's presigning order);
    /// nothing is sent and no checksum or compression is applied. As in
    /// botocore, the request's body moves into the query (a query or ec2
    /// form pair by pair, a JSON object member by member) after the URL's
    /// own parameters, the form `Content-Type` is dropped, and the other
    /// headers the serializer set (`X-Amz-Target`, a JSON `Content-Type`,
    /// S3's `Content-Type` or metadata) are signed: whoever uses the URL must
    /// send them. A body that cannot move (XML, CBOR, a blob, a nested JSON
    /// member) is [`PresignError`] where botocore fails or writes Python's
    /// `repr`. S3 signs an unsigned payload, other services an empty one.
    ///
    /// ```
    /// # use stratus_core::client::{Client, ClientConfig, PresignOptions, Buffers};
    /// # use stratus_core::client::test_support::{NoTransport, VirtualClock};
    /// # use stratus_core::credentials::{Credentials, StaticCredentials};
    /// # use stratus_core::model::HttpMethod;
    /// # fn demo(entry: &'static stratus_core::client::ServiceEntry,
    /// #         input: &dyn stratus_core::model::StructValue) -> Result<(), String> {
    /// let creds = StaticCredentials::new(Credentials::new("AKIDEXAMPLE", "secret", None, None).unwrap());
    /// let client = Client::new(entry, ClientConfig::default().region("us-east-1"),
    ///     NoTransport, &creds, VirtualClock::new(1_795_334_400));
    /// let mut bufs = Buffers::<2048, 512>::new();
    /// let opts = PresignOptions::expires_in(900).method(HttpMethod::Get);
    /// let url = embassy_futures::block_on(
    ///     client.presign_url_with("GetCallerIdentity", input, &opts, bufs.workspace()))
    ///     .map_err(|e| e.to_string())?;
    /// assert!(url.contains("Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm="));
    /// # Ok(()) }
    /// ```
    pub async fn presign_url_with<'w>(
        &self,
        operation: &str,
        input: &dyn StructValue,
        options: &PresignOptions,
        ws: Workspace<'w>,
    ) -> Result<&'w str, CallError<'w>> {
        let Workspace {
            request: req_buf,
            headers: header_buf,
            url: url_buf,
            scratch,
            ..
        } = ws;
        let (op, params) = self.params(operation, input)?;
        let (target, endpoint_headers, serialized) = match self.prepare(
            op,
            &params,
            Prepared::Presigned,
            req_buf,
            url_buf,
            &mut *scratch,
        ) {
            Ok(p) => p,
            Err(refused) => return Err(refused.into_error(url_buf)),
        };
        let (url_text, query_space) = url_buf.split_at_mut(target.used.min(url_buf.len()));
        let url_text = core::str::from_utf8(url_text).unwrap_or("");
        let (host, path) = url_text
            .split_at_checked(target.host_len)
            .unwrap_or((url_text, ""));
        let mut signer = self.default_signer(op, &target);
        self.emit(
            EventKind::ChooseSigner,
            op.name,
            EventData::ChooseSigner(&mut signer),
        )?;
        let mut headers = HeaderBlock::new(header_buf);
        for (n, v) in serialized.headers() {
            headers.append(n, v).map_err(CallError::Headers)?;
        }
        for (n, v) in &endpoint_headers {
            headers.append(n, v).map_err(CallError::Headers)?;
        }
        let authority = host_header(target.scheme, host, target.port);
        headers
            .set("host", &authority)
            .map_err(CallError::Headers)?;
        let method = options.http_method.unwrap_or(op.http_method);
        let mut request = target.request(method, host, path, headers, serialized.body());
        self.emit(
            EventKind::BeforeSign,
            op.name,
            EventData::BeforeSign(&mut request),
        )?;

        let mut out = UrlSink {
            buf: scratch,
            at: 0,
        };
        let url_err = |_| CallError::Presign(PresignError::UrlTooLong);
        for part in [target.scheme, "://", &authority] {
            out.push(part).map_err(url_err)?;
        }
        if signer == SignerChoice::Unsigned {
            out.push(request.target).map_err(url_err)?;
            return Ok(out.finish());
        }
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((request.target, ""));
        let form = match resolved_protocol(&self.entry.model.metadata) {
            Protocol::Query | Protocol::Ec2 => BodyForm::Form,
            _ => BodyForm::Json,
        };
        let mut op_query = SliceWriter::new(query_space);
        write_operation_query(&mut op_query, query, request.body, form)
            .map_err(CallError::Presign)?;
        let op_query = op_query.into_str();
        out.push(path).map_err(url_err)?;

        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(CallError::Credentials)?;
        let s3 = is_s3(self.entry.model.name);
        let mut list: heapless::Vec<(&str, &str), { sigv4::MAX_SIGNED_HEADERS }> =
            heapless::Vec::new();
        for (n, v) in request.headers.iter() {
            if presign_skips(n, v) {
                continue;
            }
            list.push((n, v))
                .map_err(|_| CallError::Headers(HeadersFull))?;
        }
        let signable = SignableRequest {
            method: request.method.as_str(),
            path,
            query: op_query,
            headers: &list,
            // The body moved into the query: an empty payload is signed.
            body: if s3 {
                SignableBody::Unsigned
            } else {
                SignableBody::Bytes(&[])
            },
        };
        let signing = SigningParams {
            credentials: &credentials,
            region: request.signing_region,
            service: request.signing_name,
            time: self.skew.now(self.clock.now(), self.clock.now_ms()),
            settings: signing_settings(s3, &target).presigned(options.expires_secs),
        };
        let signed = sigv4::sign(&signable, &signing, &mut self.keys.borrow_mut())
            .map_err(CallError::Signing)?;
        out.push("?").map_err(url_err)?;
        if !op_query.is_empty() {
            out.push(op_query).map_err(url_err)?;
            out.push("&").map_err(url_err)?;
        }
        signed.write_query_to(&mut out).map_err(url_err)?;
        Ok(out.finish())
    }

    /// botocore's `generate_presigned_post` for S3: a policy allowing a
    /// browser-style `multipart/form-data` upload of `policy.key` into
    /// `policy.bucket`, and the URL to post it to (resolved by the endpoint
    /// rules for `CreateBucket`, which the client's tables must hold).
    ///
    /// The URL goes at the start of the workspace's scratch buffer and the
    /// field values after it; the policy's JSON is built in the request
    /// buffer. Post the fields, then the file, with
    /// [`FormData`](crate::http::form_data::FormData).
    ///
    /// ```
    /// # use stratus_core::client::{Client, ClientConfig, Buffers};
    /// # use stratus_core::client::test_support::{NoTransport, VirtualClock};
    /// # use stratus_core::credentials::{Credentials, StaticCredentials};
    /// # use stratus_core::sigv4::post::{Condition, PostPolicy};
    /// # fn demo(s3: &'static stratus_core::client::ServiceEntry) -> Result<(), String> {
    /// let creds = StaticCredentials::new(Credentials::new("AKIDEXAMPLE", "secret", None, None).unwrap());
    /// let client = Client::new(s3, ClientConfig::default().region("eu-west-1"),
    ///     NoTransport, &creds, VirtualClock::new(1_795_334_400));
    /// let policy = PostPolicy {
    ///     bucket: "readings", key: "uploads/${filename}", fields: &[],
    ///     conditions: &[Condition::ContentLengthRange { min: 1, max: 1 << 20 }],
    ///     expires_secs: 600,
    /// };
    /// let mut bufs = Buffers::<4096, 512>::new();
    /// let post = embassy_futures::block_on(client.presign_post(&policy, bufs.workspace()))
    ///     .map_err(|e| e.to_string())?;
    /// for (name, value) in post.form.fields() {
    ///     // send `name`/`value` as a form field to `post.url`, then the file
    ///     # let _ = (name, value);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn presign_post<'p, 'w>(
        &self,
        policy: &PostPolicy<'p>,
        ws: Workspace<'w>,
    ) -> Result<PresignedPost<'p, 'w>, CallError<'w>> {
        let Workspace {
            request: req_buf,
            url: url_buf,
            scratch,
            ..
        } = ws;
        let model = self.entry.model;
        let create = model
            .operation("CreateBucket")
            .ok_or(CallError::UnknownOperation)?;
        let index = model
            .input_of(create)
            .and_then(|shape| shape.member("Bucket"))
            .map(|(i, _)| i)
            .ok_or(CallError::UnknownOperation)?;
        let input = BucketOnly {
            index,
            bucket: policy.bucket,
        };
        let (op, params) = self.params(create.name, &input)?;
        let target = {
            match self.prepare(
                op,
                &params,
                Prepared::Presigned,
                &mut *req_buf,
                &mut *url_buf,
                &mut *scratch,
            ) {
                Ok((target, _, _)) => target,
                Err(refused) => return Err(refused.into_error(url_buf)),
            }
        };
        let url_len = self.write_post_url(&target, url_buf, &mut *scratch)?;
        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(CallError::Credentials)?;
        let time = self.skew.now(self.clock.now(), self.clock.now_ms());
        let (url, rest) = scratch.split_at_mut(url_len);
        let form = presign_post(
            policy,
            &credentials,
            target.signing_region.as_str(),
            time,
            &mut self.keys.borrow_mut(),
            req_buf,
            rest,
        )
        .map_err(|e| CallError::Presign(PresignError::Post(e)))?;
        Ok(PresignedPost {
            url: core::str::from_utf8(url).unwrap_or(""),
            form,
        })
    }

    /// Writes `scheme://authority/path?query` of the prepared request into
    /// `out`; returns its length.
    fn write_post_url(
        &self,
        target: &Target,
        url_buf: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CallError<'static>> {
        let url_text = core::str::from_utf8(url_buf.get(..target.used).unwrap_or(&[]))
            .map_err(|_| CallError::Endpoint(EndpointError::TooLong))?;
        let (host, path) = url_text
            .split_at_checked(target.host_len)
            .unwrap_or((url_text, ""));
        let authority = host_header(target.scheme, host, target.port);
        let mut sink = UrlSink { buf: out, at: 0 };
        for part in [target.scheme, "://", &authority, path] {
            sink.push(part)
                .map_err(|_| CallError::Presign(PresignError::UrlTooLong))?;
        }
        Ok(sink.at)
    }
}

/// The form `Content-Type` botocore's query signer deletes, the body having
/// moved into the query (the signer leaves its other unsigned headers out
/// itself).
fn presign_skips(name: &str, value: &str) -> bool {
    name.eq_ignore_ascii_case("content-type")
        && value == "application/x-www-form-urlencoded; charset=utf-8"
}

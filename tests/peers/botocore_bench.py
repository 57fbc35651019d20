"""botocore / boto3 1.43.11 on the peer benchmarks' inputs; one JSON line per row.

    python3 botocore_bench.py micro [REPEATS]    signing and in-memory PutRecord
    python3 botocore_bench.py seq PORT CALLS      sequential PutRecord (boto3)

Run by the runner (`cargo xtask bench`) with static credentials, empty config
files and AWS_EC2_METADATA_DISABLED=true. Nothing leaves 127.0.0.1.
"""

import datetime
import json
import resource
import statistics
import sys
import time
import timeit

import botocore
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.session

ACCESS_KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
HOST = "kinesis.us-east-1.amazonaws.com"
AMZ_DATE = "20150830T123600Z"
STREAM = "sensor-stream"
PARTITION_KEY = "device-0042"
DATA = b"temperature=21.5;humidity=40;pressure=1013;battery=3.71;seq=000042"
REPLY = (
    b'{"ShardId":"shardId-000000000000","SequenceNumber":'
    b'"49590338271490256608559692538361571095921575989136588898","EncryptionType":"NONE"}'
)


def sign_body():
    body = b'{"StreamName":"sensor-stream","PartitionKey":"device-0042","Data":"'
    body += b"Q" * (218 - len(body))
    return body + b'"}'


def per_op_ns(fn, repeats):
    """Median ns per call over `repeats` batches of about 0.2 s each."""
    number, _ = timeit.Timer(fn).autorange()
    runs = timeit.Timer(fn).repeat(repeat=repeats, number=number)
    per = sorted(r / number * 1e9 for r in runs)
    return statistics.median(per), per[0]


def emit(row, impl, ns, min_ns, **extra):
    print(json.dumps(dict(row=row, impl=impl, ns=ns, min_ns=min_ns, **extra)), flush=True)


def micro(repeats):
    # Signing: SigV4Auth at a fixed time on the signing rows' request.
    frozen = datetime.datetime.strptime(AMZ_DATE, "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda: frozen
    creds = botocore.credentials.Credentials(ACCESS_KEY_ID, SECRET)
    signer = botocore.auth.SigV4Auth(creds, "kinesis", REGION)
    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=f"https://{HOST}/",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "Kinesis_20131202.PutRecord",
        },
        data=sign_body(),
    )

    def sign():
        signer.add_auth(request)

    sign()
    signature = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    print(json.dumps(dict(row="signature", impl="botocore", signature=signature)), flush=True)
    emit("sign_uncached", "botocore", *per_op_ns(sign, repeats))
    # The real clock again for the client calls.
    botocore.auth.get_current_datetime = lambda: datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)

    # One PutRecord through a client whose before-send handler writes the
    # request's wire bytes and answers the canned reply (nothing is sent).
    session = botocore.session.get_session()
    client = session.create_client(
        "kinesis",
        region_name=REGION,
        endpoint_url="http://127.0.0.1:4566",
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET,
    )

    class Raw:
        def stream(self, **_):
            yield REPLY

    def answer(request, **_):
        path = request.url.split("://", 1)[1]
        path = path[path.find("/"):] if "/" in path else "/"
        head = f"{request.method} {path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in request.headers.items()
        ) + "\r\n"
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        wire = head.encode() + body
        assert wire
        return botocore.awsrequest.AWSResponse(
            request.url,
            200,
            {
                "x-amzn-RequestId": "c0ffee00-0000-4000-8000-000000000000",
                "Content-Type": "application/x-amz-json-1.1",
                "Content-Length": str(len(REPLY)),
            },
            Raw(),
        )

    client.meta.events.register("before-send.kinesis.PutRecord", answer)

    def call():
        out = client.put_record(StreamName=STREAM, PartitionKey=PARTITION_KEY, Data=DATA)
        assert out["ShardId"] == "shardId-000000000000"

    call()
    emit("put_record_in_memory", "botocore", *per_op_ns(call, repeats))

    def create():
        session.create_client(
            "kinesis",
            region_name=REGION,
            endpoint_url="http://127.0.0.1:4566",
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET,
        )

    emit("client_create", "botocore", *per_op_ns(create, max(3, repeats // 3)))


def seq(port, calls):
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    import boto3

    client = boto3.client(
        "kinesis",
        region_name=REGION,
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET,
    )

    def call():
        client.put_record(StreamName=STREAM, PartitionKey=PARTITION_KEY, Data=DATA)

    setup_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    call()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    for _ in range(calls):
        call()
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    print(json.dumps(dict(
        row="sequential",
        impl="boto3",
        calls=calls,
        cpu_ns_per_call=cpu * 1e9 / calls,
        calls_per_s=calls / wall,
        peak_rss_kib=r1.ru_maxrss,
        start_rss_kib=start_rss,
        setup_rss_kib=setup_rss,
    )), flush=True)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "micro":
        micro(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    elif len(sys.argv) >= 3 and sys.argv[1] == "seq":
        seq(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2000)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

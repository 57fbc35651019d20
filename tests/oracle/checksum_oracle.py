"""Request-checksum oracle: botocore 1.43's client builds each request of a JSON
list read from stdin ({service, method, calc, params, blobs}); a `before-send`
handler captures it and stops it there, so nothing is sent. Prints, per case,
the checksum headers (x-amz-checksum-*, x-amz-sdk-checksum-algorithm,
content-md5) and the base64 body, as one JSON list."""

import base64
import json
import os
import sys

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402


class Captured(Exception):
    pass


def run(case):
    session = botocore.session.Session()
    config = Config(
        request_checksum_calculation=case["calc"],
        s3={"addressing_style": "path"},
    )
    # Plain http, so botocore puts checksums in headers rather than aws-chunked trailers.
    client = session.create_client(
        case["service"],
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        config=config,
    )
    captured = {}

    def before_send(request, **_):
        headers = {}
        for k, v in request.headers.items():
            headers[k.lower()] = v.decode() if isinstance(v, bytes) else v
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        captured["headers"] = headers
        captured["body"] = base64.b64encode(body or b"").decode()
        raise Captured()

    client.meta.events.register("before-send", before_send)
    params = dict(case["params"])
    for k in case.get("blobs", []):
        params[k] = base64.b64decode(params[k])
    try:
        getattr(client, case["method"])(**params)
    except Captured:
        pass
    wanted = {
        k: v
        for k, v in captured["headers"].items()
        if k.startswith("x-amz-checksum-")
        or k in ("x-amz-sdk-checksum-algorithm", "content-md5")
    }
    return {"headers": wanted, "body": captured["body"]}


print(json.dumps([run(c) for c in json.loads(sys.stdin.read())]))

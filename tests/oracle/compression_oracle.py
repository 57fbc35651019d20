"""Request-compression oracle: botocore 1.43's client builds each request of a
JSON list read from stdin ({service, method, params, min_size, disabled}),
compressing it as its `RequestCompressor` step (`compress.py`) does; a
`before-send` handler captures the request and stops it there, so nothing is
sent. Prints, per case, the Content-Encoding header (or null) and the base64
body as sent, as one JSON list."""

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
        request_min_compression_size_bytes=case["min_size"],
        disable_request_compression=case["disabled"],
    )
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
        enc = None
        for k, v in request.headers.items():
            if k.lower() == "content-encoding":
                enc = v.decode() if isinstance(v, bytes) else v
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        captured["content_encoding"] = enc
        captured["body"] = base64.b64encode(body or b"").decode()
        raise Captured()

    client.meta.events.register("before-send", before_send)
    try:
        getattr(client, case["method"])(**case["params"])
    except Captured:
        pass
    return captured


print(json.dumps([run(c) for c in json.loads(sys.stdin.read())]))

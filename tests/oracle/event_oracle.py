"""Event-order oracle: botocore 1.43's clients run each case of a JSON list read
from stdin and record the events they emit. A `before-send` handler answers
each attempt from the case's scripted responses (or raises the scripted
connection error), so nothing leaves the process; `stub` cases answer at
`before-call` through botocore's own Stubber instead.

Case: {service, method, params, blobs, responses: [{status, headers, body_b64}
| {error: connect|closed|read_timeout}], stub: {status, body_b64} | null,
handlers: [pattern, …] | null}. With `handlers`, each pattern gets its own
recorder (registered on the session in list order) and the output lists
"pattern|event" for every call; without, one `*` recorder lists event names.

Prints one JSON list of results: {events: [...], error: code | exception name | null}.

botocore's `choose-service-name` and `creating-serializer` are left out: stratus
has no run-time service-name aliasing and builds no serializer objects.
"""

import base64
import json
import os
import sys
import time

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import botocore.session  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import (  # noqa: E402
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import Stubber  # noqa: E402

SKIPPED = {"choose-service-name", "creating-serializer"}

# Retries sleep; the oracle only counts events.
time.sleep = lambda _s: None


class Raw:
    def __init__(self, body):
        self.body = body

    def stream(self, **_):
        yield self.body


def cbor_only_models(service):
    """A data directory whose copy of `service`'s model lists only
    `smithy-rpc-v2-cbor`: botocore prefers `json` wherever a model offers
    both, and every model in 1.43.11 that offers CBOR offers JSON too."""
    import tempfile

    loader = botocore.session.Session().get_component("data_loader")
    api = loader.determine_latest_version(service, "service-2")
    model = loader.load_service_model(service, "service-2", api)
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    root = tempfile.mkdtemp(prefix="stratus-cbor-")
    os.makedirs(os.path.join(root, service, api))
    with open(os.path.join(root, service, api, "service-2.json"), "w") as f:
        json.dump(model, f)
    return root


def run(case):
    session = botocore.session.Session()
    events = []
    patterns = case.get("handlers")
    if case.get("cbor_only"):
        session.get_component("data_loader").search_paths.insert(0, cbor_only_models(case["service"]))
    if patterns:
        def labelled(p):
            def record(event_name, **_):
                if event_name.split(".")[0] not in SKIPPED:
                    events.append(f"{p}|{event_name}")

            return record

        for p in patterns:
            # "first:<pattern>" and "last:<pattern>" register with that order.
            order, _, bare = p.rpartition(":")
            emitter = session.get_component("event_emitter")
            register = {"first": emitter.register_first, "last": emitter.register_last}.get(
                order, emitter.register
            )
            register(bare, labelled(p))
    else:
        def record(event_name, **_):
            if event_name.split(".")[0] not in SKIPPED:
                events.append(event_name)

        session.register("*", record)
    client = session.create_client(
        case["service"],
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        config=Config(retries={"mode": "standard"}, s3={"addressing_style": "path"}),
    )
    params = dict(case["params"])
    for k in case.get("blobs", []):
        params[k] = base64.b64decode(params[k])
    stubber = None
    if case.get("stub"):
        stubber = Stubber(client)
        stub = case["stub"]
        if stub["status"] < 300:
            stubber.add_response(case["method"], json.loads(base64.b64decode(stub["body_b64"]) or b"{}"))
        else:
            stubber.add_client_error(case["method"], stub["code"], "stubbed", stub["status"])
        stubber.activate()
    else:
        script = iter(case["responses"])

        def before_send(request, **_):
            r = next(script)
            err = r.get("error")
            if err == "connect":
                raise EndpointConnectionError(endpoint_url=request.url)
            if err == "closed":
                raise ConnectionClosedError(endpoint_url=request.url)
            if err == "read_timeout":
                raise ReadTimeoutError(endpoint_url=request.url)
            return AWSResponse(request.url, r["status"], r.get("headers", {}), Raw(base64.b64decode(r["body_b64"])))

        client.meta.events.register("before-send", before_send)
    error = None
    try:
        getattr(client, case["method"])(**params)
    except ClientError as e:
        error = e.response.get("Error", {}).get("Code")
    except Exception as e:  # noqa: BLE001 - the exception's class is the result
        error = type(e).__name__
    return {"events": events, "error": error}


def main():
    cases = json.load(sys.stdin)
    print(json.dumps([run(c) for c in cases]))


if __name__ == "__main__":
    main()

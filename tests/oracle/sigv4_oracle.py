"""botocore as a SigV4 oracle for stratus's differential tests.

Reads one JSON object per line on stdin, writes one result line per case on
stdout, all in one process so thousands of cases run in seconds. botocore's
clock is frozen at each case's `time` (YYYYMMDDTHHMMSSZ) by replacing
botocore.auth.get_current_datetime; nothing here opens a network connection.

Modes (argv[1]):

  sign     case: {"method", "url", "headers": [[name, value], ...], "body_hex",
                  "s3": bool, "unsigned": bool, "presign_expires": int|null,
                  "service", "region", "token": str|null, "time"}
           out:  the Authorization header (header mode) or the URL's query
                 string (presign mode), then a tab, then the canonical request
                 with newlines escaped as \\n (for diagnosing mismatches).
  presign  case: {"endpoint", "bucket", "key", "expires", "token", "time",
                  "region"}
           out:  boto3's generate_presigned_url('get_object', ...)
"""

import datetime
import json
import sys
import types
from urllib.parse import urlsplit

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

_now = [None]


def _frozen(remove_tzinfo=True):
    return _now[0]


botocore.auth.get_current_datetime = _frozen


def freeze(amz_date):
    _now[0] = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")


def sign_case(case):
    freeze(case["time"])
    creds = Credentials(ACCESS_KEY, SECRET_KEY, case.get("token"))
    body = bytes.fromhex(case["body_hex"])
    request = AWSRequest(method=case["method"], url=case["url"], data=body)
    for name, value in case["headers"]:
        request.headers[name] = value  # appends: repeats are kept
    expires = case.get("presign_expires")
    if expires is not None:
        cls = botocore.auth.S3SigV4QueryAuth if case["s3"] else botocore.auth.SigV4QueryAuth
        auth = cls(creds, case["service"], case["region"], expires=expires)
    else:
        cls = botocore.auth.S3SigV4Auth if case["s3"] else botocore.auth.SigV4Auth
        auth = cls(creds, case["service"], case["region"])
    if case["unsigned"]:
        if case["s3"]:
            request.context["client_config"] = types.SimpleNamespace(
                s3={"payload_signing_enabled": False}
            )
        else:
            request.context["payload_signing_enabled"] = False
    captured = []
    original = auth.canonical_request

    def capture(req):
        captured.append(original(req))
        return captured[-1]

    auth.canonical_request = capture
    auth.add_auth(request)
    creq = captured[-1] if captured else ""
    if expires is not None:
        result = urlsplit(request.url).query
    else:
        result = request.headers["Authorization"]
    return result + "\t" + creq.replace("\\", "\\\\").replace("\n", "\\n")


def presign_case(case, clients):
    import boto3
    from botocore.config import Config

    freeze(case["time"])
    token = case.get("token")
    key = (case["endpoint"], case["region"], token)
    if key not in clients:
        clients[key] = boto3.session.Session().client(
            "s3",
            region_name=case["region"],
            endpoint_url=case["endpoint"],
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            aws_session_token=token,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )
    return clients[key].generate_presigned_url(
        "get_object",
        Params={"Bucket": case["bucket"], "Key": case["key"]},
        ExpiresIn=case["expires"],
    )


def main():
    mode = sys.argv[1]
    clients = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            out = sign_case(case) if mode == "sign" else presign_case(case, clients)
        except Exception as e:  # reported, so the Rust side fails with the reason
            out = "ERROR " + type(e).__name__ + ": " + str(e).replace("\n", " ")
        sys.stdout.write(out + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

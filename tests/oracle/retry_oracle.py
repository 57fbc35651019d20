"""Retry oracle: botocore 1.43's own retry objects replay scripted attempts.

Reads a JSON list of scenarios from stdin. Each names a mode, a service, an
operation, an optional total_max_attempts, the random draws to use, and the
calls: lists of attempts (a response, or a transport failure), with clock
readings for adaptive mode. For each scenario a client is made with that
retry configuration (nothing is sent: the endpoint is 127.0.0.1 and only the
retry handlers are called), and the handlers botocore registered for it are
driven directly:

* legacy: the handler built by retryhandler.create_retry_handler from
  _retry.json (via the client's _register_legacy_retries);
* standard / adaptive: the standard RetryHandler, with its backoff's random
  function replaced, and its quota released as the after-call hook does;
* adaptive: also the ClientRateLimiter, on a fake clock; its token bucket
  "waits" by moving the fake clock.

Prints one JSON list: per scenario, per attempt, the decision, the delay in
seconds, the stop reason, the quota left, and for adaptive the wait before the
send and the limiter's state after the response; plus the draws used.
"""

import json
import math
import os
import sys

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for _name in ("AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_NEW_RETRIES_2026"):
    os.environ.pop(_name, None)

import botocore.retryhandler as retryhandler  # noqa: E402
import botocore.session  # noqa: E402
from botocore import exceptions as bx  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.retries import adaptive, bucket, standard  # noqa: E402

# The modes compared are botocore's defaults, not the opt-in 2026 retries.
assert not standard.NEW_RETRIES_ENABLED

URL = "http://127.0.0.1:9"
CLOCK = {"t": 0.0}
CAPTURED = {}


class FakeClock:
    def current_time(self):
        return CLOCK["t"]

    def sleep(self, amount):
        CLOCK["t"] += amount


class FakeCondition:
    """Stands in for the token bucket's threading.Condition: waiting moves
    the fake clock instead of the real one."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def notify(self):
        pass

    def wait(self, amount):
        later = CLOCK["t"] + amount
        if later == CLOCK["t"]:
            later = math.nextafter(later, math.inf)
        CLOCK["t"] = later


class Draws:
    def __init__(self, values):
        self.values = values
        self.used = 0

    def __call__(self):
        value = self.values[self.used]
        self.used += 1
        return value


class RandomModule:
    """What retryhandler sees as `random`."""

    def __init__(self, draws):
        self.random = draws


def capture(module, name, key):
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        CAPTURED[key] = result
        return result

    setattr(module, name, wrapper)


capture(standard, "register_retry_handler", "standard")
capture(adaptive, "register_retry_handler", "adaptive")
capture(retryhandler, "create_retry_handler", "legacy")
bucket.Clock = FakeClock


class Raw:
    def __init__(self, body):
        self.body = body

    def stream(self, **_):
        yield self.body


def transport_error(kind):
    return {
        "Connect": lambda: bx.EndpointConnectionError(endpoint_url=URL),
        "ConnectTimeout": lambda: bx.ConnectTimeoutError(endpoint_url=URL),
        "ReadTimeout": lambda: bx.ReadTimeoutError(endpoint_url=URL),
        "ConnectionClosed": lambda: bx.ConnectionClosedError(endpoint_url=URL),
        "Other": lambda: bx.HTTPClientError(error="transport failed"),
    }[kind]()


def response_of(attempt):
    headers = {}
    if attempt.get("crc") is not None:
        headers["x-amz-crc32"] = attempt["crc"]
    http = AWSResponse(
        URL, attempt["status"], headers, Raw(attempt["body"].encode())
    )
    parsed = {
        "ResponseMetadata": {
            "HTTPStatusCode": attempt["status"],
            "HTTPHeaders": dict(headers),
        }
    }
    if attempt.get("code") is not None:
        parsed["Error"] = {"Code": attempt["code"], "Message": ""}
    return http, parsed


SESSIONS = {}


def make_client(scenario):
    session = SESSIONS.get(scenario["service"])
    if session is None:
        session = botocore.session.Session()
        SESSIONS[scenario["service"]] = session
    retries = {"mode": scenario["mode"]}
    if scenario.get("max_attempts") is not None:
        retries["total_max_attempts"] = scenario["max_attempts"]
    CAPTURED.clear()
    CLOCK["t"] = scenario.get("start_ms", 0) / 1000.0
    return session.create_client(
        scenario["service"],
        region_name="us-east-1",
        endpoint_url=URL,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        config=Config(retries=retries),
    )


def limiter_state(limiter):
    cubic = limiter._rate_adjustor.get_params_snapshot()
    tb = limiter._token_bucket
    return {
        "enabled": limiter._enabled,
        "measured_rate": float(limiter._rate_clocker.measured_rate),
        "fill_rate": float(tb.max_rate),
        "max_capacity": float(tb.max_capacity),
        "capacity": float(tb.available_capacity),
        "last_max_rate": float(cubic.w_max),
        "k": float(cubic.k),
        "last_throttle_secs": float(cubic.last_fail),
    }


def legacy_step(handler, attempt_no, response, exc, context):
    checker = handler._checker
    try:
        delay = handler(
            attempts=attempt_no,
            response=response,
            caught_exception=exc,
            request_dict={"context": context},
        )
    except bx.ChecksumError:
        return {"decision": "stop", "reason": "Crc32Mismatch"}
    except ValueError:
        return {"decision": "stop", "reason": "BadCrc32Header"}
    except Exception as e:  # the transport's own exception, re-raised
        if exc is None or e is not exc:
            raise
        caught = getattr(checker, "_retryable_exceptions", None) or ()
        used_up = attempt_no >= checker._max_attempts and isinstance(e, caught)
        return {"decision": "stop", "reason": "MaxAttempts" if used_up else "NotRetryable"}
    if delay is not None:
        return {"decision": "retry", "delay": delay}
    if response is not None and response[1]["ResponseMetadata"].get("MaxAttemptsReached"):
        reason = "MaxAttempts"
    elif response is not None and 200 <= response[0].status_code < 300:
        reason = "Success"
    else:
        reason = "NotRetryable"
    return {"decision": "stop", "reason": reason}


def standard_step(handler, kwargs, metadata):
    metadata.clear()
    try:
        delay = handler.needs_retry(**kwargs)
    except ValueError:
        return {"decision": "stop", "reason": "BadCrc32Header"}, True
    if delay is not None:
        return {"decision": "retry", "delay": delay}, False
    response = kwargs["response"]
    if metadata.get("RetryQuotaReached"):
        reason = "QuotaExhausted"
    elif metadata.get("MaxAttemptsReached") and others_retryable(handler, kwargs):
        reason = "MaxAttempts"
    elif response is not None and 200 <= response[0].status_code < 300:
        reason = "Success"
    else:
        reason = "NotRetryable"
    return {"decision": "stop", "reason": reason}, False


def others_retryable(handler, kwargs):
    """Whether the standard checks other than the attempt count call this
    attempt retryable (botocore skips them once attempts are used up; asked
    here only to name the stop reason)."""
    context = handler._retry_event_adapter.create_retry_context(**kwargs)
    try:
        return bool(
            handler._retry_policy._retry_checker._additional_checkers.is_retryable(
                context
            )
        )
    except ValueError:
        return False


def run(scenario):
    client = make_client(scenario)
    mode = scenario["mode"]
    draws = Draws(scenario["draws"])
    op_model = client.meta.service_model.operation_model(scenario["op"])
    std = limiter = legacy = None
    metadata = {}
    if mode == "legacy":
        legacy = CAPTURED["legacy"]
        retryhandler.random = RandomModule(draws)
    else:
        std = CAPTURED["standard"]
        std._retry_policy._retry_backoff._random = draws
        adapter = std._retry_event_adapter
        original_adapt = adapter.adapt_retry_response_from_context

        def adapt(context, _original=original_adapt):
            metadata.update(context.get_retry_metadata())
            return _original(context)

        adapter.adapt_retry_response_from_context = adapt
        if mode == "adaptive":
            limiter = CAPTURED["adaptive"]
            limiter._token_bucket._new_fill_rate_condition = FakeCondition()
    calls = []
    for call in scenario["calls"]:
        context = {}
        steps = []
        for i, attempt in enumerate(call):
            attempt_no = i + 1
            step = {}
            if limiter is not None:
                CLOCK["t"] = attempt["send_ms"] / 1000.0
                before = CLOCK["t"]
                limiter.on_sending_request(request=None)
                step["wait"] = CLOCK["t"] - before
                # A response cannot come before the wait is over; if stratus
                # waited less, the wait comparison reports it.
                CLOCK["t"] = max(CLOCK["t"], attempt["recv_ms"] / 1000.0)
            if "transport" in attempt:
                response, exc = None, transport_error(attempt["transport"])
            else:
                response, exc = response_of(attempt), None
            if legacy is not None:
                step.update(legacy_step(legacy, attempt_no, response, exc, context))
            else:
                kwargs = {
                    "response": response,
                    "endpoint": None,
                    "operation": op_model,
                    "attempts": attempt_no,
                    "caught_exception": exc,
                    "request_dict": {"context": context},
                }
                result, raised = standard_step(std, kwargs, metadata)
                step.update(result)
                # The limiter's needs-retry hook runs after the service's
                # (more specific) one, so not when that one raised.
                if limiter is not None and not raised:
                    limiter.on_receiving_response(**kwargs)
                    step["limiter"] = limiter_state(limiter)
                # after-call: only a call that ends with a response, no exception.
                if step["decision"] == "stop" and response is not None and not raised:
                    std._retry_quota.release_retry_quota(context, response[0])
                step["quota"] = std._retry_quota._quota.available_capacity
            steps.append(step)
            if step["decision"] == "stop":
                break
        calls.append(steps)
    return {"id": scenario["id"], "calls": calls, "draws_used": draws.used}


def main():
    scenarios = json.load(sys.stdin)
    json.dump([run(s) for s in scenarios], sys.stdout)


if __name__ == "__main__":
    main()

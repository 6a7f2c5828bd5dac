"""INIT (load the handler) then the invoke loop: next event, call the handler,
post its result or its error."""

import json
import os
import sys

from . import errors, handler, logs
from .context import ContextError, LambdaContext
from .runtime_api import RuntimeApiClient, RuntimeApiError


def _json_default(value):
    # decimal is looked up, not imported: a function that returns a Decimal has loaded it.
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def _ensure_ascii():
    # Lambda's python3.12 and later runtimes write non-ASCII characters as they are.
    env = os.environ.get("AWS_EXECUTION_ENV", "")
    prefix = "AWS_Lambda_python3."
    if env.startswith(prefix):
        try:
            return int(env[len(prefix):]) < 12
        except ValueError:
            pass
    return True


def _marshal(response, ensure_ascii):
    if isinstance(response, (bytes, bytearray)):
        return bytes(response), "application/unknown"
    try:
        text = json.dumps(response, default=_json_default, ensure_ascii=ensure_ascii)
    except (TypeError, ValueError) as e:
        raise errors.FunctionFault(errors.MARSHAL_ERROR, "Unable to marshal response: %s" % e)
    return text.encode("utf-8"), "application/json"


def _unmarshal(invocation):
    if not invocation.content_type.startswith("application/json"):
        return invocation.body
    try:
        return json.loads(invocation.body)
    except ValueError as e:
        raise errors.FunctionFault(errors.UNMARSHAL_ERROR, "Unable to unmarshal input: %s" % e)


def _prepare_sys_path(runtime_dir, task_root):
    runtime_dir = os.path.abspath(runtime_dir)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != runtime_dir]
    sys.path.insert(0, task_root)


def _set_trace_id(trace_id):
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)


def _invoke(client, function, invocation, ensure_ascii, log):
    try:
        try:
            context = LambdaContext(invocation)
        except ContextError as e:
            raise errors.FunctionFault(errors.CONTEXT_UNMARSHAL_ERROR, str(e)) from None
        result = function(_unmarshal(invocation), context)
        body, content_type = _marshal(result, ensure_ascii)
    except Exception as e:
        error = errors.from_exception(e, invocation.request_id)
        log.error(error)
        client.post_error(invocation.request_id, error)
        return
    status, answer = client.post_response(invocation.request_id, body, content_type)
    if status != 202:
        # e.g. 413 for a response over 6 MB: the platform reports it to the caller.
        sys.stderr.write(
            "[WARNING] the Runtime API refused the response (%d): %s\n"
            % (status, answer.decode("utf-8", "replace"))
        )


def main(runtime_dir):
    log = logs.FunctionLog()
    try:
        client = RuntimeApiClient(os.environ.get("AWS_LAMBDA_RUNTIME_API"))
    except RuntimeApiError as e:
        sys.stderr.write("sweetspot python runtime: %s\n" % e)
        return 2

    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    _prepare_sys_path(runtime_dir, task_root)
    try:
        os.chdir(task_root)  # Lambda runs every function in its code directory
    except OSError as e:
        sys.stderr.write("sweetspot python runtime: cannot enter LAMBDA_TASK_ROOT %s: %s\n" % (task_root, e))
        return 2
    ensure_ascii = _ensure_ascii()

    try:
        try:
            function = handler.load(os.environ.get("_HANDLER", ""))
        except Exception as e:
            error = errors.from_exception(e)
            log.error(error)
            client.post_init_error(error)
            return 1

        while True:
            invocation = client.next_invocation()
            log.set_request_id(invocation.request_id)
            _set_trace_id(invocation.trace_id)
            _invoke(client, function, invocation, ensure_ascii, log)
    except RuntimeApiError as e:
        sys.stderr.write("sweetspot python runtime: %s\n" % e)
        return 1

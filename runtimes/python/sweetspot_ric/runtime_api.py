"""HTTP client for the Lambda Runtime API, version 2018-06-01."""

import http.client
import json

API_VERSION = "2018-06-01"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"


class RuntimeApiError(Exception):
    """The Runtime API answered with an unexpected status, or could not be reached."""


class Invocation:
    """One event as GET /runtime/invocation/next delivers it."""

    def __init__(self, headers, body):
        self.request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        deadline = headers.get("Lambda-Runtime-Deadline-Ms")
        self.deadline_ms = int(deadline) if deadline else 0
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.trace_id = headers.get("Lambda-Runtime-Trace-Id")
        self.client_context = headers.get("Lambda-Runtime-Client-Context")
        self.cognito_identity = headers.get("Lambda-Runtime-Cognito-Identity")
        self.tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        self.content_type = headers.get("Content-Type") or "application/json"
        self.body = body


class RuntimeApiClient:
    """Keeps one connection to the Runtime API and reopens it when the server has
    closed it while the environment was idle (or frozen)."""

    def __init__(self, address):
        if not address:
            raise RuntimeApiError(
                "AWS_LAMBDA_RUNTIME_API is not set: this program is started by a Lambda "
                "execution environment (e.g. `sweetspot invoke`), not by hand"
            )
        self._address = address
        self._connection = None

    def next_invocation(self):
        status, headers, body = self._request(
            "GET", "/runtime/invocation/next", None, {}
        )
        if status != 200:
            raise RuntimeApiError(
                "GET /runtime/invocation/next answered %d: %s"
                % (status, body.decode("utf-8", "replace"))
            )
        return Invocation(headers, body)

    def post_response(self, request_id, body, content_type):
        """Returns (status, body) so the caller can tell e.g. 413 (too large) apart."""
        status, _, answer = self._request(
            "POST",
            "/runtime/invocation/%s/response" % request_id,
            body,
            {"Content-Type": content_type},
        )
        return status, answer

    def post_error(self, request_id, error):
        return self._post_error("/runtime/invocation/%s/error" % request_id, error)

    def post_init_error(self, error):
        return self._post_error("/runtime/init/error", error)

    def _post_error(self, path, error):
        body = json.dumps(error).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            ERROR_TYPE_HEADER: error.get("errorType") or "Unhandled",
        }
        status, _, answer = self._request("POST", path, body, headers)
        return status, answer

    def _request(self, method, path, body, headers):
        url = "/%s%s" % (API_VERSION, path)
        # A kept-alive connection the server has since closed fails before any
        # answer arrives; the request was then never seen, so sending it again on a
        # fresh connection is safe. A fresh connection that fails is a real error.
        for attempt in (1, 2):
            fresh = self._connection is None
            if fresh:
                self._connection = http.client.HTTPConnection(self._address, timeout=None)
            try:
                self._connection.request(method, url, body=body, headers=headers)
                response = self._connection.getresponse()
                answer = response.read()
                return response.status, response.headers, answer
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                self._close()
                if fresh or attempt == 2:
                    raise RuntimeApiError(
                        "%s %s failed: %s" % (method, url, e)
                    ) from e
            except OSError as e:
                self._close()
                raise RuntimeApiError(
                    "cannot reach the Runtime API at %s (%s %s): %s"
                    % (self._address, method, url, e)
                ) from e

    def _close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

"""HTTP client for the Lambda Runtime API, version 2018-06-01.

Plain HTTP/1.1 over a socket rather than http.client: importing http.client pulls
in ssl and email (~40 ms of CPU), which at 128 MB (0.07 vCPU) would add half a
second to every cold start that Lambda's own runtime does not have."""

import json
import socket

API_VERSION = "2018-06-01"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"


class RuntimeApiError(Exception):
    """The Runtime API answered with an unexpected status, or could not be reached."""


class _ClosedBeforeAnswer(Exception):
    """A kept-alive connection the server had closed: the request was not seen."""


class Invocation:
    """One event as GET /runtime/invocation/next delivers it."""

    def __init__(self, headers, body):
        self.request_id = headers.get("lambda-runtime-aws-request-id", "")
        deadline = headers.get("lambda-runtime-deadline-ms")
        self.deadline_ms = int(deadline) if deadline else 0
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn")
        self.trace_id = headers.get("lambda-runtime-trace-id")
        self.client_context = headers.get("lambda-runtime-client-context")
        self.cognito_identity = headers.get("lambda-runtime-cognito-identity")
        self.tenant_id = headers.get("lambda-runtime-aws-tenant-id")
        self.content_type = headers.get("content-type") or "application/json"
        self.body = body


class _Connection:
    def __init__(self, host, port):
        self._sock = socket.create_connection((host, port))
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = self._sock.makefile("rb")

    def close(self):
        self._reader.close()
        self._sock.close()

    def exchange(self, request):
        """Sends a whole request; returns (status, headers with lower-case names,
        body, whether the server keeps the connection)."""
        self._sock.sendall(request)
        status_line = self._reader.readline()
        if not status_line:
            raise _ClosedBeforeAnswer()
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise RuntimeApiError("not an HTTP answer: %r" % status_line[:80])
        status = int(parts[1])
        headers = {}
        while True:
            line = self._reader.readline()
            if not line:
                raise RuntimeApiError("connection closed in the middle of an answer")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("utf-8", "replace").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self._read_body(headers)
        keep = headers.get("connection", "").lower() != "close" and parts[0] != b"HTTP/1.0"
        return status, headers, body, keep

    def _read_exactly(self, n):
        data = self._reader.read(n)
        if len(data) != n:
            raise RuntimeApiError("connection closed in the middle of an answer")
        return data

    def _read_body(self, headers):
        if "content-length" in headers:
            return self._read_exactly(int(headers["content-length"]))
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int(self._reader.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self._reader.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self._read_exactly(size))
                self._reader.readline()
        return self._reader.read()  # delimited by the end of the connection


class RuntimeApiClient:
    """Keeps one connection to the Runtime API and reopens it when the server has
    closed it while the environment was idle (or frozen)."""

    def __init__(self, address):
        if not address:
            raise RuntimeApiError(
                "AWS_LAMBDA_RUNTIME_API is not set: this program is started by a Lambda "
                "execution environment (e.g. `sweetspot invoke`), not by hand"
            )
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise RuntimeApiError("AWS_LAMBDA_RUNTIME_API=%r is not host:port" % address)
        self._address = address
        self._host = host.strip("[]")
        self._port = int(port)
        self._connection = None

    def next_invocation(self):
        status, headers, body = self._request("GET", "/runtime/invocation/next", None, {})
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
        lines = ["%s %s HTTP/1.1" % (method, url), "Host: %s" % self._address]
        lines.extend("%s: %s" % item for item in headers.items())
        if body is not None:
            lines.append("Content-Length: %d" % len(body))
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + (body or b"")
        # A kept-alive connection the server has since closed fails before any
        # answer arrives; the request was then never seen, so sending it again on a
        # fresh connection is safe. A fresh connection that fails is a real error.
        for attempt in (1, 2):
            fresh = self._connection is None
            try:
                if fresh:
                    self._connection = _Connection(self._host, self._port)
                status, answer_headers, answer, keep = self._connection.exchange(request)
                if not keep:
                    self._close()
                return status, answer_headers, answer
            except (_ClosedBeforeAnswer, ConnectionResetError, BrokenPipeError) as e:
                self._close()
                if fresh or attempt == 2:
                    raise RuntimeApiError(
                        "%s %s failed: the Runtime API closed the connection (%s)"
                        % (method, url, type(e).__name__)
                    ) from e
            except OSError as e:
                self._close()
                raise RuntimeApiError(
                    "cannot reach the Runtime API at %s (%s %s): %s" % (self._address, method, url, e)
                ) from e

    def _close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

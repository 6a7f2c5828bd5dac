"""Runs the real bootstrap.py as a subprocess against a small Runtime API served by
the test, and checks what it sends back: responses, errors, init errors, logs.

Run: python3 -m unittest discover -s runtimes/python/tests
"""

import http.server
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

BOOTSTRAP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bootstrap.py")
TIMEOUT_S = 30  # generous: a loaded 2-core machine


class FakeRuntimeApi:
    """Hands out queued events on GET /next (blocking when none is left, as the
    real API long-polls) and records every POST."""

    def __init__(self, close_connections=False):
        self.events = queue.Queue()
        self.posts = queue.Queue()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, body=b"", headers=None):
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                if close_connections:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self._answer(404)
                event = api.events.get()
                if event is None:  # the test is over
                    return self._answer(500)
                headers, body = event
                self._answer(200, body, headers)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                api.posts.put((self.path, dict(self.headers), body))
                self._answer(202, b'{"status":"OK"}', {"Content-Type": "application/json"})

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # the runtime is killed mid-request at the end of each test

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.server.server_address[1]

    def add_event(self, request_id, payload, deadline_in_ms=3000, extra_headers=None):
        headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + deadline_in_ms),
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:fn",
            "Lambda-Runtime-Trace-Id": "Root=1-5f000000-000000000000000000000000;Parent=0000000000000000;Sampled=0",
            "Content-Type": "application/json",
        }
        headers.update(extra_headers or {})
        self.events.put((headers, json.dumps(payload).encode()))

    def next_post(self):
        return self.posts.get(timeout=TIMEOUT_S)

    def stop(self):
        for _ in range(4):
            self.events.put(None)
        self.server.shutdown()
        self.server.server_close()


class BootstrapTest(unittest.TestCase):
    def setUp(self):
        self.code = tempfile.mkdtemp(prefix="sweetspot-pyric-")
        self.process = None
        self.api = None

    def tearDown(self):
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.communicate()  # reaps it and closes the pipes
        if self.api is not None:
            self.api.stop()
        shutil.rmtree(self.code, ignore_errors=True)

    def write(self, relative, source):
        path = os.path.join(self.code, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(source))

    def start(self, handler, close_connections=False, env=None):
        self.api = FakeRuntimeApi(close_connections)
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": self.code,
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/27/[$LATEST]0123456789abcdef",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        full_env.update(env or {})
        # cwd elsewhere: the runtime must enter LAMBDA_TASK_ROOT itself.
        self.process = subprocess.Popen(
            [sys.executable, BOOTSTRAP],
            env=full_env,
            cwd="/",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def finish(self):
        """Ends the runtime; returns (exit code, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.kill()
        out, err = self.process.communicate(timeout=TIMEOUT_S)
        return self.process.returncode, out.decode(), err.decode()

    def expect_init_error(self, handler, error_type, message):
        self.start(handler)
        path, headers, body = self.api.next_post()
        self.assertEqual(path, "/2018-06-01/runtime/init/error")
        self.assertEqual(headers.get("Lambda-Runtime-Function-Error-Type"), error_type)
        error = json.loads(body)
        self.assertEqual(error["errorType"], error_type)
        self.assertEqual(error["errorMessage"], message)
        self.assertEqual(error["requestId"], "")
        self.assertIsInstance(error["stackTrace"], list)
        self.assertEqual(self.process.wait(timeout=TIMEOUT_S), 1)
        _, out, _ = self.finish()
        self.assertIn("[ERROR] %s: %s" % (error_type, message), out)
        return error

    # --- invokes -----------------------------------------------------------

    def test_response_and_full_context(self):
        self.write("app.py", """
            import json
            def handler(event, context):
                return {
                    "event": event,
                    "aws_request_id": context.aws_request_id,
                    "function_name": context.function_name,
                    "function_version": context.function_version,
                    "invoked_function_arn": context.invoked_function_arn,
                    "memory_limit_in_mb": context.memory_limit_in_mb,
                    "memory_is_int": isinstance(context.memory_limit_in_mb, int),
                    "log_group_name": context.log_group_name,
                    "log_stream_name": context.log_stream_name,
                    "remaining": context.get_remaining_time_in_millis(),
                    "client_custom": context.client_context.custom,
                    "client_app": context.client_context.client.app_title,
                    "identity_id": context.identity.cognito_identity_id,
                    "trace": __import__("os").environ.get("_X_AMZN_TRACE_ID"),
                }
        """)
        self.start("app.handler")
        client_context = {"custom": {"k": "v"}, "env": {}, "client": {"app_title": "demo"}}
        self.api.add_event("req-1", {"x": 1}, deadline_in_ms=3000, extra_headers={
            "Lambda-Runtime-Client-Context": json.dumps(client_context),
            "Lambda-Runtime-Cognito-Identity": json.dumps({"cognitoIdentityId": "id-1"}),
        })
        path, headers, body = self.api.next_post()
        self.assertEqual(path, "/2018-06-01/runtime/invocation/req-1/response")
        self.assertEqual(headers.get("Content-Type"), "application/json")
        result = json.loads(body)
        self.assertEqual(result["event"], {"x": 1})
        self.assertEqual(result["aws_request_id"], "req-1")
        self.assertEqual(result["function_name"], "fn")
        self.assertEqual(result["function_version"], "$LATEST")
        self.assertEqual(result["invoked_function_arn"], "arn:aws:lambda:us-east-1:123456789012:function:fn")
        self.assertEqual(result["memory_limit_in_mb"], 256)
        self.assertTrue(result["memory_is_int"])
        self.assertEqual(result["log_group_name"], "/aws/lambda/fn")
        self.assertEqual(result["log_stream_name"], "2026/11/27/[$LATEST]0123456789abcdef")
        self.assertGreater(result["remaining"], 0)
        self.assertLessEqual(result["remaining"], 3000)
        self.assertEqual(result["client_custom"], {"k": "v"})
        self.assertEqual(result["client_app"], "demo")
        self.assertEqual(result["identity_id"], "id-1")
        self.assertTrue(result["trace"].startswith("Root=1-"))

    def test_remaining_time_falls_and_environment_stays_warm(self):
        self.write("app.py", """
            import time
            calls = 0
            def handler(event, context):
                global calls
                calls += 1
                first = context.get_remaining_time_in_millis()
                time.sleep(0.3)
                return {"first": first, "second": context.get_remaining_time_in_millis(), "calls": calls}
        """)
        self.start("app.handler")
        self.api.add_event("a", {}, deadline_in_ms=5000)
        self.api.add_event("b", {}, deadline_in_ms=5000)
        first = json.loads(self.api.next_post()[2])
        second = json.loads(self.api.next_post()[2])
        self.assertLess(first["second"], first["first"])
        self.assertGreaterEqual(first["first"] - first["second"], 250)
        self.assertEqual(first["calls"], 1)
        self.assertEqual(second["calls"], 2)  # module state survives: same process

    def test_print_and_logging_reach_stdout_in_lambdas_format(self):
        self.write("app.py", """
            import logging
            print("printed at init")
            def handler(event, context):
                print("printed in handler")
                logging.getLogger().warning("careful %s", 42)
                logging.getLogger().info("hidden: the root logger keeps WARNING")
                return "ok"
        """)
        self.start("app.handler")
        self.api.add_event("req-log", {})
        self.assertEqual(json.loads(self.api.next_post()[2]), "ok")
        _, out, _ = self.finish()
        self.assertIn("printed at init\n", out)
        self.assertIn("printed in handler\n", out)
        self.assertRegex(out, r"\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-log\tcareful 42\n")
        self.assertNotIn("hidden", out)

    def test_log_level_setting_lowers_the_root_logger(self):
        self.write("app.py", """
            import logging
            def handler(event, context):
                logging.info("now visible")
                return 1
        """)
        self.start("app.handler", env={"AWS_LAMBDA_LOG_LEVEL": "INFO"})
        self.api.add_event("r", {})
        self.api.next_post()
        _, out, _ = self.finish()
        self.assertRegex(out, r"\[INFO\]\t[^\t]+\tr\tnow visible")

    def test_json_log_format(self):
        self.write("app.py", """
            import logging
            def handler(event, context):
                logging.getLogger("orders").info("placed", extra={"order": 7})
                try:
                    {}["missing"]
                except KeyError:
                    logging.exception("lookup failed")
                raise ValueError("bad")
        """)
        self.start("app.handler", env={"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"})
        self.api.add_event("req-json", {})
        self.assertTrue(self.api.next_post()[0].endswith("/error"))
        _, out, _ = self.finish()
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        self.assertEqual(len(lines), 3, out)
        info, exception, error = lines
        self.assertEqual(info["level"], "INFO")
        self.assertEqual(info["message"], "placed")
        self.assertEqual(info["logger"], "orders")
        self.assertEqual(info["requestId"], "req-json")
        self.assertEqual(info["order"], 7)
        self.assertRegex(info["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(exception["level"], "ERROR")
        self.assertEqual(exception["errorType"], "KeyError")
        self.assertIn("app.py", exception["location"])
        self.assertEqual(error["log_level"], "ERROR")
        self.assertEqual(error["errorType"], "ValueError")
        self.assertEqual(error["requestId"], "req-json")

    def test_exception_becomes_error_with_user_stack(self):
        self.write("app.py", """
            def helper():
                raise ValueError("bad input")
            def handler(event, context):
                helper()
        """)
        self.start("app.handler")
        self.api.add_event("req-err", {})
        path, headers, body = self.api.next_post()
        self.assertEqual(path, "/2018-06-01/runtime/invocation/req-err/error")
        self.assertEqual(headers.get("Lambda-Runtime-Function-Error-Type"), "ValueError")
        error = json.loads(body)
        self.assertEqual(list(error), ["errorMessage", "errorType", "requestId", "stackTrace"])
        self.assertEqual(error["errorMessage"], "bad input")
        self.assertEqual(error["errorType"], "ValueError")
        self.assertEqual(error["requestId"], "req-err")
        self.assertEqual(len(error["stackTrace"]), 2)
        self.assertIn('app.py", line 5, in handler', error["stackTrace"][0])
        self.assertIn('app.py", line 3, in helper', error["stackTrace"][1])
        self.assertNotIn("sweetspot_ric", "".join(error["stackTrace"]))
        # The runtime keeps serving after a function error.
        self.api.add_event("req-2", {})
        self.assertEqual(self.api.next_post()[0], "/2018-06-01/runtime/invocation/req-2/error")
        _, out, _ = self.finish()
        self.assertIn("[ERROR] ValueError: bad input\nTraceback (most recent call last):\n", out)

    def test_unserializable_response_is_a_marshal_error(self):
        self.write("app.py", "def handler(e, c):\n    return {1, 2}\n")
        self.start("app.handler")
        self.api.add_event("r", {})
        path, _, body = self.api.next_post()
        self.assertTrue(path.endswith("/error"))
        error = json.loads(body)
        self.assertEqual(error["errorType"], "Runtime.MarshalError")
        self.assertIn("Unable to marshal response", error["errorMessage"])

    def test_bytes_and_decimals_are_returned(self):
        self.write("app.py", """
            import decimal
            def handler(event, context):
                if event.get("raw"):
                    return b"\\x00raw"
                return {"price": decimal.Decimal("1.5"), "count": decimal.Decimal("3")}
        """)
        self.start("app.handler")
        self.api.add_event("a", {"raw": True})
        self.api.add_event("b", {})
        path, headers, body = self.api.next_post()
        self.assertEqual(body, b"\x00raw")
        self.assertEqual(headers.get("Content-Type"), "application/unknown")
        self.assertEqual(json.loads(self.api.next_post()[2]), {"price": 1.5, "count": 3})

    def test_reconnects_when_the_server_closes_connections(self):
        self.write("app.py", "def handler(e, c):\n    return e\n")
        self.start("app.handler", close_connections=True)
        for i in range(3):
            self.api.add_event("r%d" % i, {"i": i})
        for i in range(3):
            path, _, body = self.api.next_post()
            self.assertEqual(path, "/2018-06-01/runtime/invocation/r%d/response" % i)
            self.assertEqual(json.loads(body), {"i": i})

    # --- handler resolution --------------------------------------------------

    def test_dotted_and_slashed_module_paths(self):
        self.write("pkg/__init__.py", "")
        self.write("pkg/mod.py", "def fn(e, c):\n    return __name__\n")
        for handler in ("pkg.mod.fn", "pkg/mod.fn"):
            with self.subTest(handler=handler):
                self.start(handler)
                self.api.add_event("r", {})
                self.assertEqual(json.loads(self.api.next_post()[2]), "pkg.mod")
                self.finish()
                self.api.stop()
                self.api = None

    def test_function_modules_shadow_the_runtimes_own(self):
        # Modules named like the runtime's files resolve to the function's code.
        self.write("loop.py", "VALUE = 'user loop'\n")
        self.write("bootstrap.py", "def handler(e, c):\n    import loop\n    return loop.VALUE\n")
        self.start("bootstrap.handler")
        self.api.add_event("r", {})
        self.assertEqual(json.loads(self.api.next_post()[2]), "user loop")

    def test_handler_not_found(self):
        self.write("app.py", "def handler(e, c):\n    return 1\n")
        self.expect_init_error("app.nope", "Runtime.HandlerNotFound", "Handler 'nope' missing on module 'app'")

    def test_import_error(self):
        self.write("app.py", "import missing_dependency\n")
        self.expect_init_error(
            "app.handler", "Runtime.ImportModuleError",
            "Unable to import module 'app': No module named 'missing_dependency'")

    def test_missing_module(self):
        self.expect_init_error(
            "nothere.handler", "Runtime.ImportModuleError",
            "Unable to import module 'nothere': No module named 'nothere'")

    def test_syntax_error(self):
        self.write("app.py", "def handler(e, c)\n    return 1\n")
        self.start("app.handler")
        path, headers, body = self.api.next_post()
        error = json.loads(body)
        self.assertEqual(path, "/2018-06-01/runtime/init/error")
        self.assertEqual(error["errorType"], "Runtime.UserCodeSyntaxError")
        self.assertTrue(error["errorMessage"].startswith("Syntax error in module 'app': "))
        self.assertIn("app.py", error["stackTrace"][0])

    def test_malformed_handler(self):
        self.write("app.py", "")
        self.expect_init_error(
            "app", "Runtime.MalformedHandlerName",
            "Bad handler 'app': not enough values to unpack (expected 2, got 1)")

    def test_exception_at_module_init(self):
        self.write("app.py", "raise KeyError('CONFIG')\n")
        error = self.expect_init_error("app.handler", "KeyError", "'CONFIG'")
        self.assertIn('app.py", line 1, in <module>', error["stackTrace"][0])

    def test_without_runtime_api_it_says_what_starts_it(self):
        proc = subprocess.run([sys.executable, BOOTSTRAP], env={"PATH": os.environ.get("PATH", "")},
                              capture_output=True, timeout=TIMEOUT_S)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"AWS_LAMBDA_RUNTIME_API is not set", proc.stderr)


if __name__ == "__main__":
    unittest.main()

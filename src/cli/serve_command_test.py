#!/usr/bin/env python3
"""End-to-end tests of `sweetspot serve`: the real binary on a free loopback port,
driven by the real AWS CLI and boto3 with dummy credentials.

Run by CTest (see CMakeLists.txt) with SWEETSPOT_BIN (the sweetspot binary) and
SWEETSPOT_OPS_DIR (the C++ test runtime's function directory) set. Serving
needs root and cgroups: without them the tests skip, except under CI=true.
"""
import base64
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import shutil

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:  # reported by missing_requirement(): the tests skip, or fail under CI=true
    boto3 = None

BIN = os.environ.get("SWEETSPOT_BIN", "build/src/cli/sweetspot")
OPS_DIR = os.environ.get("SWEETSPOT_OPS_DIR", "build/testdata/functions/ops")
SOURCE_DIR = os.environ.get("SWEETSPOT_SOURCE_DIR", os.getcwd())
IN_CI = os.environ.get("CI") == "true"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "x",
    "AWS_SECRET_ACCESS_KEY": "x",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_MAX_ATTEMPTS": "1",  # a 429 must reach the test, not be retried away
    "AWS_RETRY_MODE": "standard",
}
# Generous: the machine is shared and loaded. It bounds a hang, it asserts no speed.
DEADLINE_S = 120


def missing_requirement():
    """Why these tests cannot run here, or None."""
    if boto3 is None:
        return "boto3 is not importable by this python3 (scripts/install-deps installs python3-boto3)"
    if shutil.which("aws") is None:
        return "the AWS CLI (aws) is not on PATH (scripts/install-deps installs awscli)"
    if os.geteuid() != 0:
        return "needs root (cgroups and a mount namespace per environment)"
    if not os.path.isdir("/sys/fs/cgroup"):
        return "no /sys/fs/cgroup"
    return None


def require_or_skip(skip):
    """Skips through `skip(reason)` when a requirement is missing; fails instead under CI=true."""
    reason = missing_requirement()
    if reason:
        if IN_CI:
            raise AssertionError("required under CI=true: " + reason)
        skip(reason)


def raise_skip(reason):
    raise unittest.SkipTest(reason)


def cgroups_of(pid):
    """The cgroups sweetspot process `pid` made (it names them <pid>-...), in every hierarchy."""
    found = glob.glob(f"/sys/fs/cgroup/sweetspot/{pid}-*") + glob.glob(f"/sys/fs/cgroup/*/sweetspot/{pid}-*")
    return [g for g in found if not g.endswith("frozen-sentinel")]


def pids_in(groups):
    pids = set()
    for g in groups:
        try:
            with open(os.path.join(g, "cgroup.procs")) as f:
                pids.update(int(line) for line in f if line.strip())
        except OSError:
            pass
    return pids


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class Server:
    """`sweetspot serve --port 0 ...`, its stderr collected, its port read from it."""

    def __init__(self, *args):
        env = dict(os.environ, **AWS_ENV)
        self.proc = subprocess.Popen([BIN, "serve", "--port", "0", *args], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=env, start_new_session=True)
        self.lines = []
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        line = self.wait_for(r"Lambda API on http://127\.0\.0\.1:(\d+)")
        if line is None:
            self.stop()
            raise RuntimeError("serve did not start: " + self.log())
        self.port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self):
        for raw in self.proc.stderr:
            with self.lock:
                self.lines.append(raw.decode(errors="replace"))
                self.lock.notify_all()
        with self.lock:
            self.lines.append(None)
            self.lock.notify_all()

    def wait_for(self, pattern, start=0):
        """The first stderr line from index `start` matching `pattern`, or None once serve exits."""
        deadline = time.monotonic() + DEADLINE_S
        with self.lock:
            i = start
            while time.monotonic() < deadline:
                while i < len(self.lines):
                    line = self.lines[i]
                    if line is None:
                        return None
                    if re.search(pattern, line):
                        return line
                    i += 1
                self.lock.wait(1)
        return None

    def wait_for_count(self, pattern, start, count):
        """True once `count` stderr lines from index `start` match `pattern`; False if serve exits first."""
        deadline = time.monotonic() + DEADLINE_S
        with self.lock:
            while time.monotonic() < deadline:
                lines = self.lines[start:]
                if None in lines:
                    return False
                if sum(1 for l in lines if re.search(pattern, l)) >= count:
                    return True
                self.lock.wait(1)
        return False

    def log(self):
        with self.lock:
            return "".join(l for l in self.lines if l)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            status = self.proc.wait(DEADLINE_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            status = self.proc.wait()
        self._wait_for_eof()
        return status

    def _wait_for_eof(self):
        """Until the reader has read stderr to its end: the last lines written before
        the exit may still be in the pipe when wait() returns."""
        deadline = time.monotonic() + DEADLINE_S
        with self.lock:
            while None not in self.lines and time.monotonic() < deadline:
                self.lock.wait(1)


def client(url, **config):
    return boto3.client("lambda", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x",
                        aws_secret_access_key="x",
                        config=botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=DEADLINE_S,
                                                      **config))


def aws(url, *args):
    """Runs the AWS CLI against serve; returns (exit status, parsed JSON stdout or text, stderr)."""
    env = dict(os.environ, **AWS_ENV)
    done = subprocess.run(["aws", "lambda", *args, "--endpoint-url", url, "--output", "json"], env=env,
                          capture_output=True, text=True, timeout=DEADLINE_S)
    out = done.stdout
    try:
        out = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        pass
    return done.returncode, out, done.stderr


def log_result(response):
    return base64.b64decode(response["LogResult"]).decode()


class ServeTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        require_or_skip(raise_skip)
        cls.python_dir = os.path.join(SOURCE_DIR, "examples", "cpu-heavy")
        cls.server = Server("--max-concurrency", "2", "--timeout", "30", OPS_DIR, cls.python_dir)
        cls.lam = client(cls.server.url)

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.stop()

    # --- Invoke -------------------------------------------------------------------------

    def test_aws_cli_invoke_with_tail_log(self):
        with tempfile.TemporaryDirectory() as tmp:
            out_file = os.path.join(tmp, "out.json")
            rc, out, err = aws(self.server.url, "invoke", "--function-name", "ops", "--payload",
                               '{"op": "echo", "from": "cli"}', "--log-type", "Tail", out_file)
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["StatusCode"], 200)
            self.assertEqual(out["ExecutedVersion"], "$LATEST")
            self.assertNotIn("FunctionError", out)
            tail = base64.b64decode(out["LogResult"]).decode()
            self.assertRegex(tail, r"REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\t"
                                   r"Memory Size: 128 MB\tMax Memory Used: \d+ MB\t.*\n$")
            with open(out_file) as f:
                self.assertEqual(json.load(f), {"op": "echo", "from": "cli"})

    def test_aws_cli_invokes_a_python_function(self):
        with tempfile.TemporaryDirectory() as tmp:
            out_file = os.path.join(tmp, "out.json")
            rc, out, err = aws(self.server.url, "invoke", "--function-name", "cpu-heavy", "--payload",
                               '{"rounds": 10}', out_file)
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["StatusCode"], 200, out)
            with open(out_file) as f:
                self.assertNotIn("FunctionError", out, f.read())

    def test_boto3_invoke_payload_and_tail(self):
        r = self.lam.invoke(FunctionName="ops", Payload=json.dumps({"op": "echo", "n": 7}), LogType="Tail")
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(json.loads(r["Payload"].read()), {"op": "echo", "n": 7})
        self.assertTrue(log_result(r).rstrip("\n").splitlines()[-1].startswith("REPORT RequestId: "))
        self.assertTrue(log_result(r).startswith("START RequestId: ") or len(log_result(r)) >= 4000)

    def test_invoke_by_arn(self):
        arn = "arn:aws:lambda:us-east-1:123456789012:function:ops"
        r = self.lam.invoke(FunctionName=arn, Payload=b'{"op": "echo"}')
        self.assertEqual(r["StatusCode"], 200)

    def test_function_error_is_200_with_unhandled(self):
        r = self.lam.invoke(FunctionName="ops", Payload=b'{"op": "no-such-op"}')
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["FunctionError"], "Unhandled")
        body = json.loads(r["Payload"].read())
        self.assertEqual(body["errorType"], "TestError")

    def test_dry_run(self):
        r = self.lam.invoke(FunctionName="ops", InvocationType="DryRun")
        self.assertEqual(r["StatusCode"], 204)
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException):
            self.lam.invoke(FunctionName="missing", InvocationType="DryRun")

    def test_event_runs_in_the_background_and_logs(self):
        marker = f"event-marker-{os.getpid()}-{time.monotonic_ns()}"
        start = len(self.server.lines)
        r = self.lam.invoke(FunctionName="ops", InvocationType="Event",
                            Payload=json.dumps({"op": "print", "text": marker}))
        self.assertEqual(r["StatusCode"], 202)
        self.assertIsNotNone(self.server.wait_for(re.escape(marker), start), self.server.log())

    def test_payload_over_6mb_is_request_too_large(self):
        with self.assertRaises(self.lam.exceptions.RequestTooLargeException):
            self.lam.invoke(FunctionName="ops", Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
        # The server still answers afterwards.
        self.assertEqual(self.lam.invoke(FunctionName="ops", InvocationType="DryRun")["StatusCode"], 204)

    def test_malformed_payload_is_invalid_request_content(self):
        with self.assertRaises(self.lam.exceptions.InvalidRequestContentException):
            self.lam.invoke(FunctionName="ops", Payload=b"{not json")

    def test_unknown_function_and_qualifier_are_not_found(self):
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException) as caught:
            self.lam.invoke(FunctionName="missing", Payload=b"{}")
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException):
            self.lam.invoke(FunctionName="ops", Qualifier="999", Payload=b"{}")
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException):
            self.lam.get_function_configuration(FunctionName="ops", Qualifier="no-alias")
        rc, _, err = aws(self.server.url, "get-function", "--function-name", "missing")
        self.assertNotEqual(rc, 0)
        self.assertIn("ResourceNotFoundException", err)

    def test_unsupported_operation_is_a_clear_4xx(self):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.lam.list_tags(Resource="arn:aws:lambda:us-east-1:123456789012:function:ops")
        error = caught.exception.response
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertEqual(error["Error"]["Code"], "UnknownOperationException")
        self.assertIn("sweetspot serve does not answer", error["Error"]["Message"])
        self.assertEqual(self.lam.invoke(FunctionName="ops", InvocationType="DryRun")["StatusCode"], 204)

    def test_list_functions_pages_as_the_aws_cli_and_boto3_follow_them(self):
        # --page-size 1: the CLI follows NextMarker page by page and joins them.
        rc, out, err = aws(self.server.url, "list-functions", "--page-size", "1")
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(f["FunctionName"] for f in out["Functions"]), ["cpu-heavy", "ops"])
        # --max-items 1: one function, and a NextToken that resumes after it.
        rc, out, err = aws(self.server.url, "list-functions", "--max-items", "1")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out["Functions"]), 1)
        first = out["Functions"][0]["FunctionName"]
        rc, rest, err = aws(self.server.url, "list-functions", "--max-items", "1", "--starting-token", out["NextToken"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted([first, rest["Functions"][0]["FunctionName"]]), ["cpu-heavy", "ops"])
        pages = list(self.lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 1}))
        self.assertEqual([len(p["Functions"]) for p in pages], [1, 1])
        with self.assertRaises(self.lam.exceptions.InvalidParameterValueException):
            self.lam.list_functions(Marker="not-a-marker")

    def test_concurrent_invokes_then_429(self):
        # Two slow invokes fill --max-concurrency 2 (each in its own environment); once
        # both have started (their START lines are in the log), a third is throttled.
        results = []
        start = len(self.server.lines)

        def slow():
            c = client(self.server.url)
            results.append(c.invoke(FunctionName="ops", Payload=b'{"op": "sleep", "ms": 20000}'))

        threads = [threading.Thread(target=slow) for _ in range(2)]
        for t in threads:
            t.start()
        self.assertTrue(self.server.wait_for_count(r"START RequestId: ", start, 2), self.server.log())
        with self.assertRaises(self.lam.exceptions.TooManyRequestsException) as caught:
            self.lam.invoke(FunctionName="ops", Payload=b'{"op": "echo"}')
        throttled = caught.exception.response
        self.assertEqual(throttled["ResponseMetadata"]["HTTPStatusCode"], 429)
        self.assertEqual(throttled["Reason"], "ConcurrentInvocationLimitExceeded")
        for t in threads:
            t.join()
        self.assertEqual([r["StatusCode"] for r in results], [200, 200])
        self.assertTrue(all("FunctionError" not in r for r in results))
        # Both environments stay warm and serve again.
        self.assertEqual(self.lam.invoke(FunctionName="ops", Payload=b'{"op": "echo"}')["StatusCode"], 200)


class ServeControlPlaneTest(unittest.TestCase):
    """Configuration, versions and aliases: a server of its own, since these change state."""

    @classmethod
    def setUpClass(cls):
        require_or_skip(raise_skip)
        cls.server = Server(OPS_DIR)
        cls.lam = client(cls.server.url)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def memory_of_invoke(self, qualifier=None):
        kwargs = {"Qualifier": qualifier} if qualifier else {}
        r = self.lam.invoke(FunctionName="ops", Payload=b"{}", LogType="Tail", **kwargs)
        self.assertEqual(r["StatusCode"], 200)
        # START names the version that ran, as X-Amz-Executed-Version does (not $LATEST for a version or alias).
        start = re.search(r"START RequestId: \S+ Version: (\S+)\n", log_result(r))
        self.assertIsNotNone(start, log_result(r))
        self.assertEqual(start.group(1), r["ExecutedVersion"])
        return int(re.search(r"Memory Size: (\d+) MB", log_result(r)).group(1)), r["ExecutedVersion"]

    def test_full_lifecycle_with_boto3(self):
        lam = self.lam
        listed = lam.list_functions()["Functions"]
        self.assertEqual([f["FunctionName"] for f in listed], ["ops"])
        config = lam.get_function_configuration(FunctionName="ops")
        self.assertEqual(config["State"], "Active")
        self.assertEqual(config["LastUpdateStatus"], "Successful")
        self.assertEqual(config["Version"], "$LATEST")
        self.assertEqual(lam.get_function(FunctionName="ops")["Configuration"]["FunctionName"], "ops")

        updated = lam.update_function_configuration(
            FunctionName="ops", MemorySize=256, Timeout=20, Description="tuned", EphemeralStorage={"Size": 1024},
            Environment={"Variables": {"MODE": "fast"}}, RevisionId=config["RevisionId"])
        self.assertEqual(updated["MemorySize"], 256)
        self.assertEqual(updated["Timeout"], 20)
        self.assertEqual(updated["EphemeralStorage"], {"Size": 1024})
        self.assertEqual(updated["Environment"]["Variables"], {"MODE": "fast"})
        self.assertNotEqual(updated["RevisionId"], config["RevisionId"])
        lam.get_waiter("function_updated").wait(FunctionName="ops")
        self.assertEqual(self.memory_of_invoke(), (256, "$LATEST"))
        env = json.loads(lam.invoke(FunctionName="ops", Payload=b'{"op": "env"}')["Payload"].read())
        self.assertIn("fast", json.dumps(env))

        version = lam.publish_version(FunctionName="ops", Description="at 256")
        self.assertEqual(version["ResponseMetadata"]["HTTPStatusCode"], 201)
        v = version["Version"]
        self.assertEqual(version["MemorySize"], 256)
        lam.update_function_configuration(FunctionName="ops", MemorySize=512)
        # The version keeps the configuration it was published with; $LATEST moved on.
        self.assertEqual(self.memory_of_invoke(v), (256, v))
        self.assertEqual(self.memory_of_invoke(), (512, "$LATEST"))
        self.assertEqual(lam.get_function_configuration(FunctionName="ops", Qualifier=v)["MemorySize"], 256)
        versions = [x["Version"] for x in lam.list_versions_by_function(FunctionName="ops")["Versions"]]
        self.assertEqual(versions, ["$LATEST", v])

        alias = lam.create_alias(FunctionName="ops", Name="sweetspot-256", FunctionVersion=v)
        self.assertEqual(alias["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertTrue(alias["AliasArn"].endswith(":function:ops:sweetspot-256"))
        self.assertEqual(self.memory_of_invoke("sweetspot-256"), (256, v))
        with self.assertRaises(lam.exceptions.ResourceConflictException):
            lam.create_alias(FunctionName="ops", Name="sweetspot-256", FunctionVersion=v)
        self.assertEqual(lam.get_alias(FunctionName="ops", Name="sweetspot-256")["FunctionVersion"], v)
        with self.assertRaises(lam.exceptions.PreconditionFailedException):
            lam.update_alias(FunctionName="ops", Name="sweetspot-256", FunctionVersion="$LATEST", RevisionId="stale")
        moved = lam.update_alias(FunctionName="ops", Name="sweetspot-256", FunctionVersion="$LATEST",
                                 RevisionId=alias["RevisionId"])
        self.assertEqual(moved["FunctionVersion"], "$LATEST")
        self.assertEqual(self.memory_of_invoke("sweetspot-256"), (512, "$LATEST"))
        self.assertEqual([a["Name"] for a in lam.list_aliases(FunctionName="ops")["Aliases"]], ["sweetspot-256"])
        lam.update_alias(FunctionName="ops", Name="sweetspot-256", FunctionVersion=v)
        with self.assertRaises(lam.exceptions.ResourceConflictException):
            lam.delete_function(FunctionName="ops", Qualifier=v)
        lam.delete_alias(FunctionName="ops", Name="sweetspot-256")
        with self.assertRaises(lam.exceptions.ResourceNotFoundException):
            lam.get_alias(FunctionName="ops", Name="sweetspot-256")
        lam.delete_function(FunctionName="ops", Qualifier=v)
        with self.assertRaises(lam.exceptions.ResourceNotFoundException):
            lam.invoke(FunctionName="ops", Qualifier=v, Payload=b"{}")
        with self.assertRaises(lam.exceptions.InvalidParameterValueException):
            lam.delete_function(FunctionName="ops", Qualifier="$LATEST")

    def test_versions_and_aliases_page_with_boto3_paginators(self):
        lam = self.lam
        made = []
        for i in range(3):
            lam.update_function_configuration(FunctionName="ops", Description=f"page {i}")
            made.append(lam.publish_version(FunctionName="ops")["Version"])
        aliases = [f"page-{i}" for i in range(3)]
        for name, version in zip(aliases, made):
            lam.create_alias(FunctionName="ops", Name=name, FunctionVersion=version)
        try:
            everything = [v["Version"] for v in lam.list_versions_by_function(FunctionName="ops",
                                                                             MaxItems=10000)["Versions"]]
            pages = list(lam.get_paginator("list_versions_by_function").paginate(
                FunctionName="ops", PaginationConfig={"PageSize": 2}))
            self.assertTrue(all(len(p["Versions"]) <= 2 for p in pages))
            self.assertGreater(len(pages), 1)
            self.assertEqual([v["Version"] for p in pages for v in p["Versions"]], everything)
            self.assertTrue(set(made) <= set(everything))
            paged = lam.get_paginator("list_aliases").paginate(FunctionName="ops", PaginationConfig={"PageSize": 1})
            self.assertTrue(set(aliases) <= {a["Name"] for p in paged for a in p["Aliases"]})
            rc, out, err = aws(self.server.url, "list-aliases", "--function-name", "ops", "--page-size", "1")
            self.assertEqual(rc, 0, err)
            self.assertTrue(set(aliases) <= {a["Name"] for a in out["Aliases"]})
        finally:
            for name in aliases:
                lam.delete_alias(FunctionName="ops", Name=name)
            for version in made:
                lam.delete_function(FunctionName="ops", Qualifier=version)

    def test_weighted_alias_is_refused_naming_the_limitation(self):
        lam = self.lam
        lam.update_function_configuration(FunctionName="ops", Description="weighted")
        version = lam.publish_version(FunctionName="ops")["Version"]
        try:
            with self.assertRaises(lam.exceptions.InvalidParameterValueException) as caught:
                lam.create_alias(FunctionName="ops", Name="weighted", FunctionVersion=version,
                                 RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}})
            self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
            self.assertIn("does not support weighted aliases", caught.exception.response["Error"]["Message"])
            rc, _, err = aws(self.server.url, "create-alias", "--function-name", "ops", "--name", "weighted",
                             "--function-version", version, "--routing-config",
                             '{"AdditionalVersionWeights": {"1": 0.5}}')
            self.assertNotEqual(rc, 0)
            self.assertIn("InvalidParameterValueException", err)
            self.assertIn("weighted aliases", err)
        finally:
            lam.delete_function(FunctionName="ops", Qualifier=version)

    def test_out_of_range_values_are_invalid_parameters(self):
        with self.assertRaises(self.lam.exceptions.InvalidParameterValueException) as caught:
            self.lam.update_function_configuration(FunctionName="ops", MemorySize=20000)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertIn("MemorySize", caught.exception.response["Error"]["Message"])
        with self.assertRaises(self.lam.exceptions.InvalidParameterValueException):
            self.lam.update_function_configuration(FunctionName="ops", Timeout=901)
        with self.assertRaises(self.lam.exceptions.InvalidParameterValueException):
            self.lam.update_function_configuration(FunctionName="ops",
                                                   Environment={"Variables": {"AWS_REGION": "x"}})
        with self.assertRaises(self.lam.exceptions.PreconditionFailedException):
            self.lam.update_function_configuration(FunctionName="ops", MemorySize=256, RevisionId="stale")
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException):
            self.lam.update_function_configuration(FunctionName="missing", MemorySize=256)

    def test_every_call_through_the_aws_cli(self):
        url = self.server.url
        rc, out, err = aws(url, "list-functions")
        self.assertEqual(rc, 0, err)
        self.assertIn("ops", [f["FunctionName"] for f in out["Functions"]])
        rc, out, err = aws(url, "get-function", "--function-name", "ops")
        self.assertEqual(rc, 0, err)
        rc, out, err = aws(url, "update-function-configuration", "--function-name", "ops", "--memory-size", "384",
                           "--description", "from the cli")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["MemorySize"], 384)
        rc, out, err = aws(url, "get-function-configuration", "--function-name", "ops")
        self.assertEqual((out["MemorySize"], out["LastUpdateStatus"]), (384, "Successful"))
        rc, out, err = aws(url, "publish-version", "--function-name", "ops")
        self.assertEqual(rc, 0, err)
        version = out["Version"]
        rc, out, err = aws(url, "create-alias", "--function-name", "ops", "--name", "cli-alias", "--function-version",
                           version)
        self.assertEqual(rc, 0, err)
        rc, out, err = aws(url, "get-alias", "--function-name", "ops", "--name", "cli-alias")
        self.assertEqual((rc, out["FunctionVersion"]), (0, version), err)
        rc, out, err = aws(url, "update-alias", "--function-name", "ops", "--name", "cli-alias", "--description", "d")
        self.assertEqual((rc, out["Description"]), (0, "d"), err)
        rc, out, err = aws(url, "list-aliases", "--function-name", "ops")
        self.assertIn("cli-alias", [a["Name"] for a in out["Aliases"]])
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, err = aws(url, "invoke", "--function-name", "ops", "--qualifier", "cli-alias", "--payload", "{}",
                               os.path.join(tmp, "out.json"))
            self.assertEqual((rc, out["ExecutedVersion"]), (0, version), err)
            rc, out, err = aws(url, "invoke", "--function-name", "ops", "--invocation-type", "DryRun",
                               os.path.join(tmp, "out.json"))
            self.assertEqual((rc, out["StatusCode"]), (0, 204), err)
        rc, out, err = aws(url, "delete-alias", "--function-name", "ops", "--name", "cli-alias")
        self.assertEqual(rc, 0, err)
        rc, out, err = aws(url, "delete-function", "--function-name", "ops", "--qualifier", version)
        self.assertEqual(rc, 0, err)
        rc, out, err = aws(url, "update-function-configuration", "--function-name", "ops", "--timeout", "901")
        self.assertNotEqual(rc, 0)
        self.assertIn("InvalidParameterValueException", err)


class ServeSignalTest(unittest.TestCase):
    def setUp(self):
        require_or_skip(self.skipTest)

    def check_leaves_nothing(self, sig):
        server = Server("--timeout", "60", "--max-concurrency", "2", OPS_DIR)
        lam = client(server.url)
        self.assertEqual(lam.invoke(FunctionName="ops", Payload=b"{}")["StatusCode"], 200)
        # When the signal comes: a synchronous invoke and an Event invoke are running (the warm
        # environment gave way to the second), and two more Event invokes wait in the queue.
        answers = []

        def in_flight():
            try:
                answers.append(client(server.url).invoke(FunctionName="ops", Payload=b'{"op": "sleep", "ms": 60000}'))
            except Exception as e:
                answers.append(e)

        start = len(server.lines)
        t = threading.Thread(target=in_flight)
        t.start()
        for _ in range(3):
            self.assertEqual(lam.invoke(FunctionName="ops", InvocationType="Event",
                                        Payload=b'{"op": "sleep", "ms": 60000}')["StatusCode"], 202)
        self.assertTrue(server.wait_for_count(r"START RequestId: ", start, 2), server.log())
        groups = cgroups_of(server.proc.pid)
        self.assertTrue(groups, "serve made no cgroup")
        pids = pids_in(groups)
        self.assertTrue(pids)
        status = server.stop(sig)
        t.join(DEADLINE_S)
        self.assertIn(status, (-sig, 128 + sig, 0))
        self.assertEqual(cgroups_of(server.proc.pid), [])
        self.assertEqual([p for p in pids if alive(p)], [])
        # The invoke in flight was answered in Lambda's error shape, not cut off.
        self.assertEqual(len(answers), 1)
        self.assertIsInstance(answers[0], botocore.exceptions.ClientError, answers[0])
        error = answers[0].response
        self.assertEqual(error["Error"]["Code"], "ServiceException")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 500)
        self.assertIn("stopping", error["Error"]["Message"])
        # Each Event invoke that could not finish is reported on stderr.
        log = server.log()
        self.assertRegex(log, r"Event invoke .*(did not run|dropped)")
        self.assertIn("invokes in flight were answered with ServiceException", log)

    def test_sigterm_leaves_no_process_or_cgroup(self):
        self.check_leaves_nothing(signal.SIGTERM)

    def test_sigint_leaves_no_process_or_cgroup(self):
        self.check_leaves_nothing(signal.SIGINT)


if __name__ == "__main__":
    unittest.main(verbosity=2)

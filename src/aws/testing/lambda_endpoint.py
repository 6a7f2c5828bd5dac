#!/usr/bin/env python3
"""A Lambda API endpoint for sweetspot's tests, in front of moto_server.

Every request's SigV4 signature is checked by an independent signer (botocore's
SigV4Auth); a bad one is answered 403 and counted. Faults can be injected (HTTP
errors, dropped connections, an update stuck InProgress, delays), and with
--answer-invokes it answers Invoke itself with a REPORT log tail (moto's own
invokes need docker). The rest is forwarded to moto. GET /__test/stats tells
the test what happened. Test code only: binds 127.0.0.1, stops when killed.
"""
import argparse
import base64
import http.client
import json
import math
import os
import re
import socket
import sys
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

LOCK = threading.Lock()
STATS = {"requests": 0, "signed_ok": 0, "bad_signatures": [], "operations": [], "faults_fired": 0,
         "invokes": 0, "session_tokens_seen": 0}
KEYS = {}  # access key id -> secret (given, or learned from AssumeRole answers)
FAULTS = []
SEEN_VERSIONS = set()


def operation_of(method, path):
    """'PUT /configuration'-style name used to match faults and count calls."""
    path = path.split("?")[0]
    if path == "/" or path == "":
        return method + " /"
    m = re.match(r"^/2015-03-31/functions/[^/]+(/.*)?$", path)
    if not m:
        return method + " " + path
    rest = m.group(1) or ""
    rest = re.sub(r"^/aliases/[^/]+$", "/aliases/NAME", rest)
    return method + " " + (rest or "/function")


def verify(handler, body):
    auth = handler.headers.get("Authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                 r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", auth)
    if not m:
        return "no SigV4 Authorization header"
    akid, _date, region, service, signed, signature = m.groups()
    secret = KEYS.get(akid)
    if secret is None:
        return "unknown access key id"
    names = signed.split(";")
    headers = {}
    for name in names:
        values = handler.headers.get_all(name)
        if values is None:
            return "signed header %s missing" % name
        headers[name] = ",".join(values)
    token = handler.headers.get("X-Amz-Security-Token")
    if token and "x-amz-security-token" not in names:
        return "session token not signed"
    request = AWSRequest(method=handler.command, url="http://%s%s" % (handler.headers["Host"], handler.path),
                         headers=headers, data=body)
    request.context["timestamp"] = handler.headers.get("X-Amz-Date", "")
    signer = SigV4Auth(Credentials(akid, secret, token), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if expected != signature:
        return "signature mismatch (botocore's canonical request: %r)" % canonical
    if token:
        with LOCK:
            STATS["session_tokens_seen"] += 1
    return None


def take_fault(op):
    with LOCK:
        for fault in FAULTS:
            if fault.get("after") and fault["after"] not in STATS["operations"]:
                continue
            if fault["match"] == op and fault.get("times", -1) != 0:
                if fault.get("times", -1) > 0:
                    fault["times"] -= 1
                STATS["faults_fired"] += 1
                return dict(fault)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message):
        self.send(status, json.dumps({"Type": "User", "message": message}).encode(),
                  {"Content-Type": "application/json", "X-Amzn-ErrorType": code})

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/__test/stats"):
            with LOCK:
                self.send(200, json.dumps(STATS).encode(), {"Content-Type": "application/json"})
            return
        op = operation_of(self.command, self.path)
        with LOCK:
            STATS["requests"] += 1
            STATS["operations"].append(op)
        problem = verify(self, body)
        if problem:
            with LOCK:
                STATS["bad_signatures"].append({"operation": op, "path": self.path, "problem": problem})
            self.error(403, "InvalidSignatureException", "The request signature we calculated does not match")
            return
        with LOCK:
            STATS["signed_ok"] += 1
        fault = take_fault(op)
        if fault and fault.get("drop"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and fault.get("status"):
            code = {429: "TooManyRequestsException", 500: "ServiceException", 502: "EC2UnexpectedException",
                    503: "ServiceUnavailableException"}.get(fault["status"], "ServiceException")
            self.error(fault["status"], code, "injected by the test endpoint")
            return
        if fault and fault.get("delay"):
            threading.Event().wait(fault["delay"])
        if op == "POST /invocations" and ARGS.answer_invokes:
            self.answer_invoke(body)
            return
        status, headers, answer = forward(self.command, self.path, dict(self.headers), body)
        if op == "POST /" and b"AssumeRoleResponse" in answer:
            learn_keys(answer)
        if fault and fault.get("stuck") and op == "GET /configuration":
            doc = json.loads(answer)
            doc["LastUpdateStatus"] = "InProgress"
            answer = json.dumps(doc).encode()
        self.send(status, answer, headers)

    def answer_invoke(self, body):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        qualifier = query.get("Qualifier", [""])[0]
        path = urllib.parse.urlsplit(self.path).path.rsplit("/invocations", 1)[0] + "/configuration"
        if qualifier:
            path += "?Qualifier=" + urllib.parse.quote(qualifier, safe="")
        status, _, answer = forward("GET", path, dict(self.headers), b"")
        if status != 200:
            self.send(status, answer, {"Content-Type": "application/json"})
            return
        config = json.loads(answer)
        memory = config["MemorySize"]
        version = config.get("Version", "$LATEST")
        request_id = str(uuid.uuid4())
        # A CPU-bound function's shape: faster with more memory, flat above one vCPU.
        duration = 20.0 + 2000.0 / min(memory / 1769.0, 1.0) / 100.0
        with LOCK:
            cold = (config.get("FunctionArn"), version) not in SEEN_VERSIONS
            SEEN_VERSIONS.add((config.get("FunctionArn"), version))
            STATS["invokes"] += 1
        init = 150.0 if cold else None
        billed = math.ceil(duration + (init or 0))
        report = ("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\t"
                  "Max Memory Used: 42 MB\t" % (request_id, duration, billed, memory))
        if init:
            report += "Init Duration: %.2f ms\t" % init
        log = "START RequestId: %s Version: %s\nEND RequestId: %s\n%s\n" % (request_id, version, request_id, report)
        self.send(200, b'{"ok": true}', {"Content-Type": "application/json", "X-Amzn-RequestId": request_id,
                                         "X-Amz-Executed-Version": version,
                                         "X-Amz-Log-Result": base64.b64encode(log.encode()).decode()})

    do_GET = do_PUT = do_POST = do_DELETE = handle_any


def forward(method, path, headers, body):
    headers = {k: v for k, v in headers.items() if k.lower() not in ("connection", "content-length", "expect")}
    conn = http.client.HTTPConnection(ARGS.upstream_host, ARGS.upstream_port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read()
        out = {k: v for k, v in response.getheaders()
               if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date")}
        return response.status, out, answer
    finally:
        conn.close()


def learn_keys(xml):
    text = xml.decode()
    akid = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text)
    secret = re.search(r"<SecretAccessKey>([^<]+)</SecretAccessKey>", text)
    if akid and secret:
        with LOCK:
            KEYS[akid.group(1)] = secret.group(1)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True, help="moto_server's http://127.0.0.1:PORT")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--key", action="append", default=[], help="ACCESS_KEY_ID:SECRET accepted")
    parser.add_argument("--faults", default="[]", help='JSON list: {"match": "PUT /configuration", "status": 429, '
                        '"times": 2} | {"drop": true} | {"stuck": true} | {"delay": seconds}; "after": OP activates it '
                        'once OP has been seen')
    parser.add_argument("--answer-invokes", action="store_true")
    ARGS = parser.parse_args()
    upstream = urllib.parse.urlsplit(ARGS.upstream)
    ARGS.upstream_host, ARGS.upstream_port = upstream.hostname, upstream.port
    for item in ARGS.key:
        akid, secret = item.split(":", 1)
        KEYS[akid] = secret
    FAULTS.extend(json.loads(ARGS.faults))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())

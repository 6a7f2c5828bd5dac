"""The slow service io-wait's function calls: answers every GET after the delay
the query asks for (?delay_ms=200), on 127.0.0.1 only. Prints its port, then
serves until killed."""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Slow(BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        delay_ms = min(10000, max(0, int(query.get("delay_ms", ["200"])[0])))
        time.sleep(delay_ms / 1000)
        body = json.dumps({"delayed_ms": delay_ms}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Slow)
    print(server.server_address[1], flush=True)
    server.serve_forever()

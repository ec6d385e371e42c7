"""An HTTP receiver of Faultline's notifications for the alert tests: records every POST as one
JSON line in --log (path, Idempotency-Key, Sentry-Hook-* headers, whether the integration
signature verified with --secret, the body) and answers 200. Prints "ready" once listening."""
import argparse
import hashlib
import hmac
import json
import sys
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--secret", default="")
    args = parser.parse_args()
    # A test runner may ignore SIGTERM, and children inherit that: stop on it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            signature = self.headers.get("Sentry-Hook-Signature")
            verified = None
            if signature is not None:
                expected = hmac.new(args.secret.encode(), body, hashlib.sha256).hexdigest()
                verified = hmac.compare_digest(expected, signature)
            record = {
                "path": self.path,
                "key": self.headers.get("Idempotency-Key"),
                "resource": self.headers.get("Sentry-Hook-Resource"),
                "timestamp": self.headers.get("Sentry-Hook-Timestamp"),
                "verified": verified,
                "body": json.loads(body or b"null"),
            }
            with lock, open(args.log, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
            status = 401 if verified is False else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("ready", flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()

"""Writes a realistic ~4 KB event envelope, gzip-compressed as the SDK sends it, captured from
the real sentry-sdk (a real exception with stack frames, breadcrumbs, tags, user and release).

    python bench/make_envelope.py OUT.gz [--size 4096]
"""
import argparse
import gzip
import io

import sentry_sdk
from sentry_sdk.transport import Transport

captured = []


class CaptureTransport(Transport):
    def capture_envelope(self, envelope):
        buffer = io.BytesIO()
        envelope.serialize_into(buffer)
        captured.append(buffer.getvalue())


def nested(depth, payload):
    if depth == 0:
        raise ConnectionError(f"upstream refused connection while fetching {payload}")
    return nested(depth - 1, payload)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--size", type=int, default=4096)
    args = parser.parse_args()
    sentry_sdk.init(dsn="http://public@127.0.0.1:9000/1", transport=CaptureTransport, release="shop@2.4.1",
                    environment="production", default_integrations=False)
    sentry_sdk.set_user({"id": "42", "email": "jane@example.com"})
    sentry_sdk.set_tag("region", "eu-west-1")
    crumbs = 0
    while True:
        sentry_sdk.add_breadcrumb(category="http", message=f"GET /api/items/{crumbs} 200", level="info")
        crumbs += 1
        captured.clear()
        try:
            nested(2, "/api/cart")
        except ConnectionError as error:
            sentry_sdk.capture_exception(error)
        sentry_sdk.flush()
        if len(captured[-1]) >= args.size or crumbs > 200:
            break
    body = captured[-1]
    with open(args.out, "wb") as out:
        out.write(gzip.compress(body))
    print(f"envelope: {len(body)} bytes, {len(gzip.compress(body))} gzip-compressed, {crumbs} breadcrumbs")


if __name__ == "__main__":
    main()

"""Writes a realistic ~4 KB event envelope, gzip-compressed as the SDK sends it, captured from
the real sentry-sdk (a real exception with stack frames, breadcrumbs, tags, user and release).

    python bench/make_envelope.py OUT.gz [--size 4096]

With --count N, writes N such envelopes instead, each with its own event_id (in the envelope
header and the event), over --kinds K exception types captured from the SDK (K issues), each
gzip-compressed on its own, to OUT as a sequence of (4-byte big-endian length, body) records:

    python bench/make_envelope.py OUT.bin --count 20000 [--kinds 10]
"""
import argparse
import gzip
import io
import struct
import uuid

import sentry_sdk
from sentry_sdk.transport import Transport

captured = []


class CaptureTransport(Transport):
    def capture_envelope(self, envelope):
        buffer = io.BytesIO()
        envelope.serialize_into(buffer)
        captured.append(buffer.getvalue())


KINDS = [ConnectionError, ValueError, KeyError, TypeError, ZeroDivisionError, RuntimeError, TimeoutError,
         PermissionError, FileNotFoundError, LookupError]


def nested(depth, payload, kind=ConnectionError):
    if depth == 0:
        raise kind(f"upstream refused connection while fetching {payload}")
    return nested(depth - 1, payload, kind)


def capture(kind, size):
    """Captures one envelope for an exception of type `kind`, adding breadcrumbs up to `size` bytes."""
    crumbs = 0
    while True:
        sentry_sdk.add_breadcrumb(category="http", message=f"GET /api/items/{crumbs} 200", level="info")
        crumbs += 1
        captured.clear()
        try:
            nested(2, "/api/cart", kind)
        except Exception as error:  # noqa: BLE001 - any of KINDS
            sentry_sdk.capture_exception(error)
        sentry_sdk.flush()
        if len(captured[-1]) >= size or crumbs > 200:
            return captured[-1], crumbs


def write_many(out, count, kinds, size):
    templates = []
    for kind in KINDS[:kinds]:
        with sentry_sdk.new_scope():
            body, _ = capture(kind, size)
        event_id = body.split(b'"event_id":"', 1)[1][:32]
        templates.append((body, event_id))
    total = 0
    with open(out, "wb") as f:
        for i in range(count):
            body, event_id = templates[i % len(templates)]
            compressed = gzip.compress(body.replace(event_id, uuid.uuid4().hex.encode()))
            f.write(struct.pack(">I", len(compressed)) + compressed)
            total += len(compressed)
    print(f"{count} envelopes over {len(templates)} exception types: ~{len(templates[0][0])} bytes each, "
          f"{total // count} gzip-compressed on average")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--count", type=int, help="write COUNT envelopes with unique event ids")
    parser.add_argument("--kinds", type=int, default=10, help=f"exception types with --count (1-{len(KINDS)})")
    args = parser.parse_args()
    sentry_sdk.init(dsn="http://public@127.0.0.1:9000/1", transport=CaptureTransport, release="shop@2.4.1",
                    environment="production", default_integrations=False)
    sentry_sdk.set_user({"id": "42", "email": "jane@example.com"})
    sentry_sdk.set_tag("region", "eu-west-1")
    if args.count:
        return write_many(args.out, args.count, max(1, min(args.kinds, len(KINDS))), args.size)
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

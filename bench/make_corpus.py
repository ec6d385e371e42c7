"""Captures a corpus of realistic event envelopes from the real sentry-sdk: about 50 shapes of
real exceptions (different types, stack depths, chained causes, messages), with breadcrumbs,
tags, user, release and request data, 2–8 KB each. Writes each uncompressed envelope to
OUT/NNN.envelope; `bench/load.py` gives each send its own event id and gzips it as the SDK does.

    .faultline/venv/bin/python bench/make_corpus.py .faultline/corpus [--shapes 50]
"""
import argparse
import io
import os
import random

import sentry_sdk
from sentry_sdk.transport import Transport

captured = []


class CaptureTransport(Transport):
    def capture_envelope(self, envelope):
        buffer = io.BytesIO()
        envelope.serialize_into(buffer)
        captured.append(buffer.getvalue())


class PaymentDeclined(Exception):
    pass


class InventoryMismatch(Exception):
    pass


def recurse(depth, action):
    if depth == 0:
        return action()
    return recurse(depth - 1, action)


ACTIONS = [
    lambda: int("abc"),
    lambda: {}["missing-key"],
    lambda: [][3],
    lambda: 1 / 0,
    lambda: None.attribute,
    lambda: open("/nonexistent/config.yaml"),
    lambda: (_ for _ in ()).throw(PaymentDeclined("card declined for order 4411")),
    lambda: (_ for _ in ()).throw(InventoryMismatch("sku 88-1 expected 4 got 2")),
    lambda: (_ for _ in ()).throw(TimeoutError("upstream timed out after 30s")),
    lambda: (_ for _ in ()).throw(ConnectionError("connection refused by db-1:5432")),
]


def chained(action):
    try:
        action()
    except Exception as cause:
        raise RuntimeError("request handler failed") from cause


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--shapes", type=int, default=50)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    random.seed(7)
    sentry_sdk.init(dsn="http://public@127.0.0.1:9000/1", transport=CaptureTransport, release="shop@2.4.1",
                    environment="production", default_integrations=False, max_breadcrumbs=100)
    sizes = []
    for shape in range(args.shapes):
        with sentry_sdk.new_scope() as scope:
            scope.set_user({"id": str(1000 + shape % 17), "email": f"user{shape % 17}@example.com"})
            scope.set_tag("region", random.choice(["eu-west-1", "us-east-1", "ap-south-1"]))
            scope.set_tag("handler", f"api.v{shape % 3}.checkout")
            scope.set_context("request", {"url": f"https://shop.example.com/api/cart/{shape}", "method": "POST"})
            for crumb in range(random.randint(5, 60)):
                scope.add_breadcrumb(category=random.choice(["http", "db.query", "ui.click"]),
                                     message=f"step {crumb} of shape {shape}: GET /api/items/{crumb} 200", level="info")
            action = ACTIONS[shape % len(ACTIONS)]
            depth = 1 + shape % 9
            captured.clear()
            try:
                if shape % 4 == 3:
                    recurse(depth, lambda: chained(action))
                else:
                    recurse(depth, action)
            except Exception as error:
                sentry_sdk.capture_exception(error)
            if shape % 10 == 9:
                sentry_sdk.capture_message(f"payment provider slow: {shape * 37} ms", level="warning")
            sentry_sdk.flush()
        for index, body in enumerate(captured):
            name = os.path.join(args.out, f"{shape:03d}-{index}.envelope")
            with open(name, "wb") as out:
                out.write(body)
            sizes.append(len(body))
    print(f"{len(sizes)} envelopes in {args.out}: {min(sizes)}–{max(sizes)} bytes, median {sorted(sizes)[len(sizes) // 2]}")


if __name__ == "__main__":
    main()

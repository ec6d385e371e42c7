"""Sends the dashboard's example errors with the real sentry-sdk: a few exceptions raised from
nested calls with breadcrumbs, a user, tags and contexts (the browser test reads them back), and
one hostile event whose message, tags, frames and breadcrumbs hold markup, `javascript:` URLs and
10 kB unbroken strings (it must render inert and inside the layout).

    FAULTLINE_DSN=... dashboard_events.py [--times N]

Prints the event ids the SDK assigned, one per line.
"""
import argparse
import os

import sentry_sdk

HOSTILE = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
LONG = "A" * 10_000


def parse_amount(text):
    return int(text)


def checkout(cart):
    total = 0
    for item in cart:
        total += parse_amount(item["amount"])
    return total


def divide(total, parts):
    return total / parts


def send_errors(times):
    ids = []
    for n in range(times):
        with sentry_sdk.new_scope() as scope:
            scope.set_user({"id": f"user-{n % 2}", "email": f"buyer{n % 2}@example.com", "username": f"buyer{n % 2}"})
            scope.set_tag("payment", "card" if n % 2 else "invoice")
            scope.set_tag("region", "eu-west")
            scope.set_context("cart", {"items": 3, "currency": "EUR"})
            sentry_sdk.add_breadcrumb(category="navigation", message="/cart -> /checkout", level="info")
            sentry_sdk.add_breadcrumb(category="http", message="POST /api/checkout", level="info",
                                      data={"status_code": 500})
            try:
                checkout([{"amount": "12"}, {"amount": "twelve"}])
            except ValueError:
                ids.append(sentry_sdk.capture_exception())
            try:
                divide(10, 0)
            except ZeroDivisionError:
                ids.append(sentry_sdk.capture_exception())
    return ids


def send_hostile():
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("xss", HOSTILE)
        scope.set_tag("long", LONG[:200])
        scope.set_user({"id": "javascript:alert(1)", "email": HOSTILE})
        scope.set_context("hostile", {"url": "javascript:alert(document.cookie)", "long": LONG})
        sentry_sdk.add_breadcrumb(category="xss", message=HOSTILE + LONG, level="error",
                                  data={"href": "javascript:alert(1)"})
        try:
            raise RuntimeError("HostileError " + HOSTILE + " " + LONG)
        except RuntimeError:
            return sentry_sdk.capture_exception()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--times", type=int, default=3)
    args = parser.parse_args()
    sentry_sdk.init(dsn=os.environ["FAULTLINE_DSN"], release="shop@2.1.0", environment="production",
                    default_integrations=False, max_breadcrumbs=50, include_local_variables=True)
    ids = send_errors(args.times) + [send_hostile()]
    sentry_sdk.flush(timeout=10)
    for event_id in ids:
        print(event_id)


if __name__ == "__main__":
    main()

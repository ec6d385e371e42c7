"""Drives the real sentry-sdk through the kinds of data an application sends.

    --mode items      capture_exception, capture_message, an attachment, a session and a
                      transaction, with --compression gzip|br|none
    --mode ratelimit  --count errors, flushing after each, so the SDK sees the relay's 429 and
                      X-Sentry-Rate-Limits and must back off (dropped events show up in its
                      client report as ratelimit_backoff)

Prints the event ids the SDK assigned, one per line. Exits non-zero if the SDK logged an
unexpected HTTP status."""
import argparse
import io
import logging
import os
import sys

import sentry_sdk

statuses = []


class StatusWatcher(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        if "Unexpected status code" in message or "status_code" in message:
            statuses.append(message)


def init(compression, debug):
    experiments = {}
    if compression != "none":
        experiments["transport_compression_algo"] = compression
    logger = logging.getLogger("sentry_sdk.errors")
    logger.addHandler(StatusWatcher())
    sentry_sdk.init(dsn=os.environ["FAULTLINE_DSN"], release="conformance@1.0", environment="test",
                    traces_sample_rate=1.0, default_integrations=False, debug=debug, _experiments=experiments)


def items():
    scope = sentry_sdk.get_isolation_scope()
    scope.start_session()
    try:
        {}["missing"]
    except KeyError as error:
        print(sentry_sdk.capture_exception(error), flush=True)
    print(sentry_sdk.capture_message("conformance message", level="warning"), flush=True)
    with sentry_sdk.new_scope() as inner:
        inner.add_attachment(bytes=b"attached log line\n" * 10, filename="app.log", content_type="text/plain")
        try:
            raise RuntimeError("with attachment")
        except RuntimeError as error:
            print(sentry_sdk.capture_exception(error), flush=True)
    with sentry_sdk.start_transaction(op="task", name="conformance-transaction"):
        with sentry_sdk.start_span(op="work"):
            pass
    scope.end_session()
    sentry_sdk.flush(timeout=120)


def ratelimit(count):
    for index in range(count):
        try:
            raise ValueError(f"rate limited {index}")
        except ValueError as error:
            eid = sentry_sdk.capture_exception(error)
            if eid:
                print(eid, flush=True)
        sentry_sdk.flush(timeout=10)
    sentry_sdk.get_client().close(timeout=10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["items", "ratelimit"], required=True)
    parser.add_argument("--compression", choices=["gzip", "br", "none"], default="gzip")
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    init(args.compression, debug=True)
    if args.mode == "items":
        items()
    else:
        ratelimit(args.count)
    unexpected = [s for s in statuses if "429" not in s] if args.mode == "ratelimit" else statuses
    if unexpected:
        print("\n".join(unexpected), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()

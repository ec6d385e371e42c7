"""Drives the real sentry-sdk for end users given on the command line (never written here:
stack frames carry this file's source lines, and an erasure test searches every table for the
erased user's identifiers). Each user is `id,email,username,ip`; `--events N` events per user,
round-robin, with the user set, a `user` tag, the address as REMOTE_ADDR, two releases, and one
extra exception kind for the first user only. Prints `<user index> <event id>` per event."""
import argparse
import os
import time

import sentry_sdk


def value_error():
    raise ValueError("invalid literal for int() with base 10: 'abc'")


def key_error():
    return {}["missing"]


def lookup_error():
    raise LookupError("only the first user meets this one")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", action="append", required=True)
    parser.add_argument("--events", type=int, default=6)
    parser.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args()
    users = [spec.split(",") for spec in args.user]
    address = {}

    def before_send(event, hint):
        event["request"] = {"url": "http://app.test/checkout", "method": "POST",
                            "env": {"REMOTE_ADDR": address["current"]}}
        event["release"] = address["release"]
        return event

    # Without local variables: main()'s locals hold every user's identifiers, so each event
    # would mention the others (erasure finds events by their user, not by free text).
    # A queue for every event: the SDK's default (100) drops events when the relay answers slowly,
    # as it does on a machine running the whole suite, and the test counts every one.
    sentry_sdk.init(dsn=os.environ["FAULTLINE_DSN"], environment="test", default_integrations=False,
                    include_local_variables=False, before_send=before_send, transport_queue_size=10_000)
    kinds = [value_error, key_error]
    for i in range(args.events):
        for index, (user_id, email, username, ip) in enumerate(users):
            sentry_sdk.set_user({"id": user_id, "email": email, "username": username, "ip_address": ip})
            sentry_sdk.set_tag("user", "email:" + email)
            address["current"] = ip
            chosen = kinds + ([lookup_error] if index == 0 else [])
            kind = chosen[i % len(chosen)]
            address["release"] = "web@1.%d.0" % (i % 2)
            try:
                kind()
            except Exception as error:  # noqa: BLE001 - every exception is the point here
                print(index, sentry_sdk.capture_exception(error), flush=True)
            if args.pause:
                time.sleep(args.pause)
    sentry_sdk.flush(timeout=120)


if __name__ == "__main__":
    main()

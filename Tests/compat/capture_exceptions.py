"""Drives the real sentry-sdk against Faultline: captures `--kinds` different exceptions
`--times` times each and prints the event ids the SDK assigned, one per line."""
import argparse
import os

import sentry_sdk


def value_error():
    raise ValueError("invalid literal for int() with base 10: 'abc'")


def key_error():
    return {}["missing"]


def zero_division():
    return 1 / 0


KINDS = [value_error, key_error, zero_division]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--kinds", type=int, default=3)
    args = parser.parse_args()
    sentry_sdk.init(dsn=os.environ["FAULTLINE_DSN"], release="web@1.0.0", environment="test",
                    default_integrations=False)
    for i in range(args.times):
        sentry_sdk.set_user({"id": f"user-{i % 4}", "email": f"user{i % 4}@example.com"})
        for kind in KINDS[: args.kinds]:
            try:
                kind()
            except Exception as error:  # noqa: BLE001 - every exception is the point here
                print(sentry_sdk.capture_exception(error), flush=True)
    sentry_sdk.flush(timeout=120)


if __name__ == "__main__":
    main()

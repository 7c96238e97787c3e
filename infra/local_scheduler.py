"""The local stage's stand-in for the Chalice schedules, which `chalice local` does not run.

`scripts/dev` starts it next to the API: the deadline sweep (deadlines, warnings, expiry) at
start and every hour, and the outbox relay every minute, as `deadline_sweep` and `outbox_relay`
in app.py do in AWS.

    python -m infra.local_scheduler            # until Ctrl-C
    python -m infra.local_scheduler --once     # one sweep and one relay run, then exit
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

SWEEP_EVERY = 3600.0
RELAY_EVERY = 60.0


def run_once() -> dict[str, int]:
    """One sweep (which also relays the outbox) and its result."""
    from chalicelib.services.sweep import run_sweep

    return run_sweep()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--once", action="store_true", help="one sweep and relay run, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[scheduler] %(message)s")
    for noisy in ("pynamodb", "botocore", "boto3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.once:
        print(json.dumps(run_once(), sort_keys=True))
        return 0
    from chalicelib.services.outbox import Relay

    next_sweep = next_relay = time.monotonic()
    try:
        while True:
            now = time.monotonic()
            # A failed run must not stop the schedule: it is logged and tried again next time.
            if now >= next_sweep:
                next_sweep = now + SWEEP_EVERY
                try:
                    logging.info("deadline sweep: %s", run_once())
                except Exception:
                    logging.exception("deadline sweep failed")
            if now >= next_relay:
                next_relay = now + RELAY_EVERY
                try:
                    delivered = Relay().run()
                    if delivered:
                        logging.info("outbox relay delivered %d", delivered)
                except Exception:
                    logging.exception("outbox relay failed")
            time.sleep(1.0)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())

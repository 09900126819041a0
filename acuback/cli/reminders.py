"""`acuback reminders send [--now ISO-DATETIME]`: send the reminders due at that moment (default
now) and print {"sent": n, "failed": n}. Idempotent: running it again sends nothing twice, so
cron or the worker may call it as often as they like.

`acuback reminders bounced MESSAGE_ID REASON`: record a bounce reported later.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys


def _instant(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO date-time: {text!r} (e.g. 2027-01-05T09:00:00+00:00)") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give the UTC offset too: {text!r}")
    return value


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback reminders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    send = sub.add_parser("send", help="send what is due; prints {\"sent\": n, \"failed\": n}")
    send.add_argument("--now", type=_instant, default=None,
                      help="the moment to send for (ISO 8601 with offset; default: now)")
    bounced = sub.add_parser("bounced", help="record that a message bounced")
    bounced.add_argument("message_id", type=int)
    bounced.add_argument("reason")
    args = parser.parse_args(argv)

    from acuback.cli.django_setup import setup

    setup()
    from acuback.audit.context import audit_context
    from acuback.reminders import services

    with audit_context("cli"):
        if args.action == "send":
            # The console mail backend (the default) prints each message: to stderr here, so
            # that stdout carries only the JSON a script reads.
            with contextlib.redirect_stdout(sys.stderr):
                count = services.reminders_send_due(now=args.now)
            print(json.dumps(count.as_dict()))
            return 0
        from acuback.accounts.access import NotFound

        try:
            message = services.message_mark_bounced(message_id=args.message_id,
                                                    reason=args.reason)
        except NotFound:
            print(f"acuback reminders: no message {args.message_id}", file=sys.stderr)
            return 2
        print(json.dumps({"id": message.pk, "status": message.status}))
    return 0

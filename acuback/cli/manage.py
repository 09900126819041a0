"""`acuback manage ARGS...`: Django's manage.py, for developers."""

from __future__ import annotations


def main(argv: list[str]) -> int:
    from acuback.cli.django_setup import setup

    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["acuback manage", *argv])
    return 0

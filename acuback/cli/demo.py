"""`acuback demo`: load the demo clinics (idempotent) and print their logins."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="acuback demo", description=__doc__).parse_args(argv)
    from acuback.cli.django_setup import migrate, setup

    setup()
    migrate()
    from rich.console import Console
    from rich.table import Table

    from acuback.demo import DEMO_PASSWORD, demo_load

    logins = demo_load()
    table = Table(title=f"acuback demo logins (password for all: {DEMO_PASSWORD})")
    for column in ("clinic", "username", "role", "name"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.clinic, login.username, login.role, login.name)
    Console().print(table)
    return 0

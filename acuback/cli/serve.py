"""`acuback serve [--host H] [--port P]`: migrate if needed, then serve with gunicorn."""

from __future__ import annotations

import argparse
import os


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("ACUBACK_WORKERS", 3)))
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")

    from acuback.cli.django_setup import migrate, setup

    setup()
    migrate()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    from gunicorn.app.base import BaseApplication

    from acuback.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)

        def load(self) -> object:
            return application

    print(f"acuback serving on http://{args.host}:{args.port}", flush=True)
    Server().run()
    return 0

"""`acuback serve [--host H] [--port P]`: migrate if needed, then serve with gunicorn.

The master process migrates, then forks the workers. It must hold no database connection when
it forks: a forked child inherits the socket, and with persistent connections (`conn_max_age`)
every worker would then talk to PostgreSQL over that one socket at once, their answers crossing
(server errors, sessions read back empty). So the master closes its connections once it has
migrated and again before every fork (gunicorn forks anew when a worker dies), and each worker
opens its own.

It also starts one background worker (`acuback worker`: booking confirmations, reminders) as a
child process, stopped with the server; `--no-worker` leaves that to a worker run elsewhere.
"""

from __future__ import annotations

import argparse
import atexit
import errno
import os
import socket
import subprocess
import sys
from typing import Any


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


def _pre_fork(server: Any, worker: Any) -> None:  # gunicorn checks a hook's arity
    _close_connections()


def _cannot_listen(host: str, port: int) -> str | None:
    """Why acuback could not listen on host:port, or None when it can. Checked before anything
    starts: gunicorn would otherwise retry for seconds and exit 1 after "serving on" was said."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port,
                                                             type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        return f"cannot find the address {host!r}: {exc.strerror}"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"port {port} on {host} is already in use (is acuback already "
                        f"running?); stop that program, or choose another port with --port")
            return f"cannot listen on {host}:{port}: {exc.strerror}"
    return None


_worker: list[subprocess.Popen[bytes]] = []


def _start_worker() -> None:
    """One `acuback worker` beside the server, in the same environment."""
    process = subprocess.Popen([sys.executable, "-m", "acuback", "worker"])  # noqa: S603
    _worker.append(process)
    atexit.register(_stop_worker)


def _stop_worker() -> None:
    for process in _worker:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    _worker.clear()


def _on_exit(server: Any) -> None:  # gunicorn checks a hook's arity
    _stop_worker()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("ACUBACK_WORKERS", 3)))
    parser.add_argument("--no-worker", action="store_true",
                        help="do not start the background worker (run `acuback worker` elsewhere)")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    problem = _cannot_listen(args.host, args.port)
    if problem:
        print(f"acuback serve: {problem}", file=sys.stderr)
        return 2

    from acuback.cli.django_setup import analyze, migrate, setup

    setup()
    migrate()
    analyze()
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
            self.cfg.set("pre_fork", _pre_fork)
            self.cfg.set("on_exit", _on_exit)

        def load(self) -> object:
            return application

    _close_connections()
    if not args.no_worker:
        _start_worker()
    print(f"acuback serving on http://{args.host}:{args.port}", flush=True)
    Server().run()
    return 0

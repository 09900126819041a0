"""A small, bounded HTTP load generator for the pages benchmark: loopback only.

Each simulated user is a thread with its own logged-in session cookie, sending one request
after another (no think time) and timing each from connect to the last byte of the body.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"  # never anything but this machine
TIMEOUT = 30.0


class LoadError(RuntimeError):
    """A request answered with an unexpected status: the benchmark measures nothing then."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def request(port: int, path: str, *, cookie: str = "", method: str = "GET",
            body: str = "", headers: dict[str, str] | None = None) -> Answer:
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        sent = {"Host": f"{HOST}:{port}", **(headers or {})}
        if cookie:
            sent["Cookie"] = cookie
        conn.request(method, path, body=body or None, headers=sent)
        response = conn.getresponse()
        data = response.read()
        found = {k.lower(): v for k, v in response.getheaders()}
        # Several Set-Cookie headers: keep each cookie's name=value, joined like a Cookie header.
        found["set-cookie"] = "; ".join(v.split(";", 1)[0] for k, v in response.getheaders()
                                        if k.lower() == "set-cookie")
        return Answer(response.status, found, data)
    finally:
        conn.close()


def _cookie_value(answer: Answer, name: str) -> str:
    match = re.search(rf"(?:^|; ){name}=([^;]*)", answer.headers.get("set-cookie", ""))
    return match.group(1) if match else ""


def login(port: int, username: str, password: str) -> str:
    """Log in through the login form like a browser; returns the Cookie header to send."""
    form = request(port, "/login/")
    csrf = _cookie_value(form, "csrftoken")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    if not csrf or token is None:
        raise LoadError("the login page has no CSRF token")
    answer = request(
        port, "/login/", method="POST", cookie=f"csrftoken={csrf}",
        body=urlencode({"username": username, "password": password,
                        "csrfmiddlewaretoken": token.group(1).decode()}),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Referer": f"http://{HOST}:{port}/login/"},
    )
    session = _cookie_value(answer, "sessionid")
    if answer.status != 302 or not session:
        raise LoadError(f"login as {username} failed ({answer.status})")
    return f"csrftoken={csrf}; sessionid={session}"


@dataclass
class Run:
    """The latencies (seconds) of one batch and how long the batch took from first to last."""

    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0


def timed(port: int, path: str, cookie: str, expect: int) -> float:
    start = time.perf_counter()
    answer = request(port, path, cookie=cookie)
    took = time.perf_counter() - start
    if answer.status != expect:
        raise LoadError(f"GET {path} answered {answer.status}, expected {expect}")
    return took


def batch(port: int, path: str, cookies: list[str], per_user: int, expect: int) -> Run:
    """Every user (one per cookie) sends `per_user` requests at once; bounded by count."""
    run = Run()
    lock = threading.Lock()
    errors: list[BaseException] = []
    start_line = threading.Barrier(len(cookies) + 1)

    def user(cookie: str) -> None:
        start_line.wait()
        mine = []
        try:
            for _ in range(per_user):
                mine.append(timed(port, path, cookie, expect))
        except BaseException as exc:  # reported by the caller, never swallowed
            errors.append(exc)
        with lock:
            run.latencies.extend(mine)

    threads = [threading.Thread(target=user, args=(c,), daemon=True) for c in cookies]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(TIMEOUT * per_user)
    run.elapsed = time.perf_counter() - began
    if errors:
        raise LoadError(str(errors[0])) from errors[0]
    return run


@dataclass
class Figures:
    p50_ms: float
    p95_ms: float
    per_second: float
    count: int


def figures(runs: list[Run]) -> Figures:
    latencies = sorted(x for run in runs for x in run.latencies)
    elapsed = sum(run.elapsed for run in runs)
    cut = statistics.quantiles(latencies, n=100, method="inclusive")
    return Figures(p50_ms=statistics.median(latencies) * 1000, p95_ms=cut[94] * 1000,
                   per_second=len(latencies) / elapsed if elapsed else 0.0,
                   count=len(latencies))

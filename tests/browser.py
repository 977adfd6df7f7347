"""A real `kg serve` on a free loopback port and Debian's chromium driven by Playwright: shared by the
end-to-end tests, scripts/screenshots.py and benchmarks/bench_explorer.py.

Chromium is the system's (apt-get install chromium), launched through its executable path; nothing
is downloaded. Every request the page makes is recorded, so callers can check none leaves loopback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


def missing() -> str | None:
    """Why the browser cannot run here, or None."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set KG_CHROMIUM)"
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


@contextmanager
def running_server(graph: Path, timeout_s: float = 30) -> Iterator[str]:
    """`kg serve` over `graph` on a free loopback port; yields its base URL, stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--graph", str(graph)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"kg serve did not start: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Watch:
    """What a page did: every request's URL, console errors and uncaught exceptions."""
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def on(cls, page) -> "Watch":
        watch = cls()
        page.on("request", lambda request: watch.requests.append(request.url))
        page.on("console", lambda message: watch.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: watch.errors.append(str(error)))
        return watch

    def outside(self) -> list[str]:
        """Requests to anything but loopback (data: and blob: URLs stay in the page)."""
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname not in LOOPBACK]

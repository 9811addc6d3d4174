"""Test support: the real emulator as a subprocess, and the test data's constants.

Paths come from the environment that bindings/python/test.sh sets up:
    SMSCODE_EMULATOR              the emulator binary (default <repo>/target/release/...)
    SMSCODE_TEST_PANIC_LIBRARY    a libsmscode built with `--features test-panic`
"""

from __future__ import annotations

import json
import os
import select
import socket
import ssl
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
EMULATOR = Path(
    os.environ.get("SMSCODE_EMULATOR") or REPO / "target" / "release" / "smscode-emulator"
)
DEMO_DOMAIN = "demo"
DEMO_SECRET = "demo-secret"
# The secret of the `marker` user domain: a string that must never show up anywhere.
MARKER_DOMAIN = "marker"
MARKER_SECRET = "MARKER-5ecret-9f3c2a7d1e"


class Emulator:
    """A running smscode-emulator and its HTTP control API."""

    def __init__(self, args: list[str], log_path: Path, cert_path: Path | None = None) -> None:
        if not EMULATOR.is_file():
            pytest.fail(f"emulator binary not found at {EMULATOR} (set SMSCODE_EMULATOR)")
        self.log_path = log_path
        # With --tls-cert-out the emulator writes its self-signed certificate here.
        self.cert_path = cert_path
        tls_args = [] if cert_path is None else ["--tls-cert-out", str(cert_path)]
        self._log = log_path.open("wb")
        # stderr goes to a file (never an undrained pipe); stdout holds one line only.
        self.process = subprocess.Popen(
            [str(EMULATOR), "--listen", "127.0.0.1:0", *args, *tls_args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline().decode() if ready else ""
        prefix = "listening on "
        if not line.startswith(prefix):
            self.stop()
            pytest.fail(f"emulator did not start: first line {line!r}, log: {self.log()}")
        self.url = line[len(prefix) :].strip()
        # No proxy from the environment: the emulator is on loopback.
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if cert_path is not None:
            context = ssl.create_default_context(cafile=cert_path)
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with self._opener.open(request, timeout=10) as answer:
            return json.loads(answer.read())

    def reset(self) -> None:
        assert self._request("POST", "/emulator/v1/reset") == {"ok": True}

    def arm_fault(self, kind: str, count: int = 1, delay_ms: int = 0) -> None:
        answer = self._request(
            "POST", "/emulator/v1/faults", {"fault": kind, "count": count, "delayMs": delay_ms}
        )
        assert answer["ok"] is True

    def codes(self, phone: str | None = None) -> list[dict[str, Any]]:
        path = "/emulator/v1/codes" + ("" if phone is None else f"?phone={phone}")
        codes: list[dict[str, Any]] = self._request("GET", path)["codes"]
        return codes


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port

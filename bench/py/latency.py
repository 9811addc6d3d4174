"""Send latency from Python, sequential, one JSON line on stdout (like the C programs).

    python latency.py requests BASE N WARMUP   requests.Session, signed with hashlib
    python latency.py binding BASE N WARMUP    the smscode package (bindings/python)

Each request is the SDK's request: POST with the 7-parameter query string, a fresh
16-character random, the current ts and the signature computed once per request.
Every answer must carry code 200 (the emulator verifies each signature).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
import time
from collections.abc import Callable

USER_DOMAIN = "demo"
SECRET = "demo-secret"
INTL_CODE = "+86"
PHONE = "13800138000"
CODE_TYPE = 2  # login
ENDPOINT_PATH = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"


def requests_sender(base: str) -> Callable[[], int]:
    """What a Python programmer writes with requests: sign with hashlib, post."""
    import requests

    session = requests.Session()
    url = base + ENDPOINT_PATH

    def send() -> int:
        random = secrets.token_hex(8)  # 16 characters
        ts = time.time_ns() // 1_000_000
        message = f"{PHONE}{CODE_TYPE}{random}{ts}{SECRET}"
        params = {
            "codeType": CODE_TYPE,
            "internationalCode": INTL_CODE,  # requests encodes "+" as %2B
            "phone": PHONE,
            "random": random,
            "signature": hashlib.sha256(message.encode()).hexdigest(),
            "ts": ts,
            "userDomain": USER_DOMAIN,
        }
        response = session.post(url, params=params, timeout=(10, 20))
        return int(response.json()["code"])

    return send


def binding_sender(base: str) -> Callable[[], int]:
    """The smscode package: one Client, kept open (keep-alive)."""
    import smscode

    client = smscode.Client(base, USER_DOMAIN, SECRET)

    def send() -> int:
        return client.send_code(INTL_CODE, PHONE, smscode.CodeType.LOGIN).code

    return send


def percentile(sorted_samples: list[int], p: float) -> int:
    """Nearest rank, as the C programs compute it."""
    rank = max(1, min(len(sorted_samples), -(-len(sorted_samples) * p // 100)))
    return sorted_samples[int(rank) - 1]


def main() -> None:
    kind, base, n, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    send = {"requests": requests_sender, "binding": binding_sender}[kind](base)
    for _ in range(warmup):
        if send() != 200:
            sys.exit(f"bench: {kind} warm-up send was not answered 200")
    samples = []
    cpu_start = time.process_time_ns()
    for _ in range(n):
        start = time.perf_counter_ns()
        code = send()
        samples.append(time.perf_counter_ns() - start)
        if code != 200:
            sys.exit(f"bench: {kind} send answered {code}")
    cpu_used = time.process_time_ns() - cpu_start
    samples.sort()
    name = {"requests": "python_requests", "binding": "python_binding"}[kind]
    print(
        json.dumps(
            {
                "name": name,
                "n": n,
                "p50_us": round(percentile(samples, 50) / 1e3, 2),
                "p99_us": round(percentile(samples, 99) / 1e3, 2),
                "mean_us": round(sum(samples) / n / 1e3, 2),
                "min_us": round(samples[0] / 1e3, 2),
                "max_us": round(samples[-1] / 1e3, 2),
                # The client's own CPU time per request (user + system).
                "cpu_us": round(cpu_used / n / 1e3, 2),
            }
        )
    )


if __name__ == "__main__":
    main()

"""Writes docs/benchmarks.md from the results bench/run.sh collected.

    python bench/report.py RESULTS_DIR OUT.md

The findings (profiling, what was fixed and why) are prose in bench/findings.md; this
report links to them instead of repeating them.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path

MIB = 1024 * 1024
SIZE_TARGET = int(1.5 * MIB)
RSS_GROWTH_TARGET_KIB = 1024


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def latency_summary(rounds: list[dict]) -> dict | None:
    """Median over rounds of each statistic (rounds are interleaved runs)."""
    if not rounds:
        return None
    keys = ["p50_us", "p99_us", "mean_us", "min_us", "cpu_us"]
    summary = {k: statistics.median(r[k] for r in rounds) for k in keys}
    summary["rounds"] = len(rounds)
    summary["n"] = rounds[0]["n"]
    summary["p50_all"] = [r["p50_us"] for r in rounds]
    return summary


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def fmt_us(value: float) -> str:
    return f"{value:,.1f}"


def main() -> None:
    results, out = Path(sys.argv[1]), Path(sys.argv[2])
    here = Path(__file__).resolve().parent
    machine = dict(
        line.split("=", 1) for line in (results / "machine.txt").read_text().splitlines()
    )
    load_start = (results / "load_start.txt").read_text().strip()
    params = json.loads((results / "params.json").read_text())
    pinning = (results / "pinning.txt").read_text().strip()

    sign = json.loads((results / "sign_ship.json").read_text())
    sign_release = json.loads((results / "sign_release.json").read_text())
    sha_variants = ["sha256_oneshot_ns", "sha256_evp_ns", "sha256_lowlevel_ns"]

    def sign_limit(data: dict) -> tuple[float, str]:
        key = min(sha_variants, key=lambda k: data[k])
        return data[key], key.removesuffix("_ns")

    limit, limit_name = sign_limit(sign)
    sign_ratio = sign["sms_sign_ns"] / limit

    lat = {
        name: latency_summary(read_jsonl(results / f"latency_{name}.jsonl"))
        for name in [
            "smscode_c",
            "smscode_c_release",
            "libcurl_c",
            "python_requests",
            "python_binding",
            "curl_cli",
        ]
    }
    c_p50 = lat["smscode_c"]["p50_us"]
    curl_p50 = lat["libcurl_c"]["p50_us"]
    req_p50 = lat["python_requests"]["p50_us"]
    bind = lat["python_binding"]

    threads = read_jsonl(results / "threads_smscode_c.jsonl")
    threads_curl = {r["threads"]: r for r in read_jsonl(results / "threads_libcurl_c.jsonl")}
    rss = json.loads((results / "rss.json").read_text())
    rss_growth = rss["end_rss_kib"] - rss["warm_rss_kib"]

    sizes: dict[str, tuple[int, str]] = {}
    for line in (results / "sizes.txt").read_text().splitlines():
        name, size, where = line.split(" ", 2)
        sizes[name] = (int(size), where)
    ship_size = sizes["smscode_ship"][0]
    curl_libs = [
        (name.removeprefix("dep:"), size, where)
        for name, (size, where) in sizes.items()
        if name.startswith("dep:") and re.match(r"dep:lib(curl|ssl|crypto)\.so", name)
    ]
    curl_total = sum(size for _, size, _ in curl_libs)
    curl_closure = [
        (name.removeprefix("dep:"), size, where)
        for name, (size, where) in sizes.items()
        if name.startswith("dep:")
        and not re.match(r"dep:(libc|libm|libpthread|libdl|libgcc_s)\.so", name)
    ]
    curl_closure_total = sum(size for _, size, _ in curl_closure)

    targets = [
        (
            "`sms_sign` vs bare SHA-256 of the same message",
            f"{sign['sms_sign_ns']:.0f} ns vs {limit:.0f} ns",
            f"{sign_ratio:.2f}x",
            "<= 2.0x",
            sign_ratio <= 2.0,
        ),
        (
            "send p50, C ABI vs libcurl (handle reused)",
            f"{fmt_us(c_p50)} µs vs {fmt_us(curl_p50)} µs",
            f"{c_p50 / curl_p50:.2f}x",
            "<= 1.0x",
            c_p50 / curl_p50 <= 1.0,
        ),
        (
            "send p50, C ABI vs Python `requests.Session`",
            f"{fmt_us(c_p50)} µs vs {fmt_us(req_p50)} µs",
            f"{c_p50 / req_p50:.2f}x",
            "<= 0.2x",
            c_p50 / req_p50 <= 0.2,
        ),
    ]
    if bind:
        targets.append(
            (
                "send p50, Python binding vs `requests.Session`",
                f"{fmt_us(bind['p50_us'])} µs vs {fmt_us(req_p50)} µs",
                f"{bind['p50_us'] / req_p50:.2f}x",
                "<= 0.25x",
                bind["p50_us"] / req_p50 <= 0.25,
            )
        )
    else:
        targets.append(
            (
                "send p50, Python binding vs `requests.Session`",
                "not measured: bindings/python was not installable",
                "-",
                "<= 0.25x",
                False,
            )
        )
    targets += [
        (
            f"RSS growth over {rss['sends']:,} sends (after {rss['warmup']:,} warm-up)",
            f"{rss_growth} KiB",
            f"{rss_growth / RSS_GROWTH_TARGET_KIB:.2f}x of budget",
            "< 1 MiB",
            rss_growth < RSS_GROWTH_TARGET_KIB,
        ),
        (
            "shipped cdylib, stripped (`ship` profile)",
            f"{ship_size / MIB:.2f} MiB ({ship_size:,} bytes)",
            f"{ship_size / SIZE_TARGET:.2f}x of budget",
            "<= 1.5 MiB",
            ship_size <= SIZE_TARGET,
        ),
    ]

    lines: list[str] = []
    add = lines.append
    add("# Benchmarks")
    add("")
    add(
        "smscode against what a user would write instead, measured side by side in one run "
        "on one machine, every request to the same server on loopback. "
        "**Generated by `bench/run.sh`**: edit the scripts in `bench/` (or the findings in "
        "`bench/findings.md`), not this file."
    )
    add("")
    add("```sh")
    add("bench/run.sh            # from a fresh clone: installs what is missing, builds, measures,")
    add("                        # rewrites docs/benchmarks.md (about 2 minutes once built)")
    add("cargo bench --bench core  # the Rust core alone (criterion)")
    add("```")
    add("")
    add(
        "Server: the project's emulator (`target/release/smscode-emulator --min-interval-secs 0 "
        "--daily-limit 0 --quiet`), which checks every signature and timestamp: each of the "
        "requests below was answered with code 200, or the run would have stopped. "
        "The C programs link the library built with the shipping profile "
        "(`target/ship/libsmscode.so`); so does the Python binding "
        "(`SMSCODE_CARGO_PROFILE=ship pip install ./bindings/python`)."
    )
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("| --- | --- |")
    add(f"| CPU | {machine['cpu']} (SHA-NI: {machine['sha_ni']}) |")
    add(f"| cores | {machine['cores']} (shared with other work; see load) |")
    add(f"| load average (1, 5, 15 min) | at start {load_start}; at end {machine['load_end']} |")
    add(f"| kernel | {machine['kernel']} |")
    add(f"| compilers | {machine['gcc']}; {machine['rustc']} |")
    add(
        f"| others | {machine['python']}, requests {machine['requests']}; {machine['openssl']}; "
        f"{machine['curl']} |"
    )
    add(f"| date | {machine['date']} (commit {machine['commit']}) |")
    add("")
    add("## Targets")
    add("")
    add("| what | measured | ratio | target | |")
    add("| --- | --- | --- | --- | --- |")
    for what, measured, ratio, target, ok in targets:
        add(f"| {what} | {measured} | {ratio} | {target} | {verdict(ok)} |")
    add("")

    add("## 1. Signing from C")
    add("")
    add(
        f"The spec's example ({sign['message_bytes']}-byte message, two SHA-256 blocks), "
        f"ns per call, best of {sign['runs']} runs of {sign['iterations']:,} calls "
        f"(the runs interleave the variants). Every variant is checked to give "
        f"adf0cd13...b891 first."
    )
    add("")
    add("| variant | ship build | release build | vs the limit (ship) |")
    add("| --- | ---: | ---: | ---: |")
    rows = [
        ("`sms_sign` (the library)", "sms_sign_ns"),
        ('C programmer: `snprintf` + OpenSSL `SHA256()` + `sprintf("%02x")`', "c_snprintf_ns"),
        ("OpenSSL `SHA256()` of the formatted message", "sha256_oneshot_ns"),
        ("OpenSSL EVP, context and `EVP_MD` reused", "sha256_evp_ns"),
        ("OpenSSL `SHA256_Init/Update/Final`", "sha256_lowlevel_ns"),
    ]
    for label, key in rows:
        add(f"| {label} | {sign[key]:.0f} | {sign_release[key]:.0f} | {sign[key] / limit:.2f}x |")
    add("")
    add(
        f"The limit is the cheapest SHA-256 of the three ({limit_name}, {limit:.0f} ns). "
        "OpenSSL 3's one-shot `SHA256()` looks the algorithm up on every call "
        "(`EVP_Q_digest`), which is why the C programmer's version is slow."
    )
    add("")

    add("## 2, 3. Send latency")
    add("")
    add(
        f"Sequential sends, one client each (keep-alive), {lat['smscode_c']['n']:,} timed "
        f"sends after {params['latency_warmup']} warm-up sends, "
        f"{lat['smscode_c']['rounds']} interleaved rounds; the table shows the median "
        f"round. Each request: POST with the 7-parameter query string, a fresh random, "
        f"the current `ts`, the signature computed once per request (OpenSSL in C, "
        f"`hashlib` in Python), and the JSON answer read. "
        + (
            f"Client and server run on one CPU (`{pinning}`, the server with "
            "`taskset -a -p`): see the unpinned round below for why."
            if pinning != "none"
            else "Client and server were not pinned (no taskset, or one CPU)."
        )
    )
    add("")
    add(
        "| client | p50 µs | p99 µs | mean µs | client CPU µs per send "
        "| p50 vs libcurl | p50 vs requests |"
    )
    add("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    labels = [
        ("smscode_c", "C: `sms_client_send`, one client (ship build)"),
        ("smscode_c_release", "C: `sms_client_send`, one client (release build)"),
        ("libcurl_c", "C: libcurl, one reused easy handle, OpenSSL signing"),
        ("python_binding", "Python: smscode binding, one `Client`"),
        ("python_requests", "Python: `requests.Session`, `hashlib` signing"),
        ("curl_cli", "`curl` command, one process per request"),
    ]
    for key, label in labels:
        s = lat[key]
        if not s:
            add(f"| {label} | not measured | | | | | |")
            continue
        add(
            f"| {label} | {fmt_us(s['p50_us'])} | {fmt_us(s['p99_us'])} | "
            f"{fmt_us(s['mean_us'])} | {fmt_us(s['cpu_us'])} | {s['p50_us'] / curl_p50:.2f}x | "
            f"{s['p50_us'] / req_p50:.2f}x |"
        )
    add("")
    add(
        "p50 of each round (µs): "
        + "; ".join(
            f"{key} {', '.join(f'{v:.0f}' for v in lat[key]['p50_all'])}"
            for key, _ in labels
            if lat[key]
        )
        + f". The `curl` command ran {lat['curl_cli']['n']} requests per round. "
        "Client CPU is the client process's own user + system time per send (for the "
        "`curl` command, the harness and its curl children), from getrusage: less "
        "sensitive to other load on the machine than the latency."
    )
    add("")

    unpinned = {
        name: json.loads(path.read_text())
        for name in ["smscode_c", "libcurl_c"]
        if (path := results / f"unpinned_{name}.json").exists()
    }
    if unpinned:
        add(
            "Unpinned (one round before the others, the scheduler free to put client and "
            "server on different CPUs):"
        )
        add("")
        add("| client | p50 µs | p99 µs | client CPU µs per send |")
        add("| --- | ---: | ---: | ---: |")
        for name, label in [
            ("smscode_c", "C: `sms_client_send` (ship)"),
            ("libcurl_c", "C: libcurl"),
        ]:
            if name in unpinned:
                u = unpinned[name]
                add(
                    f"| {label} | {fmt_us(u['p50_us'])} | {fmt_us(u['p99_us'])} | "
                    f"{fmt_us(u['cpu_us'])} |"
                )
        add("")
        add(
            "On this VM a request that crosses CPUs wakes an idle vCPU on each hop, which "
            "adds tens of µs to every client alike and hides what the clients themselves "
            "cost; under other load the vCPUs are awake and the times drop back to about "
            "the pinned ones. Hence the pinned rounds above."
        )
        add("")

    add("## 4. Throughput, threads sharing one client")
    add("")
    add(
        "C, pthreads, every thread sending through the same `SmsClient` for a fixed time "
        "(its own phone number). libcurl for reference: one easy handle per thread, "
        "since a handle cannot be shared. The server shares the same 2 cores."
    )
    add("")
    add("| threads | smscode sends/s | libcurl sends/s | smscode / libcurl |")
    add("| ---: | ---: | ---: | ---: |")
    for r in threads:
        c = threads_curl.get(r["threads"])
        ratio = f"{r['per_second'] / c['per_second']:.2f}x" if c else "-"
        curl_rate = f"{c['per_second']:,.0f}" if c else "-"
        add(f"| {r['threads']} | {r['per_second']:,.0f} | {curl_rate} | {ratio} |")
    add("")

    add("## 5. Memory over many sends")
    add("")
    add(
        f"One client, {rss['sends']:,} sequential sends after {rss['warmup']:,} warm-up "
        f"sends ({rss['seconds']:.1f} s). From `/proc/self/status`, KiB:"
    )
    add("")
    add("| when | VmHWM | VmRSS |")
    add("| --- | ---: | ---: |")
    add(f"| start (before `sms_client_new`) | {rss['start_hwm_kib']} | {rss['start_rss_kib']} |")
    add(
        f"| after {rss['warmup']:,} warm-up sends | {rss['warm_hwm_kib']} | {rss['warm_rss_kib']} |"
    )
    add(f"| after {rss['sends']:,} more sends | {rss['end_hwm_kib']} | {rss['end_rss_kib']} |")
    add(f"| after `sms_client_free` | {rss['freed_hwm_kib']} | {rss['freed_rss_kib']} |")
    add("")
    add(
        f"Growth after warm-up: {rss_growth} KiB. VmRSS after each tenth of the run: "
        + ", ".join(str(v) for v in rss["rss_by_tenth_kib"])
        + " KiB."
    )
    add("")

    add("## 6. Size")
    add("")
    add("| file | bytes | MiB |")
    add("| --- | ---: | ---: |")
    for key, label in [
        ("smscode_ship", "smscode cdylib, `ship` profile (stripped by the profile)"),
        ("smscode_ship_strip_all", "the same after `strip --strip-all`"),
        ("smscode_release", "smscode cdylib, `release` profile (for reference)"),
    ]:
        size = sizes[key][0]
        add(f"| {label} | {size:,} | {size / MIB:.2f} |")
    for name, size, where in curl_libs:
        add(f"| {name} (`{where}`) | {size:,} | {size / MIB:.2f} |")
    add(f"| **libcurl + libssl + libcrypto** | **{curl_total:,}** | **{curl_total / MIB:.2f}** |")
    add(
        f"| everything libcurl loads, libc aside ({len(curl_closure)} files) | "
        f"{curl_closure_total:,} | {curl_closure_total / MIB:.2f} |"
    )
    add("")
    add(
        "The smscode library brings its own HTTP client and TLS (rustls with ring, and the "
        "Mozilla roots); it needs only "
        + ", ".join(
            sorted(n.removeprefix("smscode_dep:") for n in sizes if n.startswith("smscode_dep:"))
        )
        + f". So it is {ship_size / curl_total:.2f}x the size of libcurl + libssl + libcrypto, "
        f"which an app gets from the system on Linux but must ship itself on Android or iOS."
    )
    add("")

    criterion = results / "criterion.txt"
    add("## The Rust core (criterion)")
    add("")
    if criterion.exists():
        add(
            "`cargo bench --bench core` (benches/core.rs), the median estimate; no server involved."
        )
        add("")
        add("| bench | time |")
        add("| --- | ---: |")
        text = criterion.read_text()
        for match in re.finditer(
            r"^(\S+)\s*\n?\s*time:\s+\[\S+ \S+ (\S+ \S+) \S+ \S+\]", text, re.M
        ):
            add(f"| `{match.group(1)}` | {match.group(2)} |")
    else:
        add("Not run in this report: `cargo bench --bench core` runs them.")
    add("")

    add("## Findings")
    add("")
    add(
        "What costs what, what was fixed and what remains: "
        "[bench/findings.md](../bench/findings.md)."
    )
    add("")
    add("## Raw data")
    add("")
    add(
        "`bench/run.sh` leaves every measurement in `bench/build/results/` (JSON lines, one "
        "per program run), next to the emulator's log."
    )
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

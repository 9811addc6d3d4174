#!/usr/bin/env bash
# Builds and runs each cargo-fuzz target in fuzz/ for SECONDS_PER_TARGET seconds
# (default 600), one after another, then prints per target the executions, the
# crashes found and the corpus size, as rows for the results table in fuzz/README.md.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]
#
# Seeds (committed): fuzz/seeds/<target>/. Working corpus: fuzz/corpus/<target>/,
# crashes: fuzz/artifacts/<target>/, libFuzzer output: $FUZZ_LOG_DIR (default
# fuzz/logs/); all three are gitignored. A crash is minimized with `cargo fuzz tmin`
# and the other targets still run; the script exits 1 if any target crashed.
# Needs rustup (installs nightly and cargo-fuzz when missing).
set -euo pipefail

SECONDS_PER_TARGET="${1:-600}"
TARGETS=(parse_body sign urls)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"
LOG_DIR="${FUZZ_LOG_DIR:-$FUZZ/logs}"

if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [SECONDS_PER_TARGET]" >&2
    exit 2
fi

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

mkdir -p "$LOG_DIR"
cd "$ROOT"
# Build once up front, so the fuzzing time is all fuzzing.
cargo +nightly fuzz build

rows=()
failed=0
for target in "${TARGETS[@]}"; do
    corpus="$FUZZ/corpus/$target"
    artifacts="$FUZZ/artifacts/$target"
    log="$LOG_DIR/$target.log"
    mkdir -p "$corpus" "$artifacts"
    marker="$(mktemp)"
    started="$(date -u +%Y-%m-%d)"
    command="cargo +nightly fuzz run $target fuzz/corpus/$target fuzz/seeds/$target -- -max_total_time=$SECONDS_PER_TARGET -rss_limit_mb=2048 -print_final_stats=1"
    echo "== $target: $SECONDS_PER_TARGET s, log $log"
    # New inputs go to the first directory (the working corpus); the seeds are read only.
    # libFuzzer exits non-zero on a crash: count it below instead of stopping here.
    status=0
    cargo +nightly fuzz run "$target" "$corpus" "$FUZZ/seeds/$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1 || status=$?

    executions="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)"
    crashes=()
    while IFS= read -r file; do
        crashes+=("$file")
    done < <(find "$artifacts" -type f -newer "$marker" ! -name 'minimized-from-*' | sort)
    rm -f "$marker"
    corpus_files="$(find "$corpus" -type f | wc -l)"
    corpus_bytes="$(du -sb "$corpus" | cut -f1)"

    echo "   exit status:  $status"
    echo "   executions:   ${executions:-unknown}"
    echo "   crashes:      ${#crashes[@]}"
    echo "   corpus:       $corpus_files files, $corpus_bytes bytes"
    if [ "$status" -ne 0 ] && [ "${#crashes[@]}" -eq 0 ]; then
        echo "   libFuzzer failed without an artifact; see $log" >&2
        tail -n 20 "$log" >&2
        failed=1
    fi
    for crash in "${crashes[@]}"; do
        failed=1
        echo "   crash: $crash"
        grep -m 1 -A 3 'panicked at' "$log" | sed 's/^/     /' || true
        # Shrink it; cargo fuzz tmin writes minimized-from-<hash> files next to it,
        # the newest being the smallest.
        tmin_marker="$(mktemp)"
        cargo +nightly fuzz tmin "$target" "$crash" -- -rss_limit_mb=2048 \
            >"$log.tmin" 2>&1 || true
        minimized="$(find "$artifacts" -type f -name 'minimized-from-*' -newer "$tmin_marker" \
            -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)"
        rm -f "$tmin_marker"
        if [ -n "$minimized" ]; then
            echo "   minimized: $minimized"
            od -A d -c "$minimized" | head -n 20 | sed 's/^/     /'
        fi
    done
    rows+=("| $target | $SECONDS_PER_TARGET | ${executions:-unknown} | ${#crashes[@]} | $started | \`$command\` |")
done

echo
echo "| target | seconds | executions | crashes | date | command |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$failed"

#!/usr/bin/env bash
# The comparison suite: smscode against what a user would write instead, side by side,
# in one run, against one server on loopback. Writes docs/benchmarks.md.
#
#   bench/run.sh                 the recorded run (about 2 minutes once everything is built)
#   BENCH_QUICK=1 bench/run.sh   smaller counts, to check the suite works (writes
#                                bench/build/benchmarks-quick.md, not the doc)
#
# Needs cargo. Installs gcc, libssl-dev, libcurl4-openssl-dev, curl and python3-venv with
# apt-get when missing, and requests (+ bindings/python) into bench/.venv.
# The server is the project's emulator (target/release/smscode-emulator) with rate
# limiting off; it verifies every signature, and every request must be answered 200.
#
# Lint: shellcheck bench/run.sh; ruff check bench && ruff format --check bench;
#       clang-format --style=file:bench/c/.clang-format --dry-run --Werror bench/c/*.[ch]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
build=bench/build
results=$build/results
rm -rf "$results"
mkdir -p "$results"

quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
  sign_iterations=2000 sign_runs=20 rounds=1 latency_n=300 latency_warmup=30 cli_n=20
  threads_secs=0.5 rss_n=10000 rss_warmup=1000 crit_args="--warm-up-time 0.2 --measurement-time 0.5"
  out_doc=$build/benchmarks-quick.md
else
  sign_iterations=10000 sign_runs=200 rounds=5 latency_n=2000 latency_warmup=200 cli_n=100
  threads_secs=3 rss_n=100000 rss_warmup=1000 crit_args="--warm-up-time 1 --measurement-time 3"
  out_doc=docs/benchmarks.md
fi
log() { echo "bench: $*" >&2; }
printf '{"latency_n":%s,"latency_warmup":%s,"rounds":%s,"cli_n":%s,"threads_secs":%s}\n' \
  "$latency_n" "$latency_warmup" "$rounds" "$cli_n" "$threads_secs" >"$results/params.json"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
cut -d' ' -f1-3 /proc/loadavg >"$results/load_start.txt"
# The code measured is the tree as the run starts (the builds come next).
git describe --always --dirty --exclude '*' >"$results/commit.txt" 2>/dev/null || echo unknown >"$results/commit.txt"

# --- tools (Debian packages, only when missing) ---------------------------------------
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v curl >/dev/null || missing+=(curl)
[ -f /usr/include/openssl/sha.h ] || missing+=(libssl-dev)
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] \
  || missing+=(libcurl4-openssl-dev)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
fi

# --- the library (shipping profile and release) and the emulator -------------------------
log "cargo build (a no-op when up to date)"
cargo build --release -p smscode-emulator --quiet
cargo build --release -p smscode --lib --quiet
scripts/build-ship.sh --quiet
# cargo writes libsmscode.so but the programs load it by its SONAME (libsmscode.so.0.1
# for 0.1.x): give each copy both names.
for profile in ship release; do
  mkdir -p "$build/$profile"
  cp "target/$profile/libsmscode.so" "$build/$profile/libsmscode.so"
  soname=$(objdump -p "$build/$profile/libsmscode.so" | awk '$1 == "SONAME" { print $2 }')
  ln -sf libsmscode.so "$build/$profile/$soname"
done

# --- the C programs ---------------------------------------------------------------------
cflags=(-O2 -Wall -Wextra -Werror -Iinclude -Ibench/c)
gcc "${cflags[@]}" bench/c/sign.c -o $build/sign -L$build/ship -lsmscode -lcrypto
gcc "${cflags[@]}" bench/c/send.c -o $build/send -L$build/ship -lsmscode -lpthread
gcc "${cflags[@]}" bench/c/libcurl.c -o $build/libcurl -lcurl -lcrypto -lpthread
gcc "${cflags[@]}" bench/c/curl_cli.c -o $build/curl_cli -lcrypto
ship_env=(env LD_LIBRARY_PATH="$repo/$build/ship")
release_env=(env LD_LIBRARY_PATH="$repo/$build/release")

# --- Python: requests and the binding in a venv -------------------------------------------
venv=bench/.venv
[ -x $venv/bin/python ] || python3 -m venv $venv
$venv/bin/python -m pip install -q --upgrade requests "setuptools>=70.1" wheel >&2
binding=unavailable
if [ -f bindings/python/pyproject.toml ]; then
  # The binding packs the library of the shipping profile, like the C programs use.
  if SMSCODE_CARGO_PROFILE=ship $venv/bin/python -m pip install -q --force-reinstall --no-deps \
    --no-build-isolation ./bindings/python >$build/pip-binding.log 2>&1; then
    binding=installed
  else
    log "bindings/python did not install (see $build/pip-binding.log); measuring without it"
  fi
else
  log "bindings/python is missing; measuring without it"
fi
echo "$binding" >"$results/binding.txt"

# --- the server ---------------------------------------------------------------------------
emulator_out=$build/emulator.out
: >"$emulator_out"
target/release/smscode-emulator --listen 127.0.0.1:0 --min-interval-secs 0 --daily-limit 0 \
  --quiet >"$emulator_out" 2>$build/emulator.log &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$emulator_out" && break
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$emulator_out" | head -n 1)
[ -n "$base" ] || { log "the emulator did not start"; cat $build/emulator.log >&2; exit 1; }
log "emulator at $base"

# --- one core for the sequential measurements ----------------------------------------------
# On this VM an idle vCPU takes tens of µs to wake, and a request that crosses cores
# pays it twice, for every client alike: that swamps the clients' own cost. So the
# sequential runs put the client and the server on one CPU (they take turns anyway);
# one unpinned round is kept for comparison. The threaded runs use every core.
last_cpu=$(($(nproc) - 1))
pin=()
pin_server() { :; }
unpin_server() { :; }
if command -v taskset >/dev/null && [ "$last_cpu" -gt 0 ]; then
  pin=(taskset -c "$last_cpu")
  pin_server() { taskset -a -p -c "$last_cpu" "$emulator_pid" >/dev/null; }
  unpin_server() { taskset -a -p -c "0-$last_cpu" "$emulator_pid" >/dev/null; }
fi
echo "${pin[*]:-none}" >"$results/pinning.txt"

# --- unpinned, for comparison: one round of the two C clients --------------------------------
log "latency, unpinned ($latency_n sequential sends each)"
"${ship_env[@]}" $build/send latency "$base" "$latency_n" "$latency_warmup" >"$results/unpinned_smscode_c.json"
$build/libcurl latency "$base" "$latency_n" "$latency_warmup" >"$results/unpinned_libcurl_c.json"
pin_server

# --- 1. signing ---------------------------------------------------------------------------
log "signing (best of $sign_runs runs of $sign_iterations calls)"
"${pin[@]}" "${ship_env[@]}" $build/sign "$sign_iterations" "$sign_runs" >"$results/sign_ship.json"
"${pin[@]}" "${release_env[@]}" $build/sign "$sign_iterations" "$sign_runs" >"$results/sign_release.json"

# --- 2, 3. latency: rounds interleave the clients, so a noisy moment hits all alike -------
for round in $(seq "$rounds"); do
  log "latency round $round/$rounds ($latency_n sequential sends each)"
  "${pin[@]}" "${ship_env[@]}" $build/send latency "$base" "$latency_n" "$latency_warmup" >>"$results/latency_smscode_c.jsonl"
  "${pin[@]}" "${release_env[@]}" $build/send latency "$base" "$latency_n" "$latency_warmup" >>"$results/latency_smscode_c_release.jsonl"
  "${pin[@]}" $build/libcurl latency "$base" "$latency_n" "$latency_warmup" >>"$results/latency_libcurl_c.jsonl"
  "${pin[@]}" $venv/bin/python bench/py/latency.py requests "$base" "$latency_n" "$latency_warmup" >>"$results/latency_python_requests.jsonl"
  if [ "$binding" = installed ]; then
    "${pin[@]}" $venv/bin/python bench/py/latency.py binding "$base" "$latency_n" "$latency_warmup" >>"$results/latency_python_binding.jsonl"
  fi
  "${pin[@]}" $build/curl_cli "$base" "$cli_n" 5 >>"$results/latency_curl_cli.jsonl"
done

# --- 4. throughput: threads sharing one client (libcurl: one handle per thread) -------------
unpin_server
for threads in 1 2 4 8; do
  log "throughput with $threads threads (${threads_secs}s each)"
  "${ship_env[@]}" $build/send throughput "$base" "$threads" "$threads_secs" >>"$results/threads_smscode_c.jsonl"
  $build/libcurl throughput "$base" "$threads" "$threads_secs" >>"$results/threads_libcurl_c.jsonl"
done

# --- 5. memory over many sends ----------------------------------------------------------------
log "RSS over $rss_n sends"
pin_server
"${pin[@]}" "${ship_env[@]}" $build/send rss "$base" "$rss_n" "$rss_warmup" >"$results/rss.json"
grep -E '^Vm(HWM|RSS)' /proc/$emulator_pid/status >"$results/emulator_status.txt" || true

kill $emulator_pid 2>/dev/null || true
wait $emulator_pid 2>/dev/null || true
trap - EXIT

# --- 6. sizes -------------------------------------------------------------------------------
ship_lib=target/ship/libsmscode.so
cp $ship_lib $build/libsmscode.stripped.so
strip --strip-all $build/libsmscode.stripped.so
{
  echo "smscode_ship $(stat -c %s $ship_lib) $ship_lib"
  echo "smscode_ship_strip_all $(stat -c %s $build/libsmscode.stripped.so) (strip --strip-all of the above)"
  echo "smscode_release $(stat -c %s target/release/libsmscode.so) target/release/libsmscode.so"
  # The real files behind the libraries the libcurl program loads.
  ldd $build/libcurl | awk '/=> \//{print $1, $3}' | while read -r name path; do
    real=$(readlink -f "$path")
    echo "dep:$name $(stat -c %s "$real") $real"
  done
  ldd $build/send | awk '/=> \//{print $1, $3}' | while read -r name path; do
    echo "smscode_dep:$name $(stat -c %s "$(readlink -f "$path")") $(readlink -f "$path")"
  done
} >"$results/sizes.txt"

# --- the Rust core (criterion), when the bench target is declared in Cargo.toml -------------
if grep -q '^name = "core"' Cargo.toml && [ -f benches/core.rs ]; then
  log "criterion benches (cargo bench --bench core)"
  # shellcheck disable=SC2086
  cargo bench --quiet --bench core -- $crit_args >"$results/criterion.txt" 2>&1 \
    || log "cargo bench failed (see $results/criterion.txt)"
fi

# --- the machine, and the report --------------------------------------------------------------
{
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "sha_ni=$(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)"
  echo "cores=$(nproc)"
  echo "kernel=$(uname -r)"
  echo "gcc=$(gcc --version | head -n 1)"
  echo "rustc=$(rustc --version)"
  echo "python=$($venv/bin/python --version 2>&1)"
  echo "requests=$($venv/bin/python -c 'import requests; print(requests.__version__)')"
  echo "openssl=$(openssl version 2>/dev/null || echo unknown)"
  echo "curl=$(curl --version | head -n 1)"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit=$(cat "$results/commit.txt")"
} >"$results/machine.txt"
$venv/bin/python bench/report.py "$results" "$out_doc"
log "wrote $out_doc"

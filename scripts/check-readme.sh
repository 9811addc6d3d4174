#!/usr/bin/env bash
# The README's C example must compile and link against the real header and library
# (it names a real region, so it is never run: tests only talk to the emulator).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lib_dir=${SMSCODE_LIB_DIR:-$repo/target/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The first ```c block is the complete example.
awk '/^```c$/ {inside=1; next} inside && /^```$/ {exit} inside {print}' "$repo/README.md" > "$work/example.c"
grep -q 'int main' "$work/example.c"
gcc -std=c11 -Wall -Wextra -Werror -pedantic -I "$repo/include" "$work/example.c" \
    -L "$lib_dir" -lsmscode -Wl,-rpath,"$lib_dir" -o "$work/example"
echo "README C example compiles and links"

#!/usr/bin/env bash
# Size of the shipped library (scripts/build-ship.sh: the `ship` profile, LTO, stripped,
# panic = "unwind", linked against glibc 2.17 by zig) for x86_64 and aarch64, with the
# built-in transport (TLS included) and without it (cargo feature `transport` off).
#
# docs/size.md is the one place the figures and budgets are stated: its table between
# the `check-size` markers. This script builds the four libraries, fails when one is
# over its budget (read from that table), and fails when a measured size is not the one
# the table states (size is deterministic for a given toolchain and source), so the
# documented figures stay true. `scripts/check-size.sh --write` rewrites the table's
# measured sizes after a change; the budgets are changed there by hand.
#
# Env: SMSCODE_SIZE_TARGET_DIR  where the builds go (default target): DIR/TRIPLE/ship
#      and DIR/no-transport/TRIPLE/ship
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

write=false
[ "${1:-}" = --write ] && write=true
doc=docs/size.md
target_dir=${SMSCODE_SIZE_TARGET_DIR:-target}
# Table rows: build name, cargo arguments, target dir.
builds=("with the built-in transport" "without the built-in transport")
build_args=("" "--no-default-features")
build_dirs=("$target_dir" "$target_dir/no-transport")
# Table columns after the name: x86_64 bytes, aarch64 bytes, x86_64 budget, aarch64 budget.
triples=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)

table=$(sed -n '/<!-- check-size: begin -->/,/<!-- check-size: end -->/p' "$doc")
[ -n "$table" ] || { echo "$doc has no check-size table"; exit 1; }
cell() { # ROW_NAME COLUMN (1: x86_64, 2: aarch64, 3: x86_64 budget, 4: aarch64 budget) -> digits
  awk -F'|' -v name="$1" -v col="$2" '
    { gsub(/^[ \t]+|[ \t]+$/, "", $2) }
    $2 == name { v = $(col + 2); gsub(/[^0-9]/, "", v); print v }' <<<"$table"
}
with_commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

failed=0
new_table=$table
for row in "${!builds[@]}"; do
  name=${builds[$row]}
  for column in "${!triples[@]}"; do
    triple=${triples[$column]}
    budget=$(cell "$name" $((column + 3)))
    [ -n "$budget" ] || { echo "$doc: no $triple budget for the build $name"; exit 1; }
    # shellcheck disable=SC2086 # the cargo arguments are words
    scripts/build-ship.sh --quiet --target "$triple" --target-dir "${build_dirs[$row]}" ${build_args[$row]}
    lib=${build_dirs[$row]}/$triple/ship/libsmscode.so
    size=$(stat -c %s "$lib")
    stated=$(cell "$name" $((column + 1)))
    echo "$triple, $name: $size bytes ($((size / 1024)) KiB), budget $budget, $doc says ${stated:-nothing}"
    if [ "$size" -gt "$budget" ]; then
      echo "  over budget by $((size - budget)) bytes: find what grew (docs/size.md says how) before raising it"
      failed=1
    fi
    if [ "$size" != "$stated" ]; then
      if $write; then
        new_table=$(awk -F'|' -v OFS='|' -v name="$name" -v col=$((column + 3)) -v value=" $(with_commas "$size") " '
          { n = $2; gsub(/^[ \t]+|[ \t]+$/, "", n) } n == name { $col = value } { print }' <<<"$new_table")
      else
        echo "  $doc states ${stated:-no size}: run scripts/check-size.sh --write and commit $doc"
        failed=1
      fi
    fi
    # Code from a crate leaves its source paths (panic locations) in the binary.
    if [ -n "${build_args[$row]}" ] &&
       grep -a -q -E '/(ureq|rustls|ring|webpki-root-certs|webpki-roots)-[0-9]' "$lib"; then
      echo "  it holds transport code:" \
        "$(grep -a -o -E '/(ureq|rustls|ring|webpki-root-certs|webpki-roots)-[0-9][^/]*/' "$lib" | sort -u | xargs)"
      failed=1
    fi
  done
done

if $write && [ "$new_table" != "$table" ]; then
  { sed '/<!-- check-size: begin -->/,$d' "$doc"
    echo "$new_table"
    sed '1,/<!-- check-size: end -->/d' "$doc"; } >"$doc.new"
  mv "$doc.new" "$doc"
  echo "rewrote the sizes in $doc"
fi
exit "$failed"

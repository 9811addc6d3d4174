#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when a tool is missing.
set -euo pipefail
declare -A package_of=(
  [gcc]=gcc [g++]=g++ [make]=make [cmake]=cmake [pkg-config]=pkg-config
  [valgrind]=valgrind [readelf]=binutils [nm]=binutils [curl]=curl
  [python3]=python3 [mvn]=maven [java]=default-jdk-headless [shellcheck]=shellcheck
)
missing=()
for tool in "${!package_of[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  # As root (CI, containers) apt-get runs as it is; otherwise through sudo, when there is one.
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
      { echo "not root and no sudo: install ${missing[*]} as root"; exit 1; }
    as_root=(sudo)
  fi
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}"
fi
command -v cargo >/dev/null || { echo "cargo (Rust) is required: https://rustup.rs"; exit 1; }
echo "all tools present"

#!/usr/bin/env bash
# Installs the Debian 12 packages edihub needs to build, test and benchmark. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  build-essential cmake ninja-build pkg-config
  dpkg-dev  # dpkg-shlibdeps: the Depends of `cpack -G DEB` (cmake/package.cmake)
  libssl-dev libsqlite3-dev libpugixml-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libfmt-dev libboost-dev libcurl4-openssl-dev libssh2-1-dev catch2 libbenchmark-dev
  libpq-dev postgresql openssh-server openssh-client
  nodejs node-ajv time
  chromium prometheus python3-aiosmtpd
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

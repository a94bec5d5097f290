#!/usr/bin/env bash
# Install the Debian packages moleblend needs, when missing. Used by `make deps` and .ci/run.
# Runtime/build: compiler, libraries, GNU parallel, zstd. Test oracles and benchmark anchors
# (python3-rdkit, python3-torch, python3-sklearn, rdkit-data) are optional extras: pass --all.
set -euo pipefail
need=(build-essential pkg-config libarchive-dev libmsgpack-dev libopenblas-dev libzstd-dev
      parallel zstd jq clang gnuplot-nox rdkit-data)
if [ "${1:-}" = "--all" ]; then
    need+=(python3-rdkit python3-torch python3-sklearn python3-numpy python3-msgpack libclang-rt-14-dev)
fi
missing=()
for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#need[@]} packages present"
    exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

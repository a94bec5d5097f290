#!/usr/bin/env bash
# model-bench.sh: build tests/bench/model-bench.c against $BUILD/libcommon.a and time one
# training step (forward + backward) of the model on random PCQM-sized molecules.
#   BUILD=build tests/bench/model-bench.sh [config=small] [batch=64] [atoms=28] [steps=5] [train=1] [mode=0] [records]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
make -C "$root" BUILD="$BUILD" "$BUILD/libcommon.a" >/dev/null
bin=$BUILD/bench/model-bench
mkdir -p "$(dirname "$bin")"
cc -std=c11 -O2 -march=x86-64-v2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$root/common" \
   -o "$bin" "$root/tests/bench/model-bench.c" "$BUILD/libcommon.a" \
   -lopenblas -larchive -lzstd -lmsgpackc -lm -lpthread
exec "$bin" "${1:-small}" "${2:-64}" "${3:-28}" "${4:-5}" "${5:-1}" "${6:-0}" ${7:+"$7"}

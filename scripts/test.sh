#!/usr/bin/env bash
# Builds mgscope and runs the whole test suite: once in Release, once with AddressSanitizer and
# UndefinedBehaviorSanitizer. Installs missing packages first. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
jobs=$(nproc)
bash scripts/build.sh build
(cd build && ctest --output-on-failure -j "$jobs")
# -O1 with line tables only: sanitizer reports keep file:line, the build stays quick.
bash scripts/build.sh build-asan -DMGS_SANITIZE=ON -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -g1"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$jobs")

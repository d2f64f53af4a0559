#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the main job on the bundled sample
# glass (configs/example.json), writing into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh build
./build/mgscope run configs/example.json
echo "results are in $(pwd)/out/"

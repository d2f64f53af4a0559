#!/usr/bin/env bash
# Installs the Debian 12 packages mgscope needs to build and test, if any are missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  voro++-dev libeigen3-dev libtbb-dev nlohmann-json3-dev catch2 libfmt-dev zlib1g-dev
  libspectra-dev libpng-dev libcli11-dev libfreetype-dev fonts-dejavu-core
  libtiff-dev
  # test-time reference clients
  lammps lammps-data python3 python3-numpy python3-vtk9 python3-ase python3-jsonschema
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

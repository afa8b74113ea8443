#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages credere needs, only those that are missing.
# Needs root or sudo when something is missing; does nothing otherwise.
#   scripts/setup.sh            build, test and figure dependencies
#   scripts/setup.sh --check    only report what is missing (exit 1 if anything is)
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git          # compiler, build
  libgsl-dev                                    # distributions, special functions, ODEs
  libhdf5-dev hdf5-tools                        # results file (serial HDF5 + HL)
  libfyaml-dev                                  # experiment files
  zlib1g-dev                                    # checksums of the run journal
  libopenmpi-dev openmpi-bin                    # MPI: runs over cluster ranks
  python3 python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-matplotlib
  gnuplot-nox                                   # figures
  clang libclang-rt-14-dev clang-format         # fuzzing (libFuzzer), formatting check
  valgrind                                      # memory check in CI
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${1:-}" = "--check" ]; then
  if [ ${#missing[@]} -gt 0 ]; then echo "missing: ${missing[*]}"; exit 1; fi
  echo "all dependencies installed"; exit 0
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all dependencies are installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: apt-get not found; install these packages by hand: ${missing[*]}" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"

#!/usr/bin/env bash
# Runs W1, W2 and W3 through ketasim and its peers (SciPy/NumPy expm stepping
# and LSODA, PyTCI exact, opentiva; R deSolve with --with-r) on this machine
# in one run, checks that every peer computes ketasim's numbers, and prints
# the timings and ratios as Markdown (Benchmarks/README.md has a run).
#
# Usage: Benchmarks/peers/run.sh [--portable] [--with-r] [--full] [--json FILE]
#                                [--population-args "ARGS"]
#   --portable   measure the default (baseline x86-64) build instead of the
#                release build for this CPU (-target-cpu native, -march=native)
#   --with-r     install R's deSolve (apt r-cran-desolve, about 46 MB) and run it
#   --full       run the slow peers on all 1,000 subjects (about 15 min)
#   --population-args "ARGS"   also time `ketasim population ARGS ...` as a whole
#                process (W2 at 1 s and W3; ARGS = model, variability and dose
#                options, for example
#                "--model Benchmarks/peers/peers2cmt.yaml --weight 70 --weight-sd 14
#                 --iiv V1=0.3,CL=0.3,Q=0.3,V2=0.3 --dose '0.5 mg/kg over 40 min' --threads 1")
#
# The peers live in a virtual environment, Benchmarks/peers/.venv (git-ignored),
# created on the first run and reused: NumPy, SciPy, PyTCI 1.2.0 and
# opentiva 1.1.2 (built from its source distribution, because its wheel
# build fails on Python 3.11 without Cython preinstalled).
set -euo pipefail
cd "$(dirname "$0")/../.."
peers=Benchmarks/peers
venv=$peers/.venv

portable=0
with_r=0
pass=()
while (($#)); do
  case "$1" in
  --portable) portable=1 ;;
  --with-r) with_r=1 ;;
  *) pass+=("$1") ;;
  esac
  shift
done

if ! "$venv/bin/python" -c "import numpy, scipy, PyTCI, opentiva" 2>/dev/null; then
  echo "peers: setting up $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q numpy scipy pytci==1.2.0 cython wheel setuptools
  mkdir -p "$venv/sdist"
  "$venv/bin/pip" download -q --no-deps --no-binary :all: opentiva==1.1.2 -d "$venv/sdist"
  tar xzf "$venv/sdist/opentiva-1.1.2.tar.gz" -C "$venv/sdist"
  "$venv/bin/pip" install -q --no-build-isolation "./$venv/sdist/opentiva-1.1.2"
fi

if ((with_r)) && ! Rscript -e 'library(deSolve)' >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends r-cran-desolve >/dev/null
fi

bash .ci/setup
# `ketasim` is built from this package, as users build it (its release build carries the Swift runtime:
# Package.swift's staticRuntime, which SwiftPM applies to a root package only); the in-process workloads
# from the Benchmarks package.
if ((portable)); then
  scratch=.build-bench
  product_scratch=.build
  flags=()
  build="portable release build (swift build -c release)"
else
  scratch=.build-bench-native
  product_scratch=.build-native
  flags=(-Xswiftc -target-cpu -Xswiftc native -Xcc -march=native)
  build="release build for this CPU (-Xswiftc -target-cpu -Xswiftc native -Xcc -march=native)"
fi
swift build -c release --scratch-path "$product_scratch" --product ketasim "${flags[@]}" -q >&2
swift build -c release --package-path Benchmarks --scratch-path "$scratch" --product ketasim-workloads "${flags[@]}" -q >&2

export OPENBLAS_NUM_THREADS=1
exec "$venv/bin/python" "$peers/compare.py" --ketasim "$product_scratch/release/ketasim" \
  --workloads "$scratch/release/ketasim-workloads" --build "$build" "${pass[@]}"

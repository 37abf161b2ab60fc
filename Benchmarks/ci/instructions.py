#!/usr/bin/env python3
"""Instruction counts of the hot loops, measured with valgrind's callgrind.

Callgrind counts executed instructions, not seconds: the count is the same on
every run of the same binary with the same input, whatever else the machine
is doing, so CI can fail on a regression without timing anything. (This
machine's `perf stat -e instructions` reports "not supported", so
package-benchmark's `instructions` metric is empty here.)

Two kinds of case, both on the product's own code:

- kernel cases run `ketasim-workloads` (which calls KetasimCore's API) under
  callgrind with collection switched on only inside one product function
  (`--toggle-collect`): the tiled kernel, the CSV writer;
- command cases run the `ketasim` executable itself, whole process (start-up,
  catalogue, both population passes, the CSV), as users run it.

Each count is divided by the units of work done (lane-steps, rows,
subject-times) and compared with Benchmarks/Thresholds/instructions.json. A case fails when it
needs more than `tolerance` (relative) instructions per unit than the
committed baseline; a large improvement is reported so that the baseline can
be lowered with --update.

valgrind 3.19 cannot read the debug information clang 21 writes, so the
binary is copied and stripped of it first (function symbols stay). valgrind
does not decode AVX-512, and the portable build picks its kernels' instruction
set at run time (AVX-512 on this machine), so every run here forces the SSE2
versions with KETASIM_CPU=sse2: the path every x86-64 CPU runs, and the code
the portable build ran before runtime dispatch, so the committed baselines
still hold. The build itself must be the portable release build, as in CI
(a -march=native build would use AVX-512 outside the dispatched kernels).

Usage: instructions.py --workloads PATH --ketasim PATH [--update] [--baseline FILE]
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.path.join(HERE, "..", "Thresholds", "instructions.json")

# The kernels' instruction set under valgrind (see the module docstring).
CPU = "sse2"

# name: (arguments, function to collect in, units of work per run, unit)
# Each workload runs once untimed and `--repeat 1` timed: two runs.
RUNS = 2
CASES = {
    "W5 tiled 2-cmt shared": (
        ["kernels", "--lanes", "256", "--steps", "2048", "--no-ceiling", "--filter", "tiled-2cmt-shared"],
        "ks_advance_tiled_isa", 256 * 2048, "lane-step"),
    "W5 tiled 2-cmt per-lane": (
        ["kernels", "--lanes", "256", "--steps", "2048", "--no-ceiling", "--filter", "tiled-2cmt-perlane"],
        "ks_advance_tiled_isa", 256 * 2048, "lane-step"),
    "W5 tiled 3-cmt shared": (
        ["kernels", "--lanes", "256", "--steps", "2048", "--no-ceiling", "--filter", "tiled-3cmt-shared"],
        "ks_advance_tiled_isa", 256 * 2048, "lane-step"),
    "W5 tiled 3-cmt per-lane": (
        ["kernels", "--lanes", "256", "--steps", "2048", "--no-ceiling", "--filter", "tiled-3cmt-perlane"],
        "ks_advance_tiled_isa", 256 * 2048, "lane-step"),
    "W1 CSV rows": (
        ["preview", "--hours", "1"],
        "$s11KetasimCore10TimeCourseV5write2toAA8GridPeakVAA9CSVWriterVz_tKF", 3602, "row"),
}

# `ketasim` commands, whole process, one thread (1,000 subjects: about 20 s each
# under callgrind). name: (arguments, units of work, unit)
POPULATION = ["population", "--model", "clements250", "--weight", "70", "--subjects", "1000", "--iiv", "CL=0.3,V1=0.3",
              "--threads", "1", "--quiet", "--output", "/dev/null"]
COMMANDS = {
    "ketasim population, single infusion 24 h at 10 s": (
        POPULATION + ["--dose", "0.5 mg/kg over 40 min", "--duration", "24h", "--step", "10s"],
        1000 * 8641, "subject-time"),
    "ketasim population, maintenance series 180 d at 1 h": (
        POPULATION + ["--regimen", "depression-series-maintenance", "--duration", "180d", "--step", "1h"],
        1000 * 4321, "subject-time"),
}


def callgrind(binary, arguments, function=None):
    """Instructions of one run of `binary`: inside `function` (and its callees) only, or the whole process."""
    toggle = [f"--toggle-collect={function}"] if function else []
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "callgrind.out")
        env = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1", OPENBLAS_NUM_THREADS="1", KETASIM_CPU=CPU)
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *toggle, binary, *arguments],
            check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with open(out) as f:
            for line in f:
                if line.startswith("totals:"):
                    return int(line.split()[1])
    raise SystemExit(f"no totals in callgrind output for {function or arguments}")


def count(binary, arguments, function):
    """Instructions executed inside `function` (and its callees) over RUNS runs."""
    return callgrind(binary, [*arguments, "--repeat", str(RUNS - 1)], function)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", required=True, help="portable release build of ketasim-workloads")
    parser.add_argument("--ketasim", required=True, help="portable release build of ketasim")
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--update", action="store_true", help="write the measured counts as the new baseline")
    parser.add_argument("--tolerance", type=float, default=0.02, help="allowed relative increase (default 2%%)")
    a = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")

    with tempfile.TemporaryDirectory() as work:
        binary = os.path.join(work, "ketasim-workloads")
        shutil.copy(a.workloads, binary)
        subprocess.run(["strip", "--strip-debug", binary], check=True)
        measured = {}
        for name, (arguments, function, units, unit) in CASES.items():
            total = count(binary, arguments, function)
            if total == 0:
                raise SystemExit(f"{name}: nothing collected in {function} (renamed or inlined?)")
            measured[name] = {"instructions_per_unit": round(total / (RUNS * units), 3), "unit": unit,
                              "function": function}
        product = os.path.join(work, "ketasim")
        shutil.copy(a.ketasim, product)
        subprocess.run(["strip", "--strip-debug", product], check=True)
        for name, (arguments, units, unit) in COMMANDS.items():
            total = callgrind(product, arguments)
            measured[name] = {"instructions_per_unit": round(total / units, 3), "unit": unit,
                              "function": "whole process"}

    if a.update:
        with open(a.baseline, "w") as f:
            json.dump({"tolerance": a.tolerance, "cases": measured}, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {a.baseline}")

    with open(a.baseline) as f:
        baseline = json.load(f)
    tolerance = baseline.get("tolerance", a.tolerance)
    failed = False
    print(f"| case | instructions per unit | baseline | change |")
    print(f"|---|---:|---:|---:|")
    for name, value in measured.items():
        reference = baseline["cases"].get(name)
        if reference is None:
            print(f"| {name} | {value['instructions_per_unit']} / {value['unit']} | (none) | |")
            failed = True
            continue
        ratio = value["instructions_per_unit"] / reference["instructions_per_unit"] - 1
        flag = ""
        if ratio > tolerance:
            flag = " REGRESSION"
            failed = True
        elif ratio < -tolerance:
            flag = " (improved: lower the baseline with --update)"
        print(f"| {name} | {value['instructions_per_unit']} / {value['unit']} | "
              f"{reference['instructions_per_unit']} | {ratio:+.2%}{flag} |")
    if failed:
        raise SystemExit(f"instruction counts above the baseline by more than {tolerance:.0%}, or missing")


if __name__ == "__main__":
    main()

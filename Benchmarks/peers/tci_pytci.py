#!/usr/bin/env python3
"""Compare `ketasim tci` with PyTCI 1.2.0's exact TCI planners.

Same model, same target, same 10-s period, through both tools:

* PyTCI (`pip install pytci==1.2.0`): a custom model subclassing
  `PyTCI.models.base.Three` (k13 = k31 = 0 for two compartments), the
  `exact` integrator (matrix exponential), `plasma_infusion(target, seconds,
  period)` for plasma and `effect_target(target, seconds, period)` for the
  effect site. Doses in mg and volumes in L, so concentrations are mg/L
  (= ug/mL): 150 ng/mL is passed as 0.15, and the rates come back in mg/s.
* ketasim: `ketasim tci --summary` (total dose) and the schedule CSV (rates).

Parameters are typed in from the published values (Models/*.yaml, regression case
K2), not read from ketasim, and checked against `ketasim models show`.
Pass criterion (issue 6): total doses agree within 2 %.

Usage (from the repository root):

    python3 -m venv .venv-pytci && .venv-pytci/bin/pip install pytci==1.2.0
    swift build -c release --product ketasim
    .venv-pytci/bin/python Benchmarks/peers/tci_pytci.py [--ketasim PATH]
"""

import argparse
import csv
import io
import os
import subprocess
import sys

from PyTCI.models.base import Three

PERIOD = 10  # s


class Custom(Three):
    """A ketamine model for PyTCI: micro-constants in 1/min, V1 in L."""

    def __init__(self, v1, k10, k12, k21, k13=0.0, k31=0.0, keo=0.0, integrator="exact"):
        self.v1, self.k10, self.k12, self.k21 = v1, k10, k12, k21
        self.k13, self.k31, self.keo = k13, k31, keo
        self.setup()  # converts the rate constants to 1/s, empties the compartments; selects "euler"
        self.set_integrator(integrator)


# 70 kg. Clements 250: V1 1.7522 L/kg (Models/clements250.yaml); Domino:
# regression case K2 (V1 4.41 L) with ke0 0.238 /min (Models/domino1984.yaml).
MODELS = {
    "clements250": dict(v1=1.7522 * 70, k10=0.0109, k12=0.0186, k21=0.0137),
    "domino1984": dict(v1=0.063 * 70, k10=0.4381, k12=0.5921, k21=0.2470, k13=0.5900, k31=0.0146, keo=0.238),
}

# (model, site, [(target ng/mL, minutes)])
CASES = [
    ("clements250", "plasma", [(150, 60)]),
    ("domino1984", "plasma", [(150, 60)]),
    ("domino1984", "effect", [(150, 60)]),
    ("domino1984", "plasma", [(100, 20), (200, 20), (120, 20)]),
    ("domino1984", "effect", [(100, 20), (200, 20), (120, 20)]),
]


def pytci_rates(model, site, steps, integrator="exact"):
    """Per-period rates (mg/h) from PyTCI, steps planned one after the other."""
    patient = Custom(**MODELS[model], integrator=integrator)
    rates = []
    for target, minutes in steps:
        seconds = minutes * 60
        if site == "plasma":
            # Advances the state by `seconds`.
            step = patient.plasma_infusion(target / 1000, seconds, PERIOD)
        else:
            # Plans only (state restored): apply the rates to move on.
            step = patient.effect_target(target / 1000, seconds, PERIOD)
            for rate in step:
                patient.giveoverseconds(rate, PERIOD)
        rates += [rate * 3600 for rate in step]
    return rates


def ketasim(binary, model, site, steps, *extra):
    arguments = [binary, "tci", "--model", model, "--site", site, "--period", f"{PERIOD} s", "--quiet"]
    for target, minutes in steps[:-1]:
        arguments += ["--target", f"{target} ng/mL for {minutes} min"]
    arguments += ["--target", f"{steps[-1][0]} ng/mL", "--duration", f"{sum(m for _, m in steps)} min"]
    return subprocess.run(arguments + list(extra), check=True, capture_output=True, text=True).stdout


def check_parameters(binary):
    """ketasim's individual values at 70 kg match the ones typed in here."""
    for model, p in MODELS.items():
        text = subprocess.run([binary, "models", "show", model], check=True, capture_output=True, text=True).stdout
        line = next(l for l in text.splitlines() if l.strip().startswith("V1 ") and "CL" in l)
        v1 = float(line.split("V1")[1].split("L")[0])
        cl = float(line.split("CL")[1].split("L/min")[0])
        assert abs(v1 - p["v1"]) < 1e-3 * p["v1"], (model, v1, p["v1"])
        assert abs(cl - p["v1"] * p["k10"]) < 1e-3 * cl, (model, cl)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    default = next(
        (p for p in (os.path.join(root, ".build", c, "ketasim") for c in ("release", "debug")) if os.path.exists(p)),
        "ketasim",
    )
    parser.add_argument("--ketasim", default=os.environ.get("KETASIM", default))
    args = parser.parse_args()
    check_parameters(args.ketasim)

    print("| model | site | targets (ng/mL for min) | PyTCI exact total (mg) | ketasim total (mg) | difference | "
          "largest per-period rate difference | PyTCI default (1-s Euler) vs exact |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for model, site, steps in CASES:
        ours = list(csv.DictReader(io.StringIO(ketasim(args.ketasim, model, site, steps))))
        theirs = pytci_rates(model, site, steps)
        our_rates = [float(row["rate_mg_per_h"]) for row in ours[:-1]]  # the last row is the end of the run
        assert len(our_rates) == len(theirs), (len(our_rates), len(theirs))
        summary = dict(
            (row[0], row[1]) for row in csv.reader(io.StringIO(ketasim(args.ketasim, model, site, steps, "--summary")))
        )
        our_total = float(summary["total_dose"])
        their_total = sum(theirs) * PERIOD / 3600
        difference = (our_total - their_total) / their_total
        worst = max(worst, abs(difference))
        # Rates compared where the pump runs at more than 1e-6 of its peak rate.
        peak = max(theirs)
        rate_gap = max(
            abs(a - b) / max(abs(a), abs(b)) for a, b in zip(our_rates, theirs) if max(a, b) > 1e-6 * peak
        )
        # PyTCI's default integrator, for the record (plasma only: its
        # effect-site planner is slow on the 1-s Euler grid).
        euler = "-"
        if site == "plasma":
            euler_total = sum(pytci_rates(model, site, steps, "euler")) * PERIOD / 3600
            euler = f"{(euler_total - their_total) / their_total:+.2e}"
        label = ", ".join(f"{t} for {m}" for t, m in steps)
        print(f"| {model} | {site} | {label} | {their_total:.6f} | {our_total:.6f} | {difference:+.2e} | "
              f"{rate_gap:.1e} | {euler} |")
    print()
    verdict = "PASS" if worst <= 0.02 else "FAIL"
    print(f"{verdict}: largest total-dose difference {worst:.2e} (criterion 2e-2)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

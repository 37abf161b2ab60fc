"""PyTCI peer (PyTCI 1.2.0, `exact` integrator: matrix exponentials).

PyTCI has no ketamine model; the scenario's model is a custom
`PyTCI.models.base.Three` with k13 = k31 = 0 and no effect site. A run is
what a PyTCI user writes: one `giveoverseconds(rate, step)` call per grid
step, reading Cp (x1, mg/L) after each.

Usage: pytci_peer.py w1|w2 [--subjects-file F] [--subjects N] [--step S]
       [--results F] [--repeat R]
"""

import argparse
from importlib.metadata import version

import numpy as np
from PyTCI.models.base import Three

import harness
import scenario as sc


class Ketamine2(Three):
    """The scenario's two-compartment model for one subject."""

    def __init__(self, v1, cl, q, v2):
        self.v1 = v1
        self.k10 = cl / v1
        self.k12 = q / v1
        self.k21 = q / v2
        self.k13 = 0.0
        self.k31 = 0.0
        self.keo = 0.0
        self.setup()
        self.set_integrator("exact")


def course(v1, cl, q, v2, rate, step_s):
    """Cp (ng/mL) at every grid time of one subject."""
    model = Ketamine2(v1, cl, q, v2)
    total, on = sc.steps(step_s), sc.infusion_steps(step_s)
    per_second = rate / 60
    cp = np.empty(total + 1)
    cp[0] = 0.0
    for k in range(total):
        cp[k + 1] = model.giveoverseconds(per_second if k < on else 0.0, step_s)
    return cp * 1000


def w2(subjects, step_s):
    lv = sc.levels()
    peaks, above = [], []
    for w, v1, cl, q, v2, rate in subjects:
        cp = course(v1, cl, q, v2, rate, step_s)
        peaks.append(cp.max())
        above.append([(cp > level).sum() * step_s / 60 for level in lv])
    return np.array(peaks), np.array(above).T


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["w1", "w2"])
    parser.add_argument("--subjects-file")
    parser.add_argument("--subjects", type=int, default=0)
    parser.add_argument("--step", type=int, default=10)
    parser.add_argument("--results")
    parser.add_argument("--repeat", type=int, default=1)
    a = parser.parse_args()
    fields = {"tool": "PyTCI " + version("pytci"), "method": "exact", "workload": a.workload}
    if a.workload == "w1":
        v1, cl, q, v2, rate = sc.typical(70.0)
        def run():
            cp = course(v1, cl, q, v2, rate, 1)
            return cp, harness.w1_csv(cp)

        (cp, text), timing = harness.measure(run, a.repeat)
        fields.update(bytes=len(text), rows=text.count("\n"))
        if a.results:
            harness.write_course(a.results, cp)
    else:
        subjects = sc.read_subjects(a.subjects_file)
        if a.subjects:
            subjects = subjects[:a.subjects]
        fields.update(subjects=len(subjects), step_seconds=a.step)
        (peak, above), timing = harness.measure(lambda: w2(subjects, a.step), a.repeat)
        if a.results:
            harness.write_summary(a.results, peak, above, [n for n, _ in sc.THRESHOLDS])
    fields.update(timing)
    harness.emit(fields)


if __name__ == "__main__":
    main()

"""opentiva peer (opentiva 1.1.2: closed-form Cython, native 1-s grid).

The scenario's model goes in as a plain object with the attributes
opentiva's `PkPdModel` reads (v1, k10, k12, k21, ke0, compartments); the
infusion is one row of opentiva's infusion list (start s, dose per second,
duration s, end s); `cp_over_time` gives Cp (mg/L) every second.

Usage: opentiva_peer.py w1|w2 [--subjects-file F] [--subjects N]
       [--results F] [--repeat R]    (1-s grid only)
"""

import argparse
from importlib.metadata import version
from types import SimpleNamespace

import numpy as np
from opentiva import pkpd

import harness
import scenario as sc


def course(v1, cl, q, v2, rate):
    """Cp (ng/mL) every second from 0 to 24 h inclusive."""
    model = SimpleNamespace(v1=v1, k10=cl / v1, k12=q / v1, k21=q / v2, ke0=1.0, compartments=2)
    duration = sc.infusion_steps(1)
    infusions = np.array([[0.0, rate / 60, duration, duration]])
    cp = pkpd.PkPdModel(model).cp_over_time(infusions, 0, sc.steps(1) + 1)
    return cp[:, 1] * 1000


def w2(subjects):
    lv = sc.levels()
    peaks, above = [], []
    for w, v1, cl, q, v2, rate in subjects:
        cp = course(v1, cl, q, v2, rate)
        peaks.append(cp.max())
        above.append([(cp > level).sum() / 60 for level in lv])
    return np.array(peaks), np.array(above).T


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["w1", "w2"])
    parser.add_argument("--subjects-file")
    parser.add_argument("--subjects", type=int, default=0)
    parser.add_argument("--results")
    parser.add_argument("--repeat", type=int, default=1)
    a = parser.parse_args()
    fields = {"tool": "opentiva " + version("opentiva"), "method": "closed form", "workload": a.workload}
    if a.workload == "w1":
        v1, cl, q, v2, rate = sc.typical(70.0)
        def run():
            cp = course(v1, cl, q, v2, rate)
            return cp, harness.w1_csv(cp)

        (cp, text), timing = harness.measure(run, a.repeat)
        fields.update(bytes=len(text), rows=text.count("\n"))
        if a.results:
            harness.write_course(a.results, cp)
    else:
        subjects = sc.read_subjects(a.subjects_file)
        if a.subjects:
            subjects = subjects[:a.subjects]
        fields.update(subjects=len(subjects), step_seconds=1)
        (peak, above), timing = harness.measure(lambda: w2(subjects), a.repeat)
        if a.results:
            harness.write_summary(a.results, peak, above, [n for n, _ in sc.THRESHOLDS])
    fields.update(timing)
    harness.emit(fields)


if __name__ == "__main__":
    main()

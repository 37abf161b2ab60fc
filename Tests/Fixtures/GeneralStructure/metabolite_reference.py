#!/usr/bin/env python3
"""Extended-precision reference for the test metabolite model (parent 2-cmt, metabolite 1-cmt).

Independent of ketasim: the rate matrix is written out here from the parameters, and the state is propagated
with mpmath's own matrix exponential at 50 significant digits, segment by segment (bolus at t = 0, a constant
infusion on [10, 40) min), with an augmented matrix [[A, b*u], [0, 0]] for the infusion segments. Each value is
cross-checked against mpmath's Taylor-series expm; the script stops if they disagree beyond 1e-40.

Units: mg, L, min; outputs parent ng/mL, metabolite ng/mL and nmol/mL.

Usage: python3 metabolite_reference.py > metabolite_reference.csv
"""
import mpmath as mp

mp.mp.dps = 50

# Must match metabolite_2cmt_1cmt.yaml.
V1, CL, V2, Q = mp.mpf(20), mp.mpf("1.2"), mp.mpf(50), mp.mpf("1.5")
VM, CLM = mp.mpf(30), mp.mpf("0.5")
FM = mp.mpf("0.8")
MOLAR_MASS = mp.mpf("223.7")  # norketamine, g/mol
BOLUS_MG = mp.mpf(50)
INFUSION = (mp.mpf(10), mp.mpf(40), mp.mpf(2))  # start, end (min), rate mg/min
TIMES = ["0.7", "5.3", "10", "17.9", "33.3", "40", "61.1", "123.4", "480.2"]

k10, k12, k21, km0 = CL / V1, Q / V1, Q / V2, CLM / VM
A = mp.matrix([
    [-(k10 + k12), k21, 0],
    [k12, -k21, 0],
    [FM * k10, 0, -km0],
])


def step(x, h, rate):
    """State after h minutes with a constant infusion `rate` into the central compartment."""
    m = mp.zeros(4, 4)
    for i in range(3):
        for j in range(3):
            m[i, j] = A[i, j] * h
    m[0, 3] = rate * h
    e = mp.expm(m, method="pade")
    e2 = mp.expm(m, method="taylor")
    if mp.mnorm(e - e2, 1) > mp.mpf("1e-40"):
        raise SystemExit("mpmath expm methods disagree")
    y = mp.matrix([x[0], x[1], x[2], 1])
    out = e * y
    return [out[0], out[1], out[2]]


def state_at(t):
    t = mp.mpf(t)
    start, end, rate = INFUSION
    x = [BOLUS_MG, mp.mpf(0), mp.mpf(0)]
    edges = [mp.mpf(0), start, end]
    for a, b in zip(edges, edges[1:] + [mp.inf]):
        if t <= a:
            break
        h = min(t, b) - a
        x = step(x, h, rate if a == start else 0)
    return x


print("time_min,parent_mg,peripheral_mg,metabolite_mg,parent_ng_per_ml,metabolite_ng_per_ml,metabolite_nmol_per_ml")
for t in TIMES:
    x = state_at(t)
    cp = x[0] / V1 * 1000
    cm = x[2] / VM * 1000
    row = [t] + [mp.nstr(v, 25, min_fixed=-1, max_fixed=-1) for v in (x[0], x[1], x[2], cp, cm, cm / MOLAR_MASS)]
    print(",".join(row))

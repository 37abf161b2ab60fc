#!/usr/bin/env python3
"""Extended-precision peaks of the S-ketamine models for the metabolite validation anchors, independent of ketasim.

The anchors are those of Models/observations.yaml (M1, M2, O6), the metabolite validation anchors of the project's
metabolite digest (M1 Kamp 2020 esketamine arm, M2 10 mg racemic IV, M3 = O6 20 mg S-ketamine over 20 min). The
rate matrices are written out here from the published parameters (Perez-Ruixo 2021 Table 3 and Flint 2017 Table 3
via nlmixr2lib [S], as quoted in the digest's section 1.2), converted from hours to minutes here, and the state is propagated segment by segment with mpmath's matrix exponential at 50 digits, using the augmented
matrix [[A*h, b*rate*h], [0, 0]] for infusions. The peak of a concentration over [0, until] is found on a 1-min grid
(every dose edge here is a whole minute) and refined by solving d(concentration)/dt = 0 with mpmath.findroot within
the minute on the side where the curve still rises towards it; when it falls on both sides of the grid point (the
parent's kink at the end of a rising infusion) that point is the peak.
Amounts in mg, volumes in L, times in min; outputs ng/mL.

Cases:
  M1  esketamine 0.14 / 0.28 / 0.57 mg/kg/h for 0-60 / 60-120 / 120-180 min at 70 kg, peaks over 0-300 min:
      perezruixo2021 (no weight scaling) and flint2017 (at its 70 kg reference weight).
  M2  racemic 10 mg over 1 min, S half (5 mg) given to perezruixo2021, norketamine peak over 0-1440 min
      (the table doubles it; this file prints the S-norketamine value).
  O6  20 mg S-ketamine over 20 min, parent peak over 0-120 min: perezruixo2021, and flint2017 at 73 kg.

Usage: python3 reference.py > reference.csv
"""
import os
import sys

import mpmath as mp

# The rate matrix of Perez-Ruixo 2021 is written out once, in the metabolite models' own reference.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "MetaboliteModels"))
from reference import perez_matrix  # noqa: E402

mp.mp.dps = 50
H = mp.mpf(60)  # min per h


def perez():
    return perez_matrix()


def flint(weight=70):
    # Allometric to 70 kg: clearances x (W/70)^0.75, volumes x W/70 (factors 1 at 70 kg).
    w = mp.mpf(weight) / 70
    c, v = w ** mp.mpf("0.75"), w
    CL, V1, Q, V2 = mp.mpf(112) / H * c, mp.mpf("7.73") * v, mp.mpf(196) / H * c, mp.mpf(545) * v
    CLNK, VNK = mp.mpf("53.2") / H * c, mp.mpf(1) * v
    A = mp.zeros(3, 3)
    A[0, 0], A[0, 1] = -(CL + Q) / V1, Q / V2
    A[1, 0], A[1, 1] = Q / V1, -Q / V2
    A[2, 0], A[2, 2] = CL / V1, -CLNK / VNK
    return A, {"cp": (0, V1), "nk": (2, VNK)}


def rate_at(infusions, t):
    return sum((r for s, e, r in infusions if s <= t < e), mp.mpf(0))


def propagate(A, x, rate, h):
    n = A.rows
    m = mp.zeros(n + 1, n + 1)
    for i in range(n):
        for j in range(n):
            m[i, j] = A[i, j] * h
    m[0, n] = rate * h
    e = mp.expm(m)
    out = e * mp.matrix([x[i] for i in range(n)] + [1])
    return mp.matrix([out[i] for i in range(n)])


def state_at(A, infusions, t):
    x = mp.matrix([0] * A.rows)
    edges = sorted({mp.mpf(0), t} | {e for a, b, _ in infusions for e in (a, b) if e < t})
    for a, b in zip(edges, edges[1:]):
        x = propagate(A, x, rate_at(infusions, a), b - a)
    return x


def peak(A, infusions, site, until):
    index, volume = site
    n = A.rows
    # 1-min steps: every dose edge here is a whole minute, so the rate is constant over each step.
    steps = {}
    x = mp.matrix([0] * n)
    grid, values = [mp.mpf(0)], [mp.mpf(0)]
    for minute in range(int(until)):
        rate = rate_at(infusions, mp.mpf(minute))
        if rate not in steps:
            m = mp.zeros(n + 1, n + 1)
            for i in range(n):
                for j in range(n):
                    m[i, j] = A[i, j]
            m[0, n] = rate
            steps[rate] = mp.expm(m)
        out = steps[rate] * mp.matrix([x[i] for i in range(n)] + [1])
        x = mp.matrix([out[i] for i in range(n)])
        grid.append(mp.mpf(minute + 1))
        values.append(x[index])
    k = max(range(len(values)), key=lambda i: values[i])
    best_t, best_v = grid[k], values[k]

    def slope(t, rate):
        dx = A * state_at(A, infusions, t)
        return dx[index] + (rate if index == 0 else 0)

    # The derivative just after and just before the grid maximum (the input rate may change there): a rising
    # curve after it or a falling one before it puts the true peak within a minute on that side; otherwise the grid
    # point itself is the peak (a kink at the end of a rising infusion).
    after, before = rate_at(infusions, best_t), rate_at(infusions, best_t - mp.mpf("1e-30"))
    side = None
    if k < len(grid) - 1 and slope(best_t, after) > 0:
        side = (best_t, grid[k + 1])
    elif k > 0 and slope(best_t, before) < 0:
        side = (grid[k - 1], best_t)
    if side is not None:
        a, b = side
        t = mp.findroot(lambda t: slope(t, rate_at(infusions, a)), (a, b), solver="anderson")
        best_t, best_v = t, state_at(A, infusions, t)[index]
    return best_t, best_v / volume * 1000


def esketamine_arm(weight):
    steps = [(0, 60, "0.14"), (60, 120, "0.28"), (120, 180, "0.57")]
    return [(mp.mpf(a), mp.mpf(b), mp.mpf(r) * weight / H) for a, b, r in steps]


print("case,model,analyte,peak_time_min,peak_ng_per_ml")
cases = [
    ("M1", "perezruixo2021", perez, esketamine_arm(70), 300),
    ("M1", "flint2017", flint, esketamine_arm(70), 300),
    ("M2", "perezruixo2021", perez, [(mp.mpf(0), mp.mpf(1), mp.mpf(5))], 1440),
    ("O6", "perezruixo2021", perez, [(mp.mpf(0), mp.mpf(20), mp.mpf(1))], 120),
    ("O6", "flint2017", lambda: flint(73), [(mp.mpf(0), mp.mpf(20), mp.mpf(1))], 120),
]
for case, name, build, infusions, until in cases:
    A, sites = build()
    analytes = ["nk"] if case == "M2" else ["cp"] if case == "O6" else ["cp", "nk"]
    for analyte in analytes:
        t, c = peak(A, infusions, sites[analyte], until)
        print(f"{case},{name},{analyte},{mp.nstr(t, 20)},{mp.nstr(c, 25)}")

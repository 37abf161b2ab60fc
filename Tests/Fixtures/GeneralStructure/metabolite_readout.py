#!/usr/bin/env python3
"""Extended-precision read-out of the test metabolite model (see metabolite_reference.py): the metabolite's
peak and its time, and the areas under the parent and metabolite curves over [0, 480.2] min.

Independent of ketasim: the same rate matrix and regimen as metabolite_reference.py (imported from it), the
state at any time from mpmath's matrix exponential; the peak is the zero of the metabolite's derivative
(A·x + b·u, third row) refined by mpmath's findroot from the best of a 0.1-min scan; the areas are mpmath
quadratures over the three stretches of constant input ([0, 10], [10, 40], [40, 480.2]), each cross-checked
by mass balance A·∫x = x(T) − x(0) − b·given, solved at 50 digits; the script stops if they disagree beyond
1e-25 relative.

Usage: python3 metabolite_readout.py > metabolite_readout.csv
"""
import contextlib
import io
import sys

import mpmath as mp

sys.argv = sys.argv[:1]
with contextlib.redirect_stdout(io.StringIO()):
    import metabolite_reference as ref

mp.mp.dps = 50
END = mp.mpf("480.2")


def metabolite(t):
    return ref.state_at(t)[2] / ref.VM * 1000


def derivative(t):
    x = ref.state_at(t)
    return (ref.A[2, 0] * x[0] + ref.A[2, 1] * x[1] + ref.A[2, 2] * x[2]) / ref.VM * 1000


scan = [mp.mpf(k) / 10 for k in range(1, 4802)]
best = max(scan, key=metabolite)
tmax = mp.findroot(derivative, (best - mp.mpf("0.1"), best + mp.mpf("0.1")), solver="anderson")
cmax = metabolite(tmax)

edges = [mp.mpf(0), mp.mpf(10), mp.mpf(40), END]
auc_parent = mp.fsum(mp.quad(lambda t: ref.state_at(t)[0], [a, b]) for a, b in zip(edges, edges[1:])) / ref.V1 * 1000
auc_metabolite = mp.fsum(mp.quad(lambda t: ref.state_at(t)[2], [a, b]) for a, b in zip(edges, edges[1:])) / ref.VM * 1000

given = ref.BOLUS_MG + ref.INFUSION[2] * (ref.INFUSION[1] - ref.INFUSION[0])
final = ref.state_at(END)
change = mp.matrix([final[0] - given, final[1], final[2]])
integral = mp.lu_solve(ref.A, change)
for quad, balance in ((auc_parent, integral[0] / ref.V1 * 1000), (auc_metabolite, integral[2] / ref.VM * 1000)):
    if abs(quad - balance) > mp.mpf("1e-25") * abs(balance):
        raise SystemExit(f"quadrature {quad} and mass balance {balance} disagree")

print("metric,value,unit")
print(f"nk_max,{mp.nstr(cmax, 25)},ng/mL")
print(f"nk_tmax,{mp.nstr(tmax, 25)},min")
print(f"cp_auc,{mp.nstr(auc_parent, 25)},ng*min/mL")
print(f"nk_auc,{mp.nstr(auc_metabolite, 25)},ng*min/mL")

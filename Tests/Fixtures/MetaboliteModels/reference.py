#!/usr/bin/env python3
"""Extended-precision typical-value predictions of the two shipped metabolite models, independent of ketasim.

The rate matrices are written out here from the published parameters (Perez-Ruixo 2021 Table 3 and Flint 2017
Table 3, as in Models/perezruixo2021.yaml and Models/flint2017.yaml, converted from hours to minutes here), and
the state is propagated segment by segment with mpmath's matrix exponential at 50 digits, with the augmented
matrix [[A, b*rate], [0, 0]] for infusions. Amounts in mg, volumes in L, times in min; outputs ng/mL.

Cases:
  perezruixo2021: 28 mg IV over 40 min (the study's IV dose), adult (no weight scaling).
  flint2017: 0.5 mg/kg/h for 4 h at 20 kg (allometric to 70 kg: clearances x (20/70)^0.75, volumes x 20/70).

Usage: python3 reference.py > reference.csv
"""
import mpmath as mp

mp.mp.dps = 50
H = mp.mpf(60)  # min per h


def perez_matrix():
    """Perez-Ruixo 2021's rate matrix (1/min) and the (state, volume) of cp and nk; also used by
    ../MetaboliteAnchors/reference.py."""
    Vc, Q1, Vp1, Q2, Vp2 = mp.mpf(192), mp.mpf("84.3") / H, mp.mpf(143), mp.mpf("37.6") / H, mp.mpf(417)
    Qh, Vh, kel, kmet = mp.mpf(151) / H, mp.mpf(101), mp.mpf("1.11") / H, mp.mpf("2.77") / H
    Vcn, CLn, Vpn, Q3 = mp.mpf(70), mp.mpf(38) / H, mp.mpf(115), mp.mpf("26.1") / H
    # states: central, p1, p2, liver, nk, nk_p
    A = mp.zeros(6, 6)
    A[0, 0] = -(Q1 + Q2 + Qh) / Vc
    A[0, 1], A[0, 2], A[0, 3] = Q1 / Vp1, Q2 / Vp2, Qh / Vh
    A[1, 0], A[1, 1] = Q1 / Vc, -Q1 / Vp1
    A[2, 0], A[2, 2] = Q2 / Vc, -Q2 / Vp2
    A[3, 0], A[3, 3] = Qh / Vc, -(Qh / Vh + kel + kmet)
    A[4, 3], A[4, 4], A[4, 5] = kmet, -(CLn + Q3) / Vcn, Q3 / Vpn
    A[5, 4], A[5, 5] = Q3 / Vcn, -Q3 / Vpn
    return A, {"cp": (0, Vc), "nk": (4, Vcn)}


def perez():
    A, observed = perez_matrix()
    return A, observed["cp"], observed["nk"], [(mp.mpf(0), mp.mpf(40), mp.mpf(28) / 40)]


def flint():
    w = mp.mpf(20) / 70
    CL, V1, Q, V2 = mp.mpf(112) / H * w ** mp.mpf("0.75"), mp.mpf("7.73") * w, mp.mpf(196) / H * w ** mp.mpf("0.75"), mp.mpf(545) * w
    CLNK, VNK = mp.mpf("53.2") / H * w ** mp.mpf("0.75"), mp.mpf(1) * w
    A = mp.zeros(3, 3)
    A[0, 0], A[0, 1] = -(CL + Q) / V1, Q / V2
    A[1, 0], A[1, 1] = Q / V1, -Q / V2
    A[2, 0], A[2, 2] = CL / V1, -CLNK / VNK
    rate = mp.mpf("0.5") * 20 / H  # mg/min
    return A, (0, V1), (2, VNK), [(mp.mpf(0), mp.mpf(240), rate)]


def state_at(A, infusions, t):
    n = A.rows
    x = mp.matrix([0] * n)
    edges = sorted({mp.mpf(0), t} | {e for a, b, _ in infusions for e in (a, b) if e < t})
    for a, b in zip(edges, edges[1:]):
        rate = sum((r for s, e, r in infusions if s <= a < e), mp.mpf(0))
        m = mp.zeros(n + 1, n + 1)
        for i in range(n):
            for j in range(n):
                m[i, j] = A[i, j] * (b - a)
            m[i, n] = (rate if i == 0 else 0) * (b - a)
        e = mp.expm(m)
        y = mp.matrix([x[i] for i in range(n)] + [1])
        out = e * y
        x = mp.matrix([out[i] for i in range(n)])
    return x


if __name__ == "__main__":
    print("model,time_min,cp_ng_per_ml,nk_ng_per_ml")
    for name, build in (("perezruixo2021", perez), ("flint2017", flint)):
        A, (ic, vc), (im, vm), infusions = build()
        for t in ["10", "40", "90", "240", "600"]:
            x = state_at(A, infusions, mp.mpf(t))
            print(f"{name},{t},{mp.nstr(x[ic] / vc * 1000, 25)},{mp.nstr(x[im] / vm * 1000, 25)}")

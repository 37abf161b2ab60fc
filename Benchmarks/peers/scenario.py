"""The benchmark scenario shared by every peer: population, model, dosing,
grid and the read-outs, defined exactly as ketasim's benchmarks define them
(Benchmarks/Sources/BenchmarkWorkloads/PopulationScenario.swift).

Scenario (the peer timing comparison of Benchmarks/README.md): a ketamine-like
two-compartment model (V1 0.063 L/kg, k10 0.4381, k12 0.5921, k21 0.2470 /min),
body weight log-normal around 70 kg (log-SD 0.2, clipped to 40-150 kg),
log-normal IIV with omega 0.3 on V1, CL, Q and V2, 0.5 mg/kg over 40 min,
24 h. Units: mg, L, min inside; concentrations reported in ng/mL.

Read-outs on the grid (as ketasim's benchmarks compute them):
- peak: the largest grid value of Cp (ng/mL);
- time above a level: the number of grid times with Cp strictly above the
  level, times the step (min);
- bands: NumPy's default ("linear") percentiles across subjects per time, and
  the fraction of subjects strictly above each level per time.
"""

import math

import numpy as np

V1_PER_KG = 0.063
K10 = 0.4381
K12 = 0.5921
K21 = 0.2470
OMEGA = 0.3
MEDIAN_WEIGHT = 70.0
WEIGHT_LOG_SD = 0.2
WEIGHT_RANGE = (40.0, 150.0)
DOSE_MG_PER_KG = 0.5
INFUSION_MIN = 40.0
DURATION_MIN = 24 * 60.0
SEED = 20251121

# Models/thresholds.yaml typical values (ng/mL), in file order.
THRESHOLDS = [("analgesia", 100.0), ("dissociation", 150.0), ("anesthesia", 1000.0), ("awakening", 640.0)]

SUBJECTS_HEADER = "id,weight_kg,v1_l,cl_l_per_min,q_l_per_min,v2_l,rate_mg_per_min"

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


class SplitMix64:
    """SplitMix64, identical to Benchmarks/Sources/BenchmarkWorkloads/SplitMix64.swift."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + GOLDEN) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def open_unit(self):
        return ((self.next() >> 11) + 0.5) * 2.0 ** -53

    def normal(self):
        u1 = self.open_unit()
        u2 = self.open_unit()
        return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


def typical(weight):
    """(V1, CL, Q, V2) in L and L/min for a weight, and the rate in mg/min."""
    v1 = V1_PER_KG * weight
    return v1, K10 * v1, K12 * v1, K12 * v1 / K21, DOSE_MG_PER_KG * weight / INFUSION_MIN


def subject(index, seed=SEED):
    """Subject `index`: weight, V1, CL, Q, V2, rate (as the Swift side draws it)."""
    g = SplitMix64((seed + index * GOLDEN) & MASK64)
    z = [g.normal() for _ in range(5)]
    w = min(max(MEDIAN_WEIGHT * math.exp(WEIGHT_LOG_SD * z[0]), WEIGHT_RANGE[0]), WEIGHT_RANGE[1])
    v1, cl, q, v2, rate = typical(w)
    return (w, v1 * math.exp(OMEGA * z[1]), cl * math.exp(OMEGA * z[2]), q * math.exp(OMEGA * z[3]),
            v2 * math.exp(OMEGA * z[4]), rate)


def population(count, seed=SEED):
    """A (count, 6) array: weight, V1, CL, Q, V2, rate."""
    return np.array([subject(i, seed) for i in range(count)])


def write_subjects(path, subjects):
    with open(path, "w") as f:
        f.write(SUBJECTS_HEADER + "\n")
        for i, row in enumerate(subjects):
            f.write(str(i) + "," + ",".join(repr(float(x)) for x in row) + "\n")


def read_subjects(path):
    with open(path) as f:
        header = f.readline().strip()
        assert header == SUBJECTS_HEADER, header
        return np.array([[float(x) for x in line.split(",")[1:]] for line in f if line.strip()])


def steps(step_seconds):
    return int(round(DURATION_MIN * 60 / step_seconds))


def infusion_steps(step_seconds):
    return int(round(INFUSION_MIN * 60 / step_seconds))


def rate_matrix(v1, cl, q, v2):
    """The 2x2 rate matrices K (1/min) of x' = K x + e1 u, shape (n, 2, 2)."""
    k10, k12, k21 = cl / v1, q / v1, q / v2
    a = np.zeros((len(v1), 2, 2))
    a[:, 0, 0] = -(k10 + k12)
    a[:, 0, 1] = k21
    a[:, 1, 0] = k12
    a[:, 1, 1] = -k21
    return a


def levels():
    return np.array([t[1] for t in THRESHOLDS])

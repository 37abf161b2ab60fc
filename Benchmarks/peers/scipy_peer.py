"""SciPy and NumPy peers: what a Python user writes instead of ketasim.

Methods:
- expm: exact stepping. One matrix exponential of the augmented matrix
  [[K dt, e1 dt], [0, 0]] per subject (scipy.linalg.expm, batched), then the
  recurrence x <- Phi x + Gamma u vectorised over subjects, one Python-level
  step per grid step; grid values go into a block of rows that is reduced
  with vectorised NumPy calls (peak, counts above levels, percentiles).
- closed: NumPy closed form (sum of exponentials), vectorised over time (W1).
- lsoda: scipy.integrate.solve_ivp(method="LSODA", rtol=1e-8, atol=1e-12)
  per subject, split at the end of the infusion, dense output on the grid.

Usage: scipy_peer.py w1|w2|w3 --method M [--subjects-file F] [--subjects N]
       [--step S] [--results F] [--repeat R]
"""

import argparse
import numpy as np
import scipy
import scipy.linalg
from scipy.integrate import solve_ivp

import harness
import scenario as sc

BLOCK = 1024  # grid rows held at a time by the streaming reductions


def transitions(subjects, dt):
    """Per-subject exact one-step Phi (n,2,2) and Gamma (n,2) for 1 mg/min."""
    v1, cl, q, v2 = subjects[:, 1], subjects[:, 2], subjects[:, 3], subjects[:, 4]
    n = len(v1)
    aug = np.zeros((n, 3, 3))
    aug[:, :2, :2] = sc.rate_matrix(v1, cl, q, v2) * dt
    aug[:, 0, 2] = dt
    e = scipy.linalg.expm(aug)
    return e[:, :2, :2], e[:, :2, 2]


def stream_expm(subjects, step_s, reduce_block):
    """Steps every subject through the grid; hands blocks of Cp rows (ng/mL),
    shape (rows, subjects), to reduce_block(first_index, block)."""
    dt = step_s / 60
    phi, gam = transitions(subjects, dt)
    p11, p12, p21, p22 = phi[:, 0, 0].copy(), phi[:, 0, 1].copy(), phi[:, 1, 0].copy(), phi[:, 1, 1].copy()
    rate = subjects[:, 5]
    g1u, g2u = gam[:, 0] * rate, gam[:, 1] * rate
    scale = 1000 / subjects[:, 1]
    n = len(rate)
    x1, x2 = np.zeros(n), np.zeros(n)
    t1, t2 = np.empty(n), np.empty(n)
    block = np.empty((BLOCK, n))
    block[0] = 0.0
    row, first = 1, 0  # grid index 0 (nothing given yet) is the first row
    total, on = sc.steps(step_s), sc.infusion_steps(step_s)
    for k in range(total):
        np.multiply(p11, x1, out=t1)
        t1 += p12 * x2
        np.multiply(p21, x1, out=t2)
        t2 += p22 * x2
        if k < on:
            t1 += g1u
            t2 += g2u
        x1, t1 = t1, x1
        x2, t2 = t2, x2
        np.multiply(x1, scale, out=block[row])
        row += 1
        if row == BLOCK:
            reduce_block(first, block)
            first += BLOCK
            row = 0
    if row:
        reduce_block(first, block[:row])


def w2_expm(subjects, step_s):
    lv = sc.levels()
    n = len(subjects)
    peak = np.zeros(n)
    above = np.zeros((len(lv), n))

    def reduce_block(first, block):
        np.maximum(peak, block.max(axis=0), out=peak)
        for j, level in enumerate(lv):
            above[j] += np.count_nonzero(block > level, axis=0)

    stream_expm(subjects, step_s, reduce_block)
    return peak, above * step_s / 60


def w3_expm(subjects, step_s):
    lv = sc.levels()
    times = sc.steps(step_s) + 1
    bands = np.empty((times, 3))
    fractions = np.empty((times, len(lv)))
    n = len(subjects)

    def reduce_block(first, block):
        rows = len(block)
        bands[first:first + rows] = np.percentile(block, [5, 50, 95], axis=1).T
        for j, level in enumerate(lv):
            fractions[first:first + rows, j] = np.count_nonzero(block > level, axis=1) / n

    stream_expm(subjects, step_s, reduce_block)
    return bands, fractions


def grid_summary(cp, step_s):
    """Peak and minutes above each level of one subject's grid values."""
    lv = sc.levels()
    return cp.max(), [(cp > level).sum() * step_s / 60 for level in lv]


def w2_lsoda(subjects, step_s):
    dt = step_s / 60
    grid = np.arange(sc.steps(step_s) + 1) * dt
    split = sc.infusion_steps(step_s)
    peaks, above = [], []
    for w, v1, cl, q, v2, rate in subjects:
        k10, k12, k21 = cl / v1, q / v1, q / v2

        def rhs(t, x, u):
            return [-(k10 + k12) * x[0] + k21 * x[1] + u, k12 * x[0] - k21 * x[1]]

        on = solve_ivp(rhs, (0, grid[split]), [0.0, 0.0], method="LSODA", t_eval=grid[:split + 1],
                       args=(rate,), rtol=1e-8, atol=1e-12)
        off = solve_ivp(rhs, (grid[split], grid[-1]), on.y[:, -1], method="LSODA", t_eval=grid[split:],
                        args=(0.0,), rtol=1e-8, atol=1e-12)
        cp = np.concatenate([on.y[0], off.y[0][1:]]) * 1000 / v1
        p, a = grid_summary(cp, step_s)
        peaks.append(p)
        above.append(a)
    return np.array(peaks), np.array(above).T


def w1_course(method):
    """One typical 70-kg subject, 24 h at 1 s: Cp (ng/mL) at every grid time."""
    w, v1, cl, q, v2, rate = 70.0, *sc.typical(70.0)[:4], sc.typical(70.0)[4]
    total, on = sc.steps(1), sc.infusion_steps(1)
    if method == "closed":
        k10, k12, k21 = cl / v1, q / v1, q / v2
        s, p = k10 + k12 + k21, k10 * k21
        root = np.sqrt(s * s - 4 * p)
        alpha, beta = (s + root) / 2, (s - root) / 2
        a, b = (alpha - k21) / (alpha - beta), (k21 - beta) / (alpha - beta)
        t = np.arange(total + 1) / 60.0
        tinf = sc.INFUSION_MIN
        during = a / alpha * (1 - np.exp(-alpha * t)) + b / beta * (1 - np.exp(-beta * t))
        after = (a / alpha * (1 - np.exp(-alpha * tinf)) * np.exp(-alpha * (t - tinf))
                 + b / beta * (1 - np.exp(-beta * tinf)) * np.exp(-beta * (t - tinf)))
        return np.where(t <= tinf, during, after) * rate / v1 * 1000
    # expm: exact stepping with plain floats (one subject: no vectors to batch).
    phi, gam = transitions(np.array([[w, v1, cl, q, v2, rate]]), 1 / 60)
    (p11, p12), (p21, p22) = phi[0]
    g1, g2 = gam[0] * rate
    cp = np.empty(total + 1)
    cp[0] = 0.0
    x1 = x2 = 0.0
    scale = 1000 / v1
    for k in range(total):
        if k < on:
            x1, x2 = p11 * x1 + p12 * x2 + g1, p21 * x1 + p22 * x2 + g2
        else:
            x1, x2 = p11 * x1 + p12 * x2, p21 * x1 + p22 * x2
        cp[k + 1] = x1 * scale
    return cp


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["w1", "w2", "w3"])
    parser.add_argument("--method", default="expm", choices=["expm", "closed", "lsoda"])
    parser.add_argument("--subjects-file")
    parser.add_argument("--subjects", type=int, default=0, help="use only the first N subjects of the file")
    parser.add_argument("--step", type=float, default=10.0)
    parser.add_argument("--results")
    parser.add_argument("--repeat", type=int, default=3)
    a = parser.parse_args()
    fields = {"tool": "scipy " + scipy.__version__ + " / numpy " + np.__version__, "method": a.method,
              "workload": a.workload}
    if a.workload == "w1":
        def run():
            cp = w1_course(a.method)
            return cp, harness.w1_csv(cp)

        (cp, text), timing = harness.measure(run, a.repeat)
        fields.update(timing, bytes=len(text), rows=text.count("\n"))
        if a.results:
            harness.write_course(a.results, cp)
    else:
        subjects = sc.read_subjects(a.subjects_file)
        if a.subjects:
            subjects = subjects[:a.subjects]
        fields.update(subjects=len(subjects), step_seconds=a.step)
        if a.workload == "w2":
            run = {"expm": w2_expm, "lsoda": w2_lsoda}[a.method]
            (peak, above), timing = harness.measure(lambda: run(subjects, a.step), a.repeat)
            if a.results:
                harness.write_summary(a.results, peak, above, [n for n, _ in sc.THRESHOLDS])
        else:
            (bands, fractions), timing = harness.measure(lambda: w3_expm(subjects, a.step), a.repeat)
            if a.results:
                minutes = np.arange(len(bands)) * a.step / 60
                harness.write_bands(a.results, minutes, bands, fractions, [n for n, _ in sc.THRESHOLDS])
        fields.update(timing)
    harness.emit(fields)


if __name__ == "__main__":
    main()

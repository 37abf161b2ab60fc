"""Timing and output helpers shared by the peer workers.

Every worker prints one JSON object on stdout: median CPU and wall-clock
seconds of the timed repetitions (after one untimed warm-up run), the runs
themselves, and the process's peak resident memory. CPU time is the
process's (time.process_time), the steadier figure on a shared machine.
"""

import io
import json
import resource
import statistics
import sys
import time

import numpy as np

import scenario

def measure(body, repeat):
    """Runs body() once untimed, then `repeat` times timed; returns (result, timing fields)."""
    result = body()
    cpu, wall = [], []
    for _ in range(max(repeat, 1)):
        c0, w0 = time.process_time(), time.perf_counter()
        result = body()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return result, {
        "cpu_seconds": statistics.median(cpu),
        "wall_seconds": statistics.median(wall),
        "cpu_runs": cpu,
        "wall_runs": wall,
    }


def peak_rss_mb():
    """This process's peak resident memory: VmHWM from /proc/self/status (ru_maxrss
    is carried over exec on Linux, so it would report a large parent's peak)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(fields):
    fields = dict(fields)
    fields["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(fields, sort_keys=True))
    sys.stdout.flush()


def write_summary(path, peak, minutes_above, names):
    """Per-subject results in the layout ketasim-workloads writes."""
    with open(path, "w") as f:
        f.write("id,peak_ng_per_ml" + "".join(",min_above_" + n for n in names) + "\n")
        for i in range(len(peak)):
            f.write(f"{i},{float(peak[i])!r}" + "".join(f",{float(minutes_above[j][i])!r}" for j in range(len(names))) + "\n")


def write_bands(path, minutes, percentiles, fraction_above, names):
    with open(path, "w") as f:
        f.write("time_min,cp_p05,cp_p50,cp_p95" + "".join(",p_above_" + n for n in names) + "\n")
        for t in range(len(minutes)):
            row = [minutes[t]] + list(percentiles[t]) + list(fraction_above[t])
            f.write(",".join(repr(float(x)) for x in row) + "\n")


def write_course(path, cp):
    """One column of Cp (ng/mL) per grid time, for the W1 agreement check."""
    with open(path, "w") as f:
        f.write("cp_ng_per_ml\n")
        for value in cp:
            f.write(repr(float(value)) + "\n")


def w1_csv(cp):
    """The CSV ketasim writes (time, rate, Cp, one 0/1 column per threshold), into memory."""
    total, on = scenario.steps(1), scenario.infusion_steps(1)
    rate_h = scenario.typical(70.0)[4] * 60
    t = np.arange(total + 1) / 60.0
    rate = np.where(np.arange(total + 1) < on, rate_h, 0.0)
    flags = (cp[:, None] > scenario.levels()[None, :]).astype(np.int8)
    table = np.column_stack([t, rate, cp, flags])
    out = io.StringIO()
    out.write("time_min,rate_mg_per_h,cp_ng_per_ml" + "".join(",above_" + n for n, _ in scenario.THRESHOLDS) + "\n")
    np.savetxt(out, table, delimiter=",", fmt=["%.17g", "%.17g", "%.17g"] + ["%d"] * len(scenario.THRESHOLDS))
    return out.getvalue()

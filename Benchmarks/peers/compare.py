"""Runs W1, W2 and W3 through ketasim and its peers on this machine, in one
run, checks that every peer computes the same numbers as ketasim, and prints
the timings and ratios as Markdown.

Each workload runs in its own process (so peak memory is the workload's):
ketasim through its CLI (as whole processes) and through
`ketasim-workloads` (W1-W3 in-process, through the product's own API: the
exact read-out and the population engine), the peers through scipy_peer.py,
pytci_peer.py and opentiva_peer.py (and desolve_peer.R when R's deSolve is
installed). Slow peers run on the first N subjects and are scaled to 1,000
linearly (marked "extrapolated"); --full runs them on all subjects.

Ratios are of CPU time (the process's user + system time for the work, which
on a shared machine is steadier than wall-clock time); both are printed.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np

import scenario as sc

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(command, env=None):
    """Runs a worker and returns the JSON object it prints."""
    command = [str(part) for part in command]
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def python_worker(script, *args):
    return run_json([sys.executable, os.path.join(HERE, script), *map(str, args)])


def time_process(command, repeat):
    """Median wall-clock and CPU (user + system) seconds of a whole process."""
    wall, cpu = [], []
    for _ in range(repeat + 1):
        start = datetime.datetime.now()
        with open(os.devnull, "wb") as null:
            process = subprocess.Popen(command, stdout=null, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
        if status != 0:
            raise SystemExit(f"{command[0]} failed with status {status}")
        wall.append((datetime.datetime.now() - start).total_seconds())
        cpu.append(usage.ru_utime + usage.ru_stime)
    # The first run warms the page cache; it is not counted.
    return {"wall_seconds": statistics.median(wall[1:]), "cpu_seconds": statistics.median(cpu[1:]),
            "cpu_runs": cpu[1:], "wall_runs": wall[1:], "peak_rss_mb": peak_memory(command)}


def peak_memory(command):
    """Peak resident memory (MB) of one more run, by GNU time: a small parent, so
    the reading is the command's own (a child of this Python process would
    inherit its high-water mark across fork and exec)."""
    if not os.path.exists("/usr/bin/time"):
        return float("nan")
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *command], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        return int(out.read().split()[-1]) / 1024


def read_columns(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {key: np.array([float(r[key]) if r[key] else np.nan for r in rows]) for key in rows[0]}


def load():
    return os.getloadavg()


# MARK: - agreement checks

def check_course(name, reference, path, tolerance):
    cp = read_columns(path)["cp_ng_per_ml"]
    if len(cp) != len(reference):
        return f"{name}: {len(cp)} rows, ketasim {len(reference)}", False
    error = np.max(np.abs(cp - reference)) / np.max(np.abs(reference))
    return f"{name}: max |ΔCp| / peak = {error:.1e} (tolerance {tolerance:g})", error <= tolerance


def check_summary(name, reference, path, peak_tolerance, step_minutes, steps_tolerance):
    peer = read_columns(path)
    n = len(peer["peak_ng_per_ml"])
    peak_error = np.max(np.abs(peer["peak_ng_per_ml"] - reference["peak_ng_per_ml"][:n])
                        / reference["peak_ng_per_ml"][:n])
    worst_steps, total = 0.0, 0.0
    for name_, _ in sc.THRESHOLDS:
        key = "min_above_" + name_
        difference = np.abs(peer[key] - reference[key][:n]) / step_minutes
        worst_steps = max(worst_steps, float(np.max(difference)))
        total += float(np.sum(difference))
    ok = peak_error <= peak_tolerance and worst_steps <= steps_tolerance + 1e-6
    mean = total / (n * len(sc.THRESHOLDS))
    return (f"{name}: {n} subjects, max relative peak difference {peak_error:.1e} (tolerance {peak_tolerance:g}); "
            f"time above: the grid count differs from ketasim's exact time by at most {worst_steps:.2f} grid steps "
            f"(mean {mean:.2f}; tolerance {steps_tolerance}, one step per crossing)"), ok


def check_bands(name, reference, path, subjects=10000):
    """ketasim's engine draws its own etas (the weights are the peers'), so the two bands are two samples of
    10,000 from one population: they must agree to sampling error, not digit for digit. The error of a
    sample quantile q of a log-normal spread s is s·sqrt(q(1-q)/n)/φ(z_q) on a log scale (Stuart & Ord,
    Kendall's Advanced Theory of Statistics, vol. 1, 10.10), and of a fraction p it is sqrt(p(1-p)/n); the
    difference of two independent samples has sqrt(2) times that. s is read from ketasim's own 5-95 % band at
    each time. Every percentile where the median is above 1 ng/mL, and every fraction, must be within 4
    standard errors (plus ketasim's bin half-width, 0.2 %, and one subject)."""
    from statistics import NormalDist
    peer = read_columns(path)
    p05, p50, p95 = (reference[f"cp_{k}_ng_per_ml"] for k in ["p05", "p50", "p95"])
    live = (p50 > 1) & (p05 > 0)
    spread = np.log(p95[live] / p05[live]) / (2 * NormalDist().inv_cdf(0.95))
    worst = 0.0
    for key, q, ours in [("p05", 0.05, p05), ("p50", 0.5, p50), ("p95", 0.95, p95)]:
        se = np.sqrt(2) * spread * np.sqrt(q * (1 - q) / subjects) / NormalDist().pdf(NormalDist().inv_cdf(q))
        difference = np.abs(np.log(peer[f"cp_{key}"][live] / ours[live]))
        worst = max(worst, float(np.max(np.maximum(difference - 0.002, 0) / se)))
    worst_fraction = 0.0
    for n, _ in sc.THRESHOLDS:
        ours, theirs = reference["p_above_" + n], peer["p_above_" + n]
        p = (ours + theirs) / 2
        se = np.sqrt(2 * p * (1 - p) / subjects)
        difference = np.maximum(np.abs(ours - theirs) - 1 / subjects, 0)
        z = np.divide(difference, se, out=np.zeros_like(se), where=se > 0)
        worst_fraction = max(worst_fraction, float(np.max(z)))
    ok = worst <= 4 and worst_fraction <= 4
    return (f"{name}: two samples of {subjects:,} subjects (ketasim draws its own etas), so agreement is to "
            f"sampling error: percentiles within {worst:.1f} standard errors, fractions above each level within "
            f"{worst_fraction:.1f} (tolerance 4)"), ok


# MARK: - main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ketasim", required=True, help="the ketasim binary (release build)")
    parser.add_argument("--workloads", required=True, help="the ketasim-workloads binary")
    parser.add_argument("--build", default="", help="how the binaries were built (for the report)")
    parser.add_argument("--full", action="store_true", help="run slow peers on all subjects (about 10 min)")
    parser.add_argument("--json", help="also write every measurement to this file")
    parser.add_argument("--population-args",
                        help="model, variability and dose options for timing `ketasim population` (W2 at 1 s, W3)")
    a = parser.parse_args()

    work = tempfile.mkdtemp(prefix="ketasim-peers-")
    model = os.path.join(HERE, "peers2cmt.yaml")
    load_before = load()
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "build": a.build,
               "machine": machine(), "load_before": load_before, "runs": []}
    checks = []
    rows = []  # (workload, tool, method, subjects measured, cpu s (scaled), wall s (scaled), note, ketasim cpu)

    def record(workload, tool, method, fields, scale=1.0, note=""):
        results["runs"].append({"workload": workload, "tool": tool, "method": method, "scale": scale,
                                "note": note, **fields})
        return fields["cpu_seconds"] * scale, fields["wall_seconds"] * scale

    subjects_1k = os.path.join(work, "subjects-1000.csv")
    subjects_10k = os.path.join(work, "subjects-10000.csv")
    sc.write_subjects(subjects_1k, sc.population(1000))
    sc.write_subjects(subjects_10k, sc.population(10000))

    # W1 ---------------------------------------------------------------
    cli = [a.ketasim, "--model", model, "--weight", "70", "--dose", "0.5 mg/kg over 40 min", "--duration", "24h",
           "--step", "1s", "--quiet"]
    course_path = os.path.join(work, "w1-ketasim.csv")
    subprocess.run(cli + ["--output", course_path], check=True)
    reference_course = read_columns(course_path)["cp_ng_per_ml"]
    process = time_process(cli, 10)
    k_cpu, k_wall = record("W1", "ketasim", "CLI process, CSV to /dev/null", process)
    inproc = run_json([a.workloads, "preview", "--repeat", "5"])
    record("W1", "ketasim", "in-process (CSV into memory)", inproc)
    w1 = [("ketasim", "whole process `ketasim ... --step 1s > /dev/null`", k_cpu, k_wall, ""),
          ("ketasim", f"in-process, {inproc['megabytes_per_second']:.0f} MB/s of CSV", inproc["cpu_seconds"],
           inproc["wall_seconds"], "")]
    for script, method, label, tolerance in [
            ("scipy_peer.py", "closed", "NumPy closed form + savetxt", 1e-9),
            ("scipy_peer.py", "expm", "SciPy expm, Python step loop + savetxt", 1e-9),
            ("pytci_peer.py", None, "PyTCI exact, one call per step + savetxt", 1e-9),
            ("opentiva_peer.py", None, "opentiva cp_over_time + savetxt", 1e-9)]:
        out = os.path.join(work, f"w1-{script}-{method}.csv")
        args = ["w1", "--results", out, "--repeat", "3"] + (["--method", method] if method else [])
        fields = python_worker(script, *args)
        cpu, wall = record("W1", fields["tool"], label, fields)
        w1.append((fields["tool"], label, cpu, wall, ""))
        checks.append(("W1",) + check_course(label, reference_course, out, tolerance))

    # W2 ---------------------------------------------------------------
    w2 = {}
    references = {}
    for step in [10, 1]:
        entries = []
        out = os.path.join(work, f"w2-ketasim-{step}.csv")
        fields = run_json([a.workloads, "population-summary", "--subjects-file", subjects_1k, "--step-seconds",
                           step, "--results", out, "--repeat", "5"])
        cpu, wall = record(f"W2 {step} s", "ketasim", "exact read-out", fields)
        entries.append(("ketasim", "`CurveReadout` per subject, in-process: the exact read-out of `ketasim "
                        "population` (root finding on the exact solution, no grid)", cpu, wall, ""))
        references[step] = read_columns(out)
        # The peers read out on the grid: one step per crossing (two per level) from the exact times.
        peers = [("scipy_peer.py", ["--method", "expm"], "SciPy expm, vectorised over subjects", 1000, 3, 1e-9, 2),
                 ("scipy_peer.py", ["--method", "lsoda"], "SciPy LSODA per subject (rtol 1e-8)", 50, 1, 1e-5, 3),
                 ("pytci_peer.py", [], "PyTCI exact, one call per step", 50 if step == 10 else 5, 1, 1e-9, 2)]
        if step == 1:
            peers.append(("opentiva_peer.py", [], "opentiva cp_over_time per subject", 100, 1, 1e-9, 2))
        for script, extra, label, count, repeat, peak_tol, steps_tol in peers:
            count = 1000 if a.full else count
            out = os.path.join(work, f"w2-{script}-{label[:5]}-{step}.csv")
            args = ["w2", "--subjects-file", subjects_1k, "--subjects", count, "--results", out,
                    "--repeat", repeat] + extra + ([] if script == "opentiva_peer.py" else ["--step", step])
            fields = python_worker(script, *args)
            scale = 1000 / fields["subjects"]
            note = "" if scale == 1 else f"extrapolated from {fields['subjects']} subjects"
            cpu, wall = record(f"W2 {step} s", fields["tool"], label, fields, scale, note)
            entries.append((fields["tool"], label, cpu, wall, note))
            checks.append((f"W2 {step} s",) + check_summary(label, references[step], out, peak_tol, step / 60,
                                                             steps_tol))
        desolve = desolve_run(work, subjects_1k, step, references[step], checks, record, a.full)
        if desolve:
            entries.append(desolve)
        w2[step] = entries

    # W3 ---------------------------------------------------------------
    out_k = os.path.join(work, "w3-ketasim.csv")
    fields = run_json([a.workloads, "population-bands", "--subjects", "10000", "--step-seconds", "10",
                       "--results", out_k, "--repeat", "3"])
    k3_cpu, k3_wall = record("W3", "ketasim", "population engine, bands pass", fields)
    w3 = [("ketasim", "`PopulationSimulation.streamBandRows`, in-process: what `ketasim population` runs for its "
           "bands (draws, tiled kernel, binned percentiles)", k3_cpu, k3_wall, "", fields["peak_rss_mb"])]
    out_p = os.path.join(work, "w3-numpy.csv")
    fields = python_worker("scipy_peer.py", "w3", "--subjects-file", subjects_10k, "--step", "10", "--results",
                           out_p, "--repeat", "1")
    cpu, wall = record("W3", fields["tool"], "expm stepping + np.percentile", fields)
    w3.append((fields["tool"], "expm stepping + np.percentile per block of 1024 times", cpu, wall, "",
               fields["peak_rss_mb"]))
    checks.append(("W3",) + check_bands("NumPy pipeline", read_columns(out_k), out_p))
    population_runs(a, work, w2, w3, record)

    results["load_after"] = load()
    print_report(results, w1, w2, w3, checks)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    shutil.rmtree(work)
    if not all(ok for _, _, ok in checks):
        raise SystemExit("some peers disagree with ketasim beyond the stated tolerance")


def population_runs(a, work, w2, w3, record):
    """`ketasim population` as a whole process, when the binary has it and
    --population-args gives its model, variability and dose options: W2 at 1 s
    (1,000 subjects, per-subject read-outs to a file, --summary so that no bands
    are computed) and W3 (10,000 subjects at 10 s, bands to a file). Its own sampling, so it is timed, not compared per
    subject."""
    # `simulate` is the default subcommand, so `ketasim population --help`
    # succeeds either way: look for the subcommand in the top-level help.
    probe = subprocess.run([a.ketasim, "--help"], capture_output=True, text=True)
    subcommands = probe.stdout.split("SUBCOMMANDS:")[-1] if "SUBCOMMANDS:" in probe.stdout else ""
    if not any(line.strip().startswith("population") for line in subcommands.splitlines()):
        print("note: this ketasim has no `population` subcommand; W2/W3 use ketasim-workloads", file=sys.stderr)
        return
    if not a.population_args:
        print("note: `ketasim population` exists; pass --population-args to time it", file=sys.stderr)
        return
    import shlex
    common = [a.ketasim, "population", *shlex.split(a.population_args), "--duration", "24h", "--quiet"]
    subjects_out = os.path.join(work, "population-subjects.csv")
    bands_out = os.path.join(work, "population-bands.csv")
    # W2 asks for per-subject read-outs only: --summary skips the bands.
    fields = time_process(common + ["--subjects", "1000", "--step", "1s", "--subjects-output", subjects_out,
                                    "--summary"], 3)
    cpu, wall = record("W2 1 s", "ketasim", "ketasim population", fields)
    w2[1].append(("ketasim", "`ketasim population --summary --subjects-output` (whole process; exact continuous "
                  "read-out by root finding, not on the grid)", cpu, wall, "own sampling; timed, not compared"))
    fields = time_process(common + ["--subjects", "10000", "--step", "10s", "--output", bands_out], 3)
    cpu, wall = record("W3", "ketasim", "ketasim population", fields)
    w3.append(("ketasim", "`ketasim population` (whole process, binned percentiles)", cpu, wall, "",
               fields.get("peak_rss_mb", float("nan"))))


def desolve_run(work, subjects, step, reference, checks, record, full):
    """R deSolve lsoda, when R and deSolve are installed."""
    if shutil.which("Rscript") is None:
        return None
    probe = subprocess.run(["Rscript", "-e", "library(deSolve)"], capture_output=True)
    if probe.returncode != 0:
        return None
    count = 1000 if full else 20
    out = os.path.join(work, f"w2-desolve-{step}.csv")
    fields = run_json(["Rscript", os.path.join(HERE, "desolve_peer.R"), subjects, str(count), str(step), out])
    scale = 1000 / fields["subjects"]
    label = "R deSolve lsoda per subject (rtol 1e-8)"
    note = "" if scale == 1 else f"extrapolated from {fields['subjects']} subjects"
    cpu, wall = record(f"W2 {step} s", fields["tool"], label, fields, scale, note)
    checks.append((f"W2 {step} s",) + check_summary(label, reference, out, 1e-5, step / 60, 1))
    return (fields["tool"], label, cpu, wall, note)


def machine():
    model = cores = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
            if line.startswith("CPU(s):"):
                cores = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": model, "cpus": cores, "python": platform.python_version(), "system": platform.platform()}


def print_report(results, w1, w2, w3, checks):
    m = results["machine"]
    print(f"Date {results['date']}; {m['cpu']}, {m['cpus']} CPUs; {m['system']}; Python {m['python']}; "
          f"ketasim build: {results['build'] or 'release'}")
    print(f"Load average before / after: {results['load_before'][0]:.2f} / {results['load_after'][0]:.2f} "
          "(1 min; the machine has 2 CPUs shared with other jobs)")
    print()

    def table(title, entries, reference_cpu, unit_note=""):
        print(f"### {title}")
        print()
        print("| tool | method | CPU s | wall s | × ketasim (CPU) | note |")
        print("|---|---|---:|---:|---:|---|")
        for tool, method, cpu, wall, note, *rest in entries:
            ratio = cpu / reference_cpu
            print(f"| {tool} | {method} | {cpu:.4g} | {wall:.4g} | {ratio:.3g} | {note} |")
        print()

    table("W1: one patient, 24 h at 1 s, CSV (86,401 rows)", w1, w1[0][2])
    for step, entries in w2.items():
        table(f"W2: 1,000 subjects, 24 h at {step} s, peak and time above 4 thresholds", entries, entries[0][2])
    print("### W3: 10,000 subjects, 24 h at 10 s, 5/50/95 % bands and fractions above 4 thresholds")
    print()
    print("| tool | method | CPU s | wall s | × ketasim (CPU) | peak memory MB |")
    print("|---|---|---:|---:|---:|---:|")
    for tool, method, cpu, wall, note, memory in w3:
        print(f"| {tool} | {method} | {cpu:.4g} | {wall:.4g} | {cpu / w3[0][2]:.3g} | {memory:.0f} |")
    print()
    print("### Agreement with ketasim")
    print()
    for workload, text, ok in checks:
        print(f"- {'ok' if ok else 'FAILED'} {workload}: {text}")


if __name__ == "__main__":
    main()

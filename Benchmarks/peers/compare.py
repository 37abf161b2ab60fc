"""Runs W1, W2 and W3 through ketasim and its peers on this machine, in one
run, checks that every peer computes the same numbers as ketasim, and prints
the timings and ratios as Markdown.

Each workload runs in its own process (so peak memory is the workload's):
ketasim through its CLI (W1, as a whole process) and through
`ketasim-workloads` (W1-W3 in-process), the peers through scipy_peer.py,
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
    worst_steps, differing = 0.0, 0
    for name_, _ in sc.THRESHOLDS:
        key = "min_above_" + name_
        difference = np.abs(peer[key] - reference[key][:n]) / step_minutes
        worst_steps = max(worst_steps, float(np.max(difference)))
        differing += int(np.count_nonzero(difference > 1e-6))
    ok = peak_error <= peak_tolerance and worst_steps <= steps_tolerance + 1e-6
    return (f"{name}: {n} subjects, max relative peak difference {peak_error:.1e} (tolerance {peak_tolerance:g}); "
            f"time above: {differing} of {n * len(sc.THRESHOLDS)} values differ, by at most {worst_steps:.0f} "
            f"grid steps (tolerance {steps_tolerance})"), ok


def check_bands(name, reference, path):
    peer = read_columns(path)
    errors = []
    for key in ["cp_p05", "cp_p50", "cp_p95"]:
        scale = np.maximum(np.abs(reference[key]), 1e-300)
        errors.append(np.max(np.abs(peer[key] - reference[key]) / scale))
    fraction_error = max(np.max(np.abs(peer["p_above_" + n] - reference["p_above_" + n])) for n, _ in sc.THRESHOLDS)
    error = max(errors)
    ok = error <= 1e-9 and fraction_error <= 1.5e-4  # at most one subject of 10,000 at a knife edge
    return (f"{name}: max relative percentile difference {error:.1e} (tolerance 1e-9), "
            f"max fraction-above difference {fraction_error:.1e}"), ok


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
        for method in ["fused", "kernel"]:
            out = os.path.join(work, f"w2-ketasim-{method}-{step}.csv")
            fields = run_json([a.workloads, "population-summary", "--subjects-file", subjects_1k, "--step-seconds",
                               step, "--method", method, "--results", out, "--repeat", "5"])
            cpu, wall = record(f"W2 {step} s", "ketasim", method, fields)
            label = {"fused": "read-out fused into the tile", "kernel": "tiled kernel + chunk reducer"}[method]
            entries.append(("ketasim", label, cpu, wall, ""))
            if method == "kernel":
                references[step] = read_columns(out)
            else:
                fused_path = out
        checks.append((f"W2 {step} s",) + check_summary("ketasim fused vs kernel", references[step], fused_path, 0,
                                                         step / 60, 0))
        peers = [("scipy_peer.py", ["--method", "expm"], "SciPy expm, vectorised over subjects", 1000, 3, 1e-9, 0),
                 ("scipy_peer.py", ["--method", "lsoda"], "SciPy LSODA per subject (rtol 1e-8)", 50, 1, 1e-5, 1),
                 ("pytci_peer.py", [], "PyTCI exact, one call per step", 50 if step == 10 else 5, 1, 1e-9, 0)]
        if step == 1:
            peers.append(("opentiva_peer.py", [], "opentiva cp_over_time per subject", 100, 1, 1e-9, 0))
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
    fields = run_json([a.workloads, "population-bands", "--subjects-file", subjects_10k, "--step-seconds", "10",
                       "--results", out_k, "--repeat", "3"])
    k3_cpu, k3_wall = record("W3", "ketasim", "streamed bands", fields)
    w3 = [("ketasim", "tiled kernel, streamed exact percentiles", k3_cpu, k3_wall, "", fields["peak_rss_mb"])]
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

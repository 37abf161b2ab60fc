"""Helpers for the ketasim teaching notebooks.

The notebooks never compute concentrations themselves: every number comes from the ``ketasim`` command-line
tool (exact compartment-model solutions), whose CSV output this module loads into pandas DataFrames. The module
adds three things:

* **Finding ketasim.** ``find_ketasim()`` uses the ``KETASIM`` environment variable when it is set; otherwise the
  newest ``ketasim`` built in this repository (``swift build -c release --show-bin-path``, then the debug build),
  the repository being the folder above this file; otherwise ``ketasim`` on ``PATH``. Nothing depends on the
  folder a notebook is started from.
* **Running it.** ``run_csv(subcommand, **options)`` turns Python keyword arguments into command-line options
  (``weight=82`` -> ``--weight 82``, ``dose=[a, b]`` -> ``--dose a --dose b``, ``threshold={"dissociation": 200}``
  -> ``--threshold dissociation=200``, ``summary=True`` -> ``--summary``) and returns the CSV on stdout as a
  DataFrame. ``simulate()`` and ``summary()`` are the two uses of ``ketasim simulate``; ``population()``,
  ``population_with_subjects()`` and ``population_summary()`` those of ``ketasim population``; ``tci()`` and
  ``tci_summary()`` those of ``ketasim tci``, with ``infused_mg()``, ``cumulative_mg()`` and ``schedule_doses()``
  (a rate schedule as dose specs, to replay it in another model or a population). Any later subcommand that
  writes CSV on stdout works through ``run_csv`` unchanged.
* **Plotting.** ``axes()``, ``plot_course()``, ``plot_rate()``, ``plot_band()``, ``add_thresholds()``,
  ``log_scale()``, ``heatmap()`` and ``finish()`` draw concentration-time curves with units on both axes, the
  reference thresholds of ``ketasim models thresholds`` as dashed lines over shaded zones, and a legend.

Units follow ketasim's CSV: time in minutes (``time_min``), concentrations in ng/mL (``..._ng_per_ml``), rates in
mg/h (``rate_mg_per_h``). Everything here is a population-model estimate for teaching, not a medical device.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import matplotlib as mpl
import matplotlib.ticker  # noqa: F401  (mpl.ticker, used by log_scale)
import matplotlib.pyplot as plt
import pandas as pd

__all__ = [
    "KetasimError",
    "KetasimNotFound",
    "repo_root",
    "find_ketasim",
    "describe",
    "cli_args",
    "run",
    "run_csv",
    "simulate",
    "summary",
    "summaries",
    "read_out",
    "population",
    "population_with_subjects",
    "population_summary",
    "percentile_columns",
    "tci",
    "tci_summary",
    "cumulative_mg",
    "infused_mg",
    "schedule_doses",
    "per_session",
    "table",
    "Table",
    "models",
    "model_text",
    "model_parameters",
    "thresholds",
    "validation",
    "unit_of",
    "axis_label",
    "setup_plots",
    "axes",
    "plot_course",
    "plot_rate",
    "plot_band",
    "add_thresholds",
    "log_scale",
    "heatmap",
    "finish",
    "ZONES",
    "THRESHOLD_COLOURS",
]


class KetasimNotFound(FileNotFoundError):
    """No ketasim binary could be found; the message says how to build one."""


class KetasimError(RuntimeError):
    """ketasim ran and exited with a non-zero status; the message carries its one-line error."""


# ---------------------------------------------------------------------------------------------------------------
# Finding the binary


def repo_root() -> Path:
    """The ketasim repository: the folder that holds ``Package.swift`` above this file."""
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        if (folder / "Package.swift").is_file():
            return folder
    return here.parent


def _swift_bin_path(root: Path, configuration: str) -> Path | None:
    """``swift build -c CONFIGURATION --show-bin-path`` (prints the folder, builds nothing), or None."""
    if shutil.which("swift") is None:
        return None
    try:
        done = subprocess.run(
            ["swift", "build", "-c", configuration, "--show-bin-path"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.strip().splitlines()
    return Path(lines[-1]) if done.returncode == 0 and lines else None


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


@lru_cache(maxsize=1)
def find_ketasim() -> Path:
    """The ketasim binary the notebooks run.

    1. ``KETASIM`` (environment variable), if set: it must name an executable file.
    2. The newest of this repository's release and debug builds (release bin path from
       ``swift build -c release --show-bin-path``, with ``.build/release`` and ``.build/debug`` as fall-backs when
       ``swift`` is not on ``PATH``). Newest, so that a fresh ``swift build`` after a code change is not shadowed by
       an old release build.
    3. ``ketasim`` on ``PATH``.
    """
    override = os.environ.get("KETASIM")
    if override:
        path = Path(override).expanduser()
        if not _executable(path):
            raise KetasimNotFound(
                f"KETASIM={override!r} is not an executable file; unset it or point it at a ketasim binary"
            )
        return path.resolve()

    root = repo_root()
    candidates: list[Path] = []
    for configuration in ("release", "debug"):
        folder = _swift_bin_path(root, configuration)
        if folder is not None:
            candidates.append(folder / "ketasim")
        candidates.append(root / ".build" / configuration / "ketasim")
    built = [path.resolve() for path in candidates if _executable(path)]
    if built:
        return max(built, key=lambda path: path.stat().st_mtime)

    on_path = shutil.which("ketasim")
    if on_path:
        return Path(on_path).resolve()

    raise KetasimNotFound(
        "ketasim is not built yet. Start Jupyter with `bash Notebooks/jupyter` from the repository root (it builds "
        f"ketasim first), or run `swift build -c release` in {root}, or set KETASIM=/path/to/ketasim."
    )


def describe() -> str:
    """One line naming the binary in use (relative to the repository when it lives there)."""
    path = find_ketasim()
    try:
        shown = str(path.relative_to(repo_root()))
    except ValueError:
        shown = str(path)
    return f"ketasim binary: {shown}"


# ---------------------------------------------------------------------------------------------------------------
# Running it


def _format_value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def cli_args(**options: object) -> list[str]:
    """Command-line options from keyword arguments.

    ``name=value`` -> ``--name value`` (underscores become dashes); ``True`` -> a bare flag; ``False`` or ``None``
    -> nothing; a list or tuple -> the option repeated; a mapping -> ``--name KEY=VALUE`` repeated (``threshold=``).
    """
    args: list[str] = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, Mapping):
            for name, setting in value.items():
                args += [flag, f"{name}={_format_value(setting)}"]
        elif isinstance(value, (list, tuple)):
            for item in value:
                args += [flag, _format_value(item)]
        else:
            args += [flag, _format_value(value)]
    return args


_SHOWN_WARNINGS: set[str] = set()


def _warnings(stderr: str) -> list[str]:
    return [line.split("warning:", 1)[1].strip() for line in stderr.splitlines() if "warning:" in line]


def run(*args: str, show_warnings: bool = True, **options: object) -> subprocess.CompletedProcess:
    """Run ``ketasim ARGS OPTIONS`` and return the finished process (text stdout and stderr).

    Raises KetasimError with ketasim's own one-line message when it exits non-zero. ketasim's warnings (a
    patient outside a model's validity range, a dose above a guideline's limit) are printed the first time each
    occurs in this Python session; all of them stay in the process's stderr.
    """
    command = [str(find_ketasim()), *map(str, args), *cli_args(**options)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        shown = " ".join(["ketasim", *command[1:]])
        raise KetasimError(f"`{shown}` failed (exit {done.returncode}): {message[-1] if message else 'no message'}")
    if show_warnings:
        for warning in _warnings(done.stderr):
            if warning not in _SHOWN_WARNINGS:
                _SHOWN_WARNINGS.add(warning)
                print(f"ketasim warning: {warning}", file=sys.stderr)
    return done


def run_csv(*args: str, show_warnings: bool = True, **options: object) -> pd.DataFrame:
    """Run ketasim and load the CSV it writes on stdout.

    ``df.attrs["command"]`` holds the command line (without the binary's path) and ``df.attrs["warnings"]``
    ketasim's warnings. Works for every subcommand that writes CSV on stdout.
    """
    done = run(*args, show_warnings=show_warnings, **options)
    frame = pd.read_csv(io.StringIO(done.stdout))
    frame.attrs["command"] = "ketasim " + " ".join([*args, *cli_args(**options)])
    frame.attrs["warnings"] = _warnings(done.stderr)
    return frame


def simulate(**options: object) -> pd.DataFrame:
    """``ketasim simulate`` as a DataFrame: ``time_min``, ``rate_mg_per_h``, ``cp_ng_per_ml`` and, for a model
    with an effect site, ``ce_ng_per_ml`` (plus ``above_*`` columns per threshold and ``rate_ml_per_h`` with a
    syringe). Options as on the command line: ``model``, ``weight`` (kg), ``age`` (years), ``dose`` (a spec or a
    list of specs), ``duration``, ``step``, ``ke0`` (1/min), ``threshold`` (mapping), ``syringe`` (mg/mL).
    """
    return run_csv("simulate", **options)


def _number(value: object) -> object:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def summary(label: str | None = None, **options: object) -> pd.Series:
    """``ketasim simulate --summary`` as a Series indexed by metric (``cp_max``, ``cp_tmax``,
    ``cp_time_above_dissociation``, ...). Numbers are floats, a metric that does not apply (for example the
    first time above a threshold never reached) is NaN, text stays text. Units are in ``series.attrs["units"]``.
    """
    return _read_out_series(run_csv("simulate", summary=True, **options), label)


def _read_out_series(table: pd.DataFrame, label: str | None) -> pd.Series:
    """A ``metric,value,unit`` table (any subcommand's ``--summary``) as a Series with units in its attrs."""
    table["value"] = table["value"].astype(object)
    values = pd.Series(
        [_number(v) if not pd.isna(v) else float("nan") for v in table["value"]],
        index=list(table["metric"]),
        name=label,
        dtype=object,
    )
    values.attrs["units"] = {m: (u if isinstance(u, str) else "") for m, u in zip(table["metric"], table["unit"])}
    values.attrs["warnings"] = table.attrs["warnings"]
    return values


def summaries(runs: Mapping[str, Mapping[str, object]], metrics: Iterable[str] | None = None) -> pd.DataFrame:
    """One summary per labelled run, as rows of a table: ``summaries({"A": {...}, "B": {...}}, ["cp_max"])``.

    Columns are the requested metrics (all when None); column names keep ketasim's metric names. Metrics a run
    does not have (``ce_*`` for a model without an effect site) are NaN.
    """
    rows = [summary(label, **options) for label, options in runs.items()]
    table = pd.DataFrame(rows)
    if metrics is not None:
        table = table.reindex(columns=list(metrics))
    return table.infer_objects()


def read_out(values: pd.Series, metrics: Iterable[str] | None = None) -> pd.DataFrame:
    """A summary from ``summary()`` as a two-column table (value, unit), for display; ``metrics`` picks rows."""
    names = list(metrics) if metrics is not None else list(values.index)
    units = values.attrs.get("units", {})
    return pd.DataFrame(
        {"value": [values.get(m) for m in names], "unit": [units.get(m, "") for m in names]}, index=names
    )


# ---------------------------------------------------------------------------------------------------------------
# Populations and target-controlled infusion


def population(**options: object) -> pd.DataFrame:
    """``ketasim population``: the bands CSV as a DataFrame, one row per output time. Columns ``time_min``, the
    percentiles ``cp_p05_ng_per_ml``, ``cp_p50_ng_per_ml``, ``cp_p95_ng_per_ml`` (one per ``percentiles``),
    ``p_above_T`` per threshold T (the fraction of subjects strictly above T at that time, 0-1), and with an
    effect site the same for Ce (``ce_p50_ng_per_ml``, ``p_ce_above_T``). Options as on the command line:
    ``model``, ``weight``, ``dose``, ``subjects``, ``seed``, ``iiv`` (``"CL=0.3,V1=0.4"``), ``weight_sd``,
    ``percentiles`` (``"5,25,50,75,95"``), ``duration``, ``step``, ``threshold``, ...
    """
    return run_csv("population", quiet=True, **options)


def population_with_subjects(**options: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``ketasim population --subjects-output``: ``(bands, subjects)``. ``subjects`` has one row per virtual
    patient: ``subject``, ``weight_kg``, the sampled parameters (``V1_L``, ``CL_L_per_min``, ...), the exact
    read-out ``cp_max_ng_per_ml``, ``cp_tmax_min``, ``cp_auc_ng_min_per_ml``, ``cp_time_above_T_min`` and the
    0/1 flags ``cp_ever_above_T`` and ``outside_validity_range``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "subjects.csv"
        bands = run_csv("population", quiet=True, subjects_output=str(path), **options)
        subjects = pd.read_csv(path)
    bands.attrs["command"] = bands.attrs["command"].replace(str(path), "subjects.csv")
    subjects.attrs = dict(bands.attrs)
    return bands, subjects


def population_summary(label: str | None = None, **options: object) -> pd.Series:
    """``ketasim population --summary`` as a Series indexed by metric: ``cp_max_p05`` ... (percentiles of the
    exact per-subject peaks), ``cp_fraction_ever_above_T`` per threshold T (0-1), ``subjects``,
    ``subjects_outside_validity_range``, and as text ``model``, ``variability`` (omega per parameter), ``doses``.
    The read-out is exact whatever ``step`` (a coarse grid makes the run faster)."""
    return _read_out_series(run_csv("population", summary=True, quiet=True, **options), label)


# ketasim writes percentile p as cp_pNN_ng_per_ml, with "_" for the decimal point (2.5 -> cp_p02_5_ng_per_ml).
_PERCENTILE_COLUMN = re.compile(r"^(cp|ce)_p([0-9]+(?:_[0-9]+)?)(?:_ng_per_ml)?$")


def _percentile_of(column: str) -> tuple[str, float] | None:
    """``("cp", 2.5)`` for ``cp_p02_5_ng_per_ml``; None for a column that is not a percentile."""
    match = _PERCENTILE_COLUMN.match(column)
    return (match[1], float(match[2].replace("_", "."))) if match else None


def percentile_columns(bands: pd.DataFrame, site: str = "cp") -> dict[float, str]:
    """The percentile columns of a bands table for ``site`` (``cp`` or ``ce``), lowest percentile first:
    ``{5.0: "cp_p05_ng_per_ml", 50.0: "cp_p50_ng_per_ml", 95.0: "cp_p95_ng_per_ml"}`` (2.5 is
    ``cp_p02_5_ng_per_ml``)."""
    found = {}
    for column in bands.columns:
        parsed = _percentile_of(column)
        if parsed and parsed[0] == site:
            found[parsed[1]] = column
    return dict(sorted(found.items()))


def tci(**options: object) -> pd.DataFrame:
    """``ketasim tci``: a target-controlled infusion schedule, one row per pump period (and per ``step``):
    ``time_min``, ``rate_mg_per_h`` (held until the next row; 0 on the last row), ``rate_ml_per_h`` with a
    ``syringe`` (mg/mL), ``cp_ng_per_ml``, ``ce_ng_per_ml`` with an effect site, ``target_ng_per_ml``. Options:
    ``target`` (a spec or a list of steps, ``"150 ng/mL for 40 min"``), ``site`` (``plasma`` or ``effect``),
    ``max_rate`` (``"1200 mL/h"`` with a syringe, or ``"500 mg/h"``), ``period`` (``"10 s"``), and the model,
    patient and grid options of ``simulate``."""
    return run_csv("tci", quiet=True, **options)


def tci_summary(label: str | None = None, **options: object) -> pd.Series:
    """``ketasim tci --summary`` as a Series: the ``simulate`` read-out (``total_dose``, ``cp_max``,
    ``cp_time_above_T``, ...) plus, per target step N, ``target_N_time_to_within_5pct``, ``target_N_overshoot``,
    ``target_N_hold_error_pct``, ... and ``largest_rate``."""
    return _read_out_series(run_csv("tci", summary=True, quiet=True, **options), label)


def cumulative_mg(schedule: pd.DataFrame, column: str = "rate_mg_per_h") -> pd.Series:
    """The drug delivered up to each row's time (mg): each row's rate (mg/h) held until the next row, summed.
    Boluses are not in a rate column; add them yourself."""
    minutes = schedule["time_min"].diff().fillna(0.0)
    given = (schedule[column].shift(1).fillna(0.0) * minutes / 60.0).cumsum()
    return given.rename("given_mg")


def infused_mg(schedule: pd.DataFrame, column: str = "rate_mg_per_h") -> float:
    """The drug a schedule delivers (mg): each row's rate (mg/h) held until the next row's time, summed.
    For a ``tci()`` schedule this is the amount the pump gives (the last row, the end of the run, has rate 0)."""
    return float(cumulative_mg(schedule, column).iloc[-1])


def per_session(df: pd.DataFrame, starts_min: Iterable[float], column: str = "cp_ng_per_ml") -> pd.DataFrame:
    """Peak and trough of ``column`` per dosing session, read from a time series (``simulate()``).

    ``starts_min`` are the sessions' start times in minutes. Session N runs from its start up to (not including)
    the next session's start, the last one to the end of the run. One row per session: ``start_min``, ``peak``
    (the largest value on the grid), ``peak_time_min`` and ``trough`` (the value at the last grid time before the
    next session, which is what is left when the next dose begins; for the last session, the end of the run).
    Grid values only: a coarse ``step`` can miss the exact peak (``summary()`` gives exact peaks of the whole run).
    """
    starts = sorted(float(t) for t in starts_min)
    times = df["time_min"]
    rows = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else float("inf")
        window = df[(times >= start) & (times < end)]
        if window.empty:
            raise ValueError(f"no rows between {start:g} and {end:g} min: the run is too short or the step too coarse")
        top = window[column].idxmax()
        rows.append({"session": number + 1, "start_min": start, "peak": float(window.loc[top, column]),
                     "peak_time_min": float(window.loc[top, "time_min"]), "trough": float(window[column].iloc[-1])})
    return pd.DataFrame(rows).set_index("session")


def _seconds(minutes: float) -> str:
    """A time in minutes as whole microseconds written in seconds (ketasim keeps times in microseconds)."""
    return f"{round(float(minutes) * 60.0, 6)!r} s"


def schedule_doses(schedule: pd.DataFrame) -> list[str]:
    """A rate schedule (``tci()``) as ``simulate``/``population`` dose specs: one
    ``"RATE mg/h for LENGTH s at START s"`` per row with a non-zero rate, holding until the next row. Replaying
    them through ``simulate`` with the same model and patient reproduces the schedule's concentrations; with
    another model or ``population``, it shows what the same pump program does to a different patient."""
    times = schedule["time_min"].to_numpy(dtype=float)
    rates = schedule["rate_mg_per_h"].to_numpy(dtype=float)
    doses = []
    for start, end, rate in zip(times[:-1], times[1:], rates[:-1]):
        if rate > 0 and end > start:
            doses.append(f"{float(rate)!r} mg/h for {_seconds(end - start)} at {_seconds(start)}")
    return doses


class Table:
    """A DataFrame formatted for display: an HTML table in Jupyter, aligned text elsewhere.

    Unlike ``DataFrame.style``, its output is the same on every run (the HTML ids derive from the content, and the
    text form has no memory address), so executed notebooks do not change when nothing else did.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        precision: int = 1,
        formats: str | Mapping[str, str] | None = None,
        na_rep: str = "–",
        index_format: str | None = None,
    ) -> None:
        self.frame = frame
        self.precision, self.formats, self.na_rep, self.index_format = precision, formats, na_rep, index_format

    def _cell(self, column: object, value: object) -> str:
        if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
            return self.na_rep
        pattern = self.formats if isinstance(self.formats, str) else (self.formats or {}).get(column)
        try:
            if pattern is not None:
                return pattern.format(value)
            if isinstance(value, float):
                return f"{value:.{self.precision}f}"
        except (TypeError, ValueError):
            pass
        return str(value)

    def _repr_html_(self) -> str:
        styler = self.frame.style.format(self.formats, precision=self.precision, na_rep=self.na_rep)
        if self.index_format is not None:
            styler = styler.format_index(self.index_format)
        return styler.set_uuid(hashlib.sha1(self.frame.to_csv().encode()).hexdigest()[:10]).to_html()

    def __repr__(self) -> str:
        text = pd.DataFrame(
            {column: [self._cell(column, v) for v in self.frame[column]] for column in self.frame.columns},
            index=[self.index_format.format(i) if self.index_format else i for i in self.frame.index],
        )
        text.index.name = self.frame.index.name
        return text.to_string()


def table(
    frame: pd.DataFrame,
    precision: int = 1,
    formats: str | Mapping[str, str] | None = None,
    na_rep: str = "–",
    index_format: str | None = None,
) -> Table:
    """``frame`` for display: numbers with ``precision`` decimals, ``formats`` (one format string for every cell,
    or one per column, e.g. ``{"ratio": "{:.3f}"}``) where given, ``na_rep`` for missing values and
    ``index_format`` for the index labels."""
    return Table(frame, precision, formats, na_rep, index_format)


def models() -> pd.DataFrame:
    """The catalogue (``ketasim models``): ``id``, ``compartments``, ``sampling``, ``ke0_per_min`` (NaN when none
    is published) and ``population``."""
    text = run("models").stdout
    rows = []
    for line in text.splitlines()[1:]:
        fields = line.split(None, 4)
        if len(fields) < 5 or not fields[1].isdigit():
            continue
        ident, cmt, sampling, ke0, population = fields
        population = population.replace("(default)", "").strip()
        rows.append(
            {
                "id": ident,
                "compartments": int(cmt),
                "sampling": sampling,
                "ke0_per_min": float("nan") if ke0 == "-" else float(ke0),
                "population": population,
                "default": "(default)" in fields[4],
            }
        )
    return pd.DataFrame(rows)


def model_text(model: str, weight: float | None = None) -> str:
    """``ketasim models show MODEL [--weight W]``: the model with citation, parameters, validity and notes."""
    return run("models", "show", model, weight=weight).stdout


_PARAMETER = re.compile(r"\b(V[123]|CL|Q[23]) ([0-9.eE+-]+) (L/min|L)\b")
_VALIDITY = re.compile(r"^(?:validity:)?\s*(weight|age) ([0-9.]+)-([0-9.]+) (kg|y)\b")


def model_parameters(model: str, weight: float = 70.0) -> pd.Series:
    """A model's individual parameters at ``weight`` kg, read from ``ketasim models show MODEL --weight W``:
    volumes ``V1_L``, ``V2_L``, ``V3_L``, clearances ``CL_L_per_min``, ``Q2_L_per_min``, ``Q3_L_per_min``
    (those the model has), ``Vss_L`` (their sum), ``half_lives_min`` (a tuple, fastest first), ``ke0_per_min``
    (NaN without a published ke0), the validity range ``weight_min_kg`` ... ``age_max_y``, and ``sampling``."""
    text = model_text(model, weight=weight)
    values: dict[str, object] = {}
    section = text.split("individual values at", 1)[1] if "individual values at" in text else ""
    section = section.split("validity:", 1)[0]
    for name, number, unit in _PARAMETER.findall(section):
        values[f"{name}_{'L' if unit == 'L' else 'L_per_min'}"] = float(number)
    values["Vss_L"] = sum(v for k, v in values.items() if k.endswith("_L"))
    halves = re.search(r"half-lives: ([^\n]+)", section)
    values["half_lives_min"] = tuple(float(x) for x in re.findall(r"([0-9.]+) min", halves[1])) if halves else ()
    catalogue = models().set_index("id")
    values["ke0_per_min"] = float(catalogue.loc[model, "ke0_per_min"]) if model in catalogue.index else float("nan")
    values["sampling"] = catalogue.loc[model, "sampling"] if model in catalogue.index else "unknown"
    validity = text[text.index("validity:") :].splitlines()[:2] if "validity:" in text else []
    for match in filter(None, map(_VALIDITY.match, validity)):
        values[f"{match[1]}_min_{match[4]}"] = float(match[2])
        values[f"{match[1]}_max_{match[4]}"] = float(match[3])
    return pd.Series(values, name=model, dtype=object)


_THRESHOLD_LINE = re.compile(r"^(\w+): typical ([0-9.]+), range ([0-9.]+)-([0-9.]+)")


@lru_cache(maxsize=1)
def _thresholds_cached() -> pd.DataFrame:
    text = run("models", "thresholds").stdout
    rows = [
        {"name": m[1], "typical_ng_per_ml": float(m[2]), "low_ng_per_ml": float(m[3]), "high_ng_per_ml": float(m[4])}
        for m in (_THRESHOLD_LINE.match(line) for line in text.splitlines())
        if m
    ]
    if not rows:
        # Fall back on the read-out, which always lists the thresholds in force as cp_threshold_NAME rows.
        read_out = summary(duration=1)
        rows = [
            {"name": key.removeprefix("cp_threshold_"), "typical_ng_per_ml": float(value)}
            for key, value in read_out.items()
            if key.startswith("cp_threshold_")
        ]
    return pd.DataFrame(rows).set_index("name")


def thresholds() -> pd.DataFrame:
    """The reference concentrations of ``ketasim models thresholds``, indexed by name (analgesia, dissociation,
    anesthesia, awakening): ``typical_ng_per_ml``, ``low_ng_per_ml``, ``high_ng_per_ml`` (the literature range)."""
    return _thresholds_cached().copy()


def validation() -> pd.DataFrame:
    """``ketasim models validate --format csv``: each model's prediction beside each published observation."""
    return run_csv("models", "validate", format="csv")


# ---------------------------------------------------------------------------------------------------------------
# Plotting

_UNITS = {
    "_ng_per_ml": "ng/mL",
    "_mg_per_h": "mg/h",
    "_ml_per_h": "mL/h",
    "_min": "min",
    "_h": "h",
    "_kg": "kg",
    "_mg": "mg",
    "_per_min": "1/min",
}

_NAMES = {
    "cp": "plasma concentration Cp",
    "ce": "effect-site concentration Ce",
    "rate": "infusion rate",
    "time": "time",
}


def unit_of(column: str) -> str:
    """The unit a ketasim column name carries: ``cp_ng_per_ml`` -> ``ng/mL``, ``rate_mg_per_h`` -> ``mg/h``;
    band columns such as ``cp_p05`` are concentrations."""
    for suffix, unit in sorted(_UNITS.items(), key=lambda item: -len(item[0])):
        if column.endswith(suffix):
            return unit
    if re.match(r"^(cp|ce)_p\d+$", column):
        return "ng/mL"
    return ""


def axis_label(column: str) -> str:
    """An axis label with the unit: ``cp_ng_per_ml`` -> ``plasma concentration Cp (ng/mL)``."""
    stem = column.split("_", 1)[0]
    unit = unit_of(column)
    name = _NAMES.get(stem, column)
    return f"{name} ({unit})" if unit else name


# Shaded zones between the reference concentrations (typical values), lowest first: (from, to, label, colour).
# Each zone starts at a threshold of `ketasim models thresholds`; None = open-ended.
ZONES = (
    ("analgesia", "dissociation", "analgesic band", "#d8f0d2"),
    ("dissociation", "anesthesia", "dissociative", "#fde6c8"),
    ("anesthesia", None, "anaesthetic", "#f7cfcf"),
)

_LINE_COLOURS = {"analgesia": "#2e7d32", "dissociation": "#e65100", "anesthesia": "#b71c1c", "awakening": "#6a1b9a"}
THRESHOLD_COLOURS = dict(_LINE_COLOURS)  # the colour of each threshold's line, for plots of one's own


def setup_plots(dpi: int = 90) -> None:
    """Figure defaults for the notebooks: modest resolution (committed notebooks stay small), grid, sizes."""
    mpl.rcParams.update(
        {
            "figure.dpi": dpi,
            "savefig.dpi": dpi,
            "figure.figsize": (8.5, 4.2),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.fontsize": "small",
            "legend.framealpha": 0.9,
        }
    )


def axes(
    title: str | None = None,
    ylabel: str = "plasma concentration Cp (ng/mL)",
    time_unit: str = "min",
    nrows: int = 1,
    ncols: int = 1,
    figsize: tuple[float, float] | None = None,
    sharex: bool = True,
    sharey: bool = False,
    height_ratios: list[float] | None = None,
):
    """A figure with labelled axes (time in ``time_unit`` on x, ``ylabel`` on y). Returns ``(fig, ax)``, or
    ``(fig, array_of_axes)`` for a grid (``height_ratios`` sizes its rows)."""
    fig, ax = plt.subplots(
        nrows, ncols, figsize=figsize, sharex=sharex, sharey=sharey, layout="constrained", height_ratios=height_ratios
    )
    grid = ax if hasattr(ax, "flat") else None
    for index, one in enumerate(grid.flat if grid is not None else [ax]):
        last_row = grid is None or grid.ndim == 1 and ncols > 1 or index >= (nrows - 1) * ncols
        if last_row or not sharex:
            one.set_xlabel(f"time ({time_unit})")
        one.set_ylabel(ylabel)
    if title:
        fig.suptitle(title)
    return fig, ax


def _time(df: pd.DataFrame, time_unit: str):
    minutes = df["time_min"]
    if time_unit == "min":
        return minutes
    if time_unit == "h":
        return minutes / 60.0
    if time_unit == "d":
        return minutes / 1440.0
    raise ValueError(f"time_unit must be 'min', 'h' or 'd', not {time_unit!r}")


def plot_course(
    ax, df: pd.DataFrame, column: str = "cp_ng_per_ml", label: str | None = None, time_unit: str = "min", **style
):
    """One concentration-time curve (or any column) against time. Returns the line."""
    (line,) = ax.plot(_time(df, time_unit), df[column], label=label, **style)
    return line


def plot_rate(
    ax, df: pd.DataFrame, column: str = "rate_mg_per_h", label: str | None = None, time_unit: str = "min", **style
):
    """An infusion rate as a step function: each row's rate holds until the next row (ketasim's convention)."""
    (line,) = ax.step(_time(df, time_unit), df[column], where="post", label=label, **style)
    return line


def _band_name(column: str) -> str:
    """``cp_p05_ng_per_ml`` -> ``5th percentile``, ``cp_p50_ng_per_ml`` -> ``median``; other columns unchanged."""
    parsed = _percentile_of(column)
    if not parsed:
        return column
    value = parsed[1]
    if value == 50:
        return "median"
    suffix = (
        "th"
        if 10 <= value % 100 < 20 or not float(value).is_integer()
        else {1: "st", 2: "nd", 3: "rd"}.get(int(value) % 10, "th")
    )
    return f"{value:g}{suffix} percentile"


def plot_band(
    ax,
    df: pd.DataFrame,
    low: str,
    high: str,
    middle: str | None = None,
    label: str | None = None,
    time_unit: str = "min",
    color: str | None = None,
    alpha: float = 0.25,
):
    """A shaded band between two columns (e.g. population percentiles ``cp_p05_ng_per_ml``/``cp_p95_ng_per_ml``)
    with an optional middle line (``cp_p50_ng_per_ml``). Percentile columns are named in the legend ("5th-95th
    percentile", "median"), prefixed with ``label``. Returns the band's artist."""
    t = _time(df, time_unit)
    prefix = f"{label}: " if label else ""
    if middle is not None:
        (line,) = ax.plot(t, df[middle], color=color, label=prefix + _band_name(middle))
        color = line.get_color()
    low_name, high_name = _band_name(low), _band_name(high)
    if low_name.endswith(" percentile") and high_name.endswith(" percentile"):
        span = f"{low_name.removesuffix(' percentile')}-{high_name}"
    else:
        span = f"{low_name}-{high_name}"
    band = ax.fill_between(t, df[low], df[high], color=color, alpha=alpha, linewidth=0, label=prefix + span)
    return band


def add_thresholds(
    ax,
    names: Iterable[str] = ("analgesia", "dissociation", "anesthesia"),
    zones: bool = True,
    values: Mapping[str, float] | None = None,
    ymax: float | None = None,
) -> None:
    """Dashed lines at the reference thresholds (typical values of ``ketasim models thresholds``, or ``values``
    to override) and, with ``zones``, the shaded zones between them (analgesic band, dissociative, anaesthetic).

    Call it after plotting the curves: the y-axis keeps the range the curves need (from 0, or up to ``ymax``), and
    thresholds above that range are noted in the legend as off-scale instead of stretching the axis.
    """
    levels = thresholds()["typical_ng_per_ml"].to_dict()
    levels.update(values or {})
    ax.set_ylim(bottom=0)
    top = ymax if ymax is not None else ax.get_ylim()[1]
    ax.set_ylim(0, top)
    if zones:
        for lower, upper, label, colour in ZONES:
            if lower not in levels:
                continue
            start = levels[lower]
            end = levels.get(upper, top) if upper else top
            if start < top:
                span = f"{start:g}-{levels[upper]:g}" if upper and upper in levels else f">= {start:g}"
                ax.axhspan(
                    start,
                    min(end, top),
                    color=colour,
                    alpha=0.55,
                    zorder=0,
                    linewidth=0,
                    label=f"{label} ({span} ng/mL)",
                )
    for name in names:
        if name not in levels:
            continue
        level = levels[name]
        colour = _LINE_COLOURS.get(name, "grey")
        if level <= top:
            ax.axhline(level, color=colour, linestyle="--", linewidth=1.1, zorder=1, label=f"{name} {level:g} ng/mL")
        else:
            ax.plot([], [], color=colour, linestyle="--", linewidth=1.1, label=f"{name} {level:g} ng/mL (off scale)")
    ax.set_ylim(0, top)


def log_scale(ax, axis: str = "x") -> None:
    """A logarithmic ``axis`` (``"x"``, ``"y"`` or ``"both"``) with plain tick labels at 1, 2 and 5 times the
    powers of ten (``0.5 1 2 5 10 20 ...``) instead of ``2x10^1``-style labels on every minor tick."""
    for name in ("x", "y") if axis == "both" else (axis,):
        scale_axis = ax.xaxis if name == "x" else ax.yaxis
        (ax.set_xscale if name == "x" else ax.set_yscale)("log")
        scale_axis.set_major_locator(mpl.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        scale_axis.set_major_formatter(mpl.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        scale_axis.set_minor_locator(mpl.ticker.LogLocator(base=10, subs=tuple(range(1, 10))))
        scale_axis.set_minor_formatter(mpl.ticker.NullFormatter())


def heatmap(ax, table: pd.DataFrame, label: str, fmt: str = "{:.0f}", cmap: str = "viridis", vmin=None, vmax=None):
    """An annotated heatmap of a 2-D table (e.g. ``frame.pivot(index=..., columns=..., values=...)``): one cell per
    entry with its value written in it, index on y and columns on x (axis titles from the index and column names),
    and a colour bar titled ``label`` (say what and which unit). Returns the image."""
    image = ax.imshow(table.to_numpy(dtype=float), origin="lower", aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_xticks(range(table.shape[1]), [f"{c:g}" if isinstance(c, float) else str(c) for c in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{i:g}" if isinstance(i, float) else str(i) for i in table.index])
    ax.set_xlabel(str(table.columns.name or ""))
    ax.set_ylabel(str(table.index.name or ""))
    ax.grid(False)
    low, high = image.get_clim()
    for (row, column), value in pd.DataFrame(table.to_numpy(dtype=float)).stack().items():
        shade = (value - low) / (high - low) if high > low else 0.0
        ax.text(
            column,
            row,
            fmt.format(value),
            ha="center",
            va="center",
            fontsize="small",
            color="black" if shade > 0.5 else "white",
        )
    ax.figure.colorbar(image, ax=ax, label=label)
    return image


def finish(ax, title: str | None = None, legend: str = "outside", xlim: tuple[float, float] | None = None) -> None:
    """Title, x-range and legend (``outside`` to the right of the axes, ``inside`` at the best place, ``none``)."""
    if title:
        ax.set_title(title)
    if xlim is not None:
        ax.set_xlim(*xlim)
    else:
        ax.set_xlim(left=0)
    if legend == "outside":
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    elif legend == "inside":
        ax.legend(loc="best")


setup_plots()

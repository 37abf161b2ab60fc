"""Tests of ketasim_nb, the notebooks' helper module (standard-library unittest; run by .ci/notebooks):

    Notebooks/.venv/bin/python -m unittest discover -s Notebooks -p "test_*.py"

They run the real ketasim (KETASIM or the repository's build) and check what the helper reads against
independent sources: the model and threshold YAML files in Models/ (read here with PyYAML), and relations that
must hold between ketasim's own outputs (the grid peak of a constant infusion equals the read-out's exact peak).
"""

from __future__ import annotations

import math
import os
import stat
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402

import ketasim_nb as kt  # noqa: E402

MODELS = kt.repo_root() / "Models"


class CommandLineTests(unittest.TestCase):
    def test_options_become_flags(self):
        args = kt.cli_args(
            model="kamp2020",
            weight=82,
            dose=["0.3 mg/kg", "0.2 mg/kg/h for 4 h"],
            threshold={"dissociation": 200, "anesthesia": "off"},
            summary=True,
            quiet=False,
            age=None,
            ke0=0.238,
            duration=60.0,
        )
        self.assertEqual(
            args,
            [
                "--model", "kamp2020", "--weight", "82",
                "--dose", "0.3 mg/kg", "--dose", "0.2 mg/kg/h for 4 h",
                "--threshold", "dissociation=200", "--threshold", "anesthesia=off",
                "--summary", "--ke0", "0.238", "--duration", "60",
            ],
        )  # fmt: skip

    def test_units_come_from_column_names(self):
        self.assertEqual(kt.unit_of("cp_ng_per_ml"), "ng/mL")
        self.assertEqual(kt.unit_of("rate_mg_per_h"), "mg/h")
        self.assertEqual(kt.unit_of("rate_ml_per_h"), "mL/h")
        self.assertEqual(kt.unit_of("cp_p95"), "ng/mL")
        self.assertEqual(kt.axis_label("ce_ng_per_ml"), "effect-site concentration Ce (ng/mL)")


class FindingTests(unittest.TestCase):
    def setUp(self):
        kt.find_ketasim.cache_clear()

    def tearDown(self):
        kt.find_ketasim.cache_clear()

    def test_environment_variable_wins(self):
        with tempfile.TemporaryDirectory() as folder:
            fake = Path(folder) / "ketasim"
            fake.write_text("#!/bin/sh\n")
            fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
            with mock.patch.dict(os.environ, {"KETASIM": str(fake)}):
                self.assertEqual(kt.find_ketasim(), fake.resolve())

    def test_a_bad_environment_variable_is_an_error_not_a_fallback(self):
        with mock.patch.dict(os.environ, {"KETASIM": "/nonexistent/ketasim"}):
            with self.assertRaisesRegex(kt.KetasimNotFound, "KETASIM='/nonexistent/ketasim'"):
                kt.find_ketasim()

    def test_without_the_variable_a_repository_build_is_found(self):
        environment = {k: v for k, v in os.environ.items() if k != "KETASIM"}
        with mock.patch.dict(os.environ, environment, clear=True):
            path = kt.find_ketasim()
        self.assertEqual(path.name, "ketasim")
        self.assertTrue(os.access(path, os.X_OK))


class RunningTests(unittest.TestCase):
    def test_time_series_has_units_in_its_columns_and_the_requested_grid(self):
        df = kt.simulate(model="domino1984", weight=82, duration=60, step="30 s")
        self.assertEqual(list(df.columns[:4]), ["time_min", "rate_mg_per_h", "cp_ng_per_ml", "ce_ng_per_ml"])
        self.assertEqual(len(df), 121)
        self.assertAlmostEqual(df["time_min"].iloc[-1], 60.0)
        # 0.5 mg/kg over 40 min for 82 kg: 41 mg at 61.5 mg/h.
        self.assertAlmostEqual(df["rate_mg_per_h"].iloc[0], 0.5 * 82 / 40 * 60)

    def test_summary_peak_equals_the_grid_peak_at_the_end_of_an_infusion(self):
        # A constant-rate infusion peaks when it stops; 40 min is on the 1-min grid, so both must agree.
        s = kt.summary(model="clements250", weight=70)
        df = kt.simulate(model="clements250", weight=70)
        self.assertAlmostEqual(s["cp_tmax"], 40.0, places=6)
        self.assertAlmostEqual(s["cp_max"], df["cp_ng_per_ml"].max(), places=9)
        self.assertEqual(s.attrs["units"]["cp_max"], "ng/mL")
        self.assertTrue(pd.isna(s["cp_first_above_anesthesia"]))

    def test_failures_raise_with_ketasims_message(self):
        with self.assertRaisesRegex(kt.KetasimError, "exit 64.*unknown model 'nope'"):
            kt.simulate(model="nope")

    def test_warnings_are_collected(self):
        s = kt.summary(model="kamp2020", weight=150, show_warnings=False)
        self.assertTrue(any("outside kamp2020's validity range" in w for w in s.attrs["warnings"]))

    def test_summaries_table_has_one_row_per_run(self):
        t = kt.summaries({"a": dict(model="clements250"), "b": dict(model="domino1984")}, ["cp_max", "ce_max"])
        self.assertEqual(list(t.index), ["a", "b"])
        self.assertTrue(pd.isna(t.loc["a", "ce_max"]))
        self.assertGreater(t.loc["b", "ce_max"], 0)


class CatalogueTests(unittest.TestCase):
    def test_thresholds_match_the_yaml_file(self):
        document = yaml.safe_load((MODELS / "thresholds.yaml").read_text())
        table = kt.thresholds()
        for entry in document["thresholds"]:
            self.assertEqual(table.loc[entry["name"], "typical_ng_per_ml"], entry["typical"])
            self.assertEqual(table.loc[entry["name"], "low_ng_per_ml"], entry["range"][0])
            self.assertEqual(table.loc[entry["name"], "high_ng_per_ml"], entry["range"][1])

    def test_models_list_matches_the_model_files(self):
        files = {path.stem for path in MODELS.glob("*.yaml")} - {"thresholds", "observations", "effects"}  # not models
        listed = kt.models()
        self.assertEqual(set(listed["id"]), files)
        for _, row in listed.iterrows():
            document = yaml.safe_load((MODELS / f"{row['id']}.yaml").read_text())
            self.assertEqual(row["compartments"], document["compartments"])
            self.assertEqual(row["sampling"], document["sampling"])

    def test_parameters_of_a_linear_model_scale_with_weight(self):
        document = yaml.safe_load((MODELS / "clements250.yaml").read_text())
        v1_per_kg = document["parameters"]["V1"]["value"]
        k10 = document["parameters"]["k10"]["value"]
        p = kt.model_parameters("clements250", weight=82)
        self.assertAlmostEqual(p["V1_L"], v1_per_kg * 82, places=3)
        self.assertAlmostEqual(p["CL_L_per_min"], v1_per_kg * 82 * k10, places=3)
        self.assertEqual(p["weight_max_kg"], document["validity"]["weight_kg"]["max"])
        self.assertEqual(len(p["half_lives_min"]), 2)

    def test_parameters_of_an_allometric_model(self):
        document = yaml.safe_load((MODELS / "kamp2020.yaml").read_text())
        cl = document["parameters"]["CL"]
        p = kt.model_parameters("kamp2020", weight=100)
        self.assertEqual(cl["unit"], "L/h")
        scaling = cl["allometric"]
        expected = cl["value"] / 60 * (100 / scaling["reference_weight_kg"]) ** scaling["exponent"]
        self.assertAlmostEqual(p["CL_L_per_min"], expected, places=3)
        self.assertEqual(len(p["half_lives_min"]), 3)


class PopulationTests(unittest.TestCase):
    """``population``, ``population_with_subjects`` and ``population_summary`` against each other and against the
    published variability in Models/herd2007.yaml."""

    @classmethod
    def setUpClass(cls):
        cls.options = dict(model="herd2007", weight=70, dose="0.5 mg/kg over 40 min", subjects=500, seed=3,
                           duration=60)  # fmt: skip
        cls.bands, cls.subjects = kt.population_with_subjects(**cls.options)
        cls.summary = kt.population_summary(**cls.options)

    def test_fraction_above_at_the_end_of_an_infusion_equals_the_subjects_fraction(self):
        # A constant-rate infusion peaks when it stops, so at 40 min the bands' fraction strictly above 150 ng/mL
        # must equal the fraction of subjects whose exact peak exceeds 150, and the summary's fraction ever above.
        self.assertTrue((self.subjects["cp_tmax_min"] == 40).all())
        from_peaks = (self.subjects["cp_max_ng_per_ml"] > 150).mean()
        at_40 = self.bands.set_index("time_min").loc[40.0, "p_above_dissociation"]
        self.assertGreater(from_peaks, 0.5)
        self.assertLess(from_peaks, 1.0)
        self.assertAlmostEqual(at_40, from_peaks, places=12)
        self.assertAlmostEqual(self.summary["cp_fraction_ever_above_dissociation"], from_peaks, places=12)
        self.assertAlmostEqual(self.subjects["cp_ever_above_dissociation"].mean(), from_peaks, places=12)
        self.assertAlmostEqual(self.bands["p_above_dissociation"].max(), from_peaks, places=12)

    def test_band_percentiles_match_the_subjects_order_statistics(self):
        # Nearest rank: the r-th smallest of N, r = ceil(p N / 100); ketasim's bands are within 2^-9 of it.
        peaks = np.sort(self.subjects["cp_max_ng_per_ml"].to_numpy())
        at_40 = self.bands.set_index("time_min").loc[40.0]
        columns = kt.percentile_columns(self.bands)
        self.assertEqual(list(columns), [5.0, 50.0, 95.0])
        for percentile, column in columns.items():
            exact = peaks[math.ceil(percentile * len(peaks) / 100) - 1]
            self.assertLess(abs(at_40[column] / exact - 1), 2.0**-9, column)
            self.assertLess(abs(self.summary[f"cp_max_p{percentile:02.0f}"] / exact - 1), 1e-12)

    def test_sampled_parameters_follow_the_published_cv(self):
        document = yaml.safe_load((MODELS / "herd2007.yaml").read_text())
        bands, subjects = kt.population_with_subjects(model="herd2007", subjects=2000, seed=5, duration=10,
                                                      step=10)  # fmt: skip
        self.assertEqual(len(subjects), 2000)
        self.assertEqual(len(bands), 2)
        for name, column in (("V1", "V1_L"), ("V2", "V2_L"), ("CL", "CL_L_per_min")):
            parameter = document["parameters"][name]
            typical = parameter["value"] / (60 if parameter["unit"] == "L/h" else 1)  # 70 kg: the reference weight
            cv = document["iiv"][name]["cv_percent"] / 100
            omega = math.sqrt(math.log(1 + cv**2))
            eta = np.log(subjects[column] / typical)
            standard_error = omega / math.sqrt(2 * len(eta))
            self.assertLess(abs(eta.std() - omega), 4 * standard_error, name)
            self.assertLess(abs(eta.mean()), 4 * omega / math.sqrt(len(eta)), name)

    def test_summary_and_percentile_columns(self):
        bands = kt.population(model="herd2007", subjects=50, duration=30, percentiles="2.5,50,97.5")
        columns = kt.percentile_columns(bands)
        self.assertEqual(list(columns), [2.5, 50.0, 97.5])
        self.assertTrue(all(name in bands.columns for name in columns.values()))
        self.assertEqual(self.summary["model"], "herd2007")
        self.assertEqual(self.summary["subjects"], 500)
        self.assertIn("V1 0.586", self.summary["variability"])
        self.assertEqual(self.summary.attrs["units"]["cp_max_p50"], "ng/mL")
        self.assertNotIn(str(Path(tempfile.gettempdir())), self.bands.attrs["command"])

    def test_a_model_without_published_variability_needs_iiv(self):
        with self.assertRaisesRegex(kt.KetasimError, "exit 64.*no published between-subject variability"):
            kt.population(model="clements250", subjects=10, duration=10)
        bands = kt.population(model="clements250", subjects=10, duration=10, iiv="CL=0.3,V1=0.3")
        self.assertEqual(len(bands), 11)


class TargetControlledInfusionTests(unittest.TestCase):
    """``tci``, ``tci_summary``, ``infused_mg`` and ``schedule_doses`` against independent computations."""

    def test_total_dose_equals_the_integral_of_the_rate_column(self):
        options = dict(model="domino1984", weight=82, target=["150 ng/mL for 20 min", "100 ng/mL for 30 min"],
                       site="effect", duration="1 h", show_warnings=False)  # fmt: skip
        schedule = kt.tci(**options)
        read_out = kt.tci_summary(**options)
        t = schedule["time_min"].to_numpy()
        rate = schedule["rate_mg_per_h"].to_numpy()
        integral = float(np.sum(rate[:-1] * np.diff(t)) / 60.0)  # each rate holds until the next row
        self.assertEqual(rate[-1], 0.0)
        self.assertGreater(integral, 10.0)
        self.assertAlmostEqual(read_out["total_dose"] / integral, 1.0, places=9)
        self.assertAlmostEqual(kt.infused_mg(schedule) / integral, 1.0, places=12)
        self.assertAlmostEqual(kt.cumulative_mg(schedule).iloc[-1] / integral, 1.0, places=12)

    def test_the_schedule_replays_through_simulate(self):
        schedule = kt.tci(model="domino1984", target="135 ng/mL for 30 min", site="effect", duration=45, step="10 s",
                          show_warnings=False)  # fmt: skip
        replay = kt.simulate(model="domino1984", dose=kt.schedule_doses(schedule), duration=45, step="10 s",
                             show_warnings=False)  # fmt: skip
        joined = schedule.merge(replay, on="time_min", suffixes=("", "_replay"))
        self.assertEqual(len(joined), len(schedule))
        for column in ("cp_ng_per_ml", "ce_ng_per_ml", "rate_mg_per_h"):
            difference = (joined[column] - joined[f"{column}_replay"]).abs().max()
            self.assertLess(difference, 1e-9 * joined[column].abs().max(), column)

    def test_syringe_and_pump_limit(self):
        options = dict(target="135 ng/mL for 20 min", syringe=2, max_rate="300 mL/h", duration=30,
                       show_warnings=False)  # fmt: skip
        schedule = kt.tci(**options)
        read_out = kt.tci_summary(**options)
        np.testing.assert_allclose(schedule["rate_ml_per_h"] * 2, schedule["rate_mg_per_h"], rtol=1e-12)
        self.assertLessEqual(schedule["rate_ml_per_h"].max(), 300 * (1 + 1e-12))
        self.assertAlmostEqual(schedule["rate_ml_per_h"].iloc[0], 300.0, places=9)  # the limit binds at first
        self.assertAlmostEqual(read_out["total_volume"], read_out["total_dose"] / 2, places=9)
        self.assertAlmostEqual(read_out["largest_rate_ml"], 300.0, places=9)

    def test_cumulative_dose_and_dose_specs_of_a_hand_made_schedule(self):
        schedule = pd.DataFrame({"time_min": [0.0, 0.5, 1.5, 2.0], "rate_mg_per_h": [60.0, 0.0, 120.0, 0.0]})
        # 60 mg/h for 30 s = 0.5 mg; nothing for a minute; 120 mg/h for 30 s = 1 mg.
        self.assertEqual(list(kt.cumulative_mg(schedule)), [0.0, 0.5, 0.5, 1.5])
        self.assertEqual(kt.infused_mg(schedule), 1.5)
        self.assertEqual(kt.schedule_doses(schedule), ["60.0 mg/h for 30.0 s at 0.0 s",
                                                       "120.0 mg/h for 30.0 s at 90.0 s"])  # fmt: skip
        given = kt.summary(dose=kt.schedule_doses(schedule), duration=5, show_warnings=False)
        self.assertAlmostEqual(given["total_dose"], 1.5, places=12)

    def test_peaks_and_troughs_per_session(self):
        series = pd.DataFrame({"time_min": [0.0, 10.0, 20.0, 30.0, 40.0, 50.0],
                               "nk_ng_per_ml": [0.0, 5.0, 2.0, 1.0, 6.0, 3.0]})  # fmt: skip
        table = kt.per_session(series, [30.0, 0.0], column="nk_ng_per_ml")   # order of the starts does not matter
        self.assertEqual(list(table.index), [1, 2])
        self.assertEqual(list(table["peak"]), [5.0, 6.0])
        self.assertEqual(list(table["peak_time_min"]), [10.0, 40.0])
        self.assertEqual(list(table["trough"]), [2.0, 3.0])   # just before the second session; the end of the run
        with self.assertRaises(ValueError):
            kt.per_session(series, [0.0, 100.0], column="nk_ng_per_ml")
        # Against ketasim: two boluses, the grid peak of each session is its dose time (Cp jumps to dose/V1).
        run = kt.simulate(dose=["0.1 mg/kg", "0.1 mg/kg at 2 h"], duration="4 h", step="10 min", show_warnings=False)
        read = kt.per_session(run, [0.0, 120.0])
        self.assertEqual(list(read["peak_time_min"]), [0.0, 120.0])
        self.assertGreater(read.loc[2, "peak"], read.loc[1, "peak"])   # what is left of the first dose adds
        self.assertLess(read.loc[1, "trough"], read.loc[1, "peak"])


class PlottingTests(unittest.TestCase):
    def tearDown(self):
        plt.close("all")

    def test_thresholds_do_not_stretch_the_axis(self):
        fig, ax = kt.axes()
        ax.plot([0, 60], [0, 180])
        kt.add_thresholds(ax)
        bottom, top = ax.get_ylim()
        self.assertEqual(bottom, 0)
        self.assertLess(top, 1000)
        labels = ax.get_legend_handles_labels()[1]
        self.assertIn("dissociation 150 ng/mL", labels)
        self.assertIn("anesthesia 1000 ng/mL (off scale)", labels)

    def test_band_and_rate(self):
        df = pd.DataFrame({"time_min": [0, 60, 120], "cp_p05_ng_per_ml": [0, 80, 40], "cp_p50_ng_per_ml": [0, 120, 60],
                           "cp_p97_5_ng_per_ml": [0, 200, 90], "rate_mg_per_h": [10, 0, 0]})  # fmt: skip
        fig, ax = kt.axes(time_unit="h")
        kt.plot_band(ax, df, "cp_p05_ng_per_ml", "cp_p97_5_ng_per_ml", middle="cp_p50_ng_per_ml", label="population")
        line = kt.plot_rate(ax, df, time_unit="h")
        self.assertEqual(list(line.get_xdata()), [0, 1, 2])
        self.assertEqual(ax.get_xlabel(), "time (h)")
        labels = ax.get_legend_handles_labels()[1]
        self.assertEqual(labels[:2], ["population: median", "population: 5th-97.5th percentile"])
        self.assertEqual([kt._band_name(f"cp_p{p}_ng_per_ml") for p in ("01", "02", "03", "11", "21", "22")],
                         [f"{n} percentile" for n in ("1st", "2nd", "3rd", "11th", "21st", "22nd")])  # fmt: skip

    def test_log_scale_labels_one_two_five(self):
        fig, ax = plt.subplots()
        ax.plot([3, 700], [1, 2])
        kt.log_scale(ax, "x")
        fig.canvas.draw()
        labels = [tick.get_text() for tick in ax.get_xticklabels() if tick.get_text()]
        self.assertEqual(ax.get_xscale(), "log")
        self.assertTrue({"5", "10", "20", "50", "100", "200", "500"} <= set(labels), labels)

    def test_tables_render_the_same_every_time(self):
        frame = pd.DataFrame({"rate": [0.15, 0.2], "peak": [131.0, float("nan")]})
        first, second = kt.table(frame, formats={"rate": "{:g}"}), kt.table(frame.copy(), formats={"rate": "{:g}"})
        self.assertEqual(first._repr_html_(), second._repr_html_())
        self.assertEqual(repr(first), repr(second))
        self.assertIn("0.15", repr(first))
        self.assertIn("–", repr(first))


if __name__ == "__main__":
    unittest.main()

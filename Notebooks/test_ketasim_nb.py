"""Tests of ketasim_nb, the notebooks' helper module (standard-library unittest; run by .ci/notebooks):

    Notebooks/.venv/bin/python -m unittest discover -s Notebooks -p "test_*.py"

They run the real ketasim (KETASIM or the repository's build) and check what the helper reads against
independent sources: the model and threshold YAML files in Models/ (read here with PyYAML), and relations that
must hold between ketasim's own outputs (the grid peak of a constant infusion equals the read-out's exact peak).
"""

from __future__ import annotations

import os
import stat
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
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
        files = {path.stem for path in MODELS.glob("*.yaml")} - {"thresholds", "observations"}
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
        df = pd.DataFrame({"time_min": [0, 60, 120], "cp_p05": [0, 80, 40], "cp_p50": [0, 120, 60],
                           "cp_p95": [0, 200, 90], "rate_mg_per_h": [10, 0, 0]})  # fmt: skip
        fig, ax = kt.axes(time_unit="h")
        kt.plot_band(ax, df, "cp_p05", "cp_p95", middle="cp_p50", label="population")
        line = kt.plot_rate(ax, df, time_unit="h")
        self.assertEqual(list(line.get_xdata()), [0, 1, 2])
        self.assertEqual(ax.get_xlabel(), "time (h)")

    def test_tables_render_the_same_every_time(self):
        frame = pd.DataFrame({"rate": [0.15, 0.2], "peak": [131.0, float("nan")]})
        first, second = kt.table(frame, formats={"rate": "{:g}"}), kt.table(frame.copy(), formats={"rate": "{:g}"})
        self.assertEqual(first._repr_html_(), second._repr_html_())
        self.assertEqual(repr(first), repr(second))
        self.assertIn("0.15", repr(first))
        self.assertIn("–", repr(first))


if __name__ == "__main__":
    unittest.main()

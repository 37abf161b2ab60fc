"""The preview page in real headless Chromium (Selenium and chromedriver from Debian).

Run by `.ci/serve`, which starts `ketasim serve` and sets KETASIM (the binary: its command line gives the
reference numbers) and KETASIM_URL (the server). Every check compares what the page shows or downloads with an
independent source: the command line's own output for the same scenario, a decoder for each file format, or
the page's own earlier state.

Set KETASIM_SCREENSHOTS to a directory to keep screenshots of the page (the README's come from here).
"""

import base64
import csv
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.request
import xml.etree.ElementTree as ElementTree
import zlib

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

KETASIM = os.environ["KETASIM"]
URL = os.environ["KETASIM_URL"].rstrip("/")
SHOTS = os.environ.get("KETASIM_SCREENSHOTS")
TIMEOUT = 20


def cli(*arguments):
    """The command line's stdout for `arguments` (stderr kept for error tests)."""
    result = subprocess.run([KETASIM, *arguments], capture_output=True, text=True, timeout=60)
    return result


def decode_png(data):
    """Width, height and the raw scanlines of a PNG, decoded with zlib; fails on a corrupt file."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    position, idat, width, height, channels = 8, b"", 0, 0, 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        chunk = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert zlib.crc32(kind + chunk) == crc, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8, depth
            channels = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    raw = zlib.decompress(idat)
    assert len(raw) == height * (1 + width * channels), "scanlines do not fill the image"
    return width, height, raw


class PageTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.downloads = tempfile.mkdtemp(prefix="ketasim-downloads-")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,1000"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {
            "download.default_directory": cls.downloads, "download.prompt_for_download": False,
            "safebrowsing.enabled": False})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        cls.driver = webdriver.Chrome(options=options, service=service)
        cls.driver.set_page_load_timeout(TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        shutil.rmtree(cls.downloads, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def open(self, query=""):
        self.driver.get(f"{URL}/{query}")
        self.wait_updates(0)

    def updates(self):
        return int(self.driver.find_element(By.TAG_NAME, "body").get_attribute("data-updates") or 0)

    def wait_updates(self, before):
        """Waits until the page has answered once more than `before` and no request is in flight."""
        WebDriverWait(self.driver, TIMEOUT).until(
            lambda d: self.updates() > before and "busy" not in (
                d.find_element(By.TAG_NAME, "body").get_attribute("class") or ""))

    def set_value(self, element, text):
        before = self.updates()
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(Keys.DELETE)
        element.send_keys(text)
        self.wait_updates(before)

    def chart_title(self, figure="chart"):
        return self.driver.find_element(By.CSS_SELECTOR, f"#{figure} svg title").get_attribute("textContent")

    def metric(self, name):
        cell = self.driver.find_element(By.CSS_SELECTOR, f'#readout tr[data-metric="{name}"] td:nth-child(2)')
        return cell.get_attribute("textContent")

    def screenshot(self, name):
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            self.driver.execute_script("window.scrollTo(0, 0)")
            self.driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))

    def download(self, kind, name):
        path = os.path.join(self.downloads, name)
        if os.path.exists(path):
            os.remove(path)
        self.driver.find_element(By.CSS_SELECTOR, f'[data-export="{kind}"]').click()
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            if os.path.exists(path) and os.path.getsize(path) > 0:
                time.sleep(0.2)
                with open(path, "rb") as handle:
                    return handle.read()
            time.sleep(0.1)
        self.fail(f"no download {name} after {TIMEOUT} s")

    def severe_console_errors(self):
        return [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"
                and "favicon" not in e["message"] and "422" not in e["message"]]

    # ------------------------------------------------------------------ tests

    def test_1_form_fills_and_curve_and_readout_follow_the_rate(self):
        self.open()
        self.assertIn("clements250, 70 kg", self.chart_title())
        self.assertIn("not a medical device", self.driver.find_element(By.ID, "disclaimer").text)
        self.screenshot("preview")
        # The peak equals the command line's for the same patient and profile.
        reference = dict((row[0], row[1]) for row in csv.reader(io.StringIO(
            cli("simulate", "--summary", "--quiet", "--weight", "70", "--dose", "0.5 mg/kg over 40 min at 0 min")
            .stdout)))
        self.assertEqual(self.metric("cp_max"), reference["cp_max"])

        self.set_value(self.driver.find_element(By.ID, "weight"), "90")
        self.assertIn("90 kg", self.chart_title())
        amount = self.driver.find_element(By.CSS_SELECTOR, '#profile-a tbody tr [data-field="amt"]')
        self.set_value(amount, "1")
        reference = dict((row[0], row[1]) for row in csv.reader(io.StringIO(
            cli("simulate", "--summary", "--quiet", "--weight", "90", "--dose", "1 mg/kg over 40 min at 0 min")
            .stdout)))
        self.assertEqual(self.metric("cp_max"), reference["cp_max"])
        self.assertGreater(float(reference["cp_max"]), 300)
        sheet = self.driver.find_element(By.ID, "readout").text
        self.assertIn("90 kg", sheet)
        self.assertIn("Dissociation", sheet)
        self.assertEqual(self.severe_console_errors(), [])

    def test_2_two_profiles_on_the_same_axes(self):
        self.open()
        before = self.updates()
        self.driver.find_element(By.ID, "compare").click()
        self.wait_updates(before)
        self.assertTrue(self.driver.find_element(By.ID, "profile-b").is_displayed())
        svg = self.driver.find_element(By.CSS_SELECTOR, "#chart svg").get_attribute("outerHTML")
        self.assertIn("as planned / clements250", svg)
        self.assertIn("slowed at 20 min / clements250", svg)
        sheets = self.driver.find_elements(By.CSS_SELECTOR, "#readout .sheet h2")
        self.assertEqual([h.text for h in sheets], ["as planned", "slowed at 20 min"])
        self.screenshot("compare")
        # The comparison's series export: each profile's Cp equals `ketasim simulate` for that profile.
        data = self.download("csv", "ketasim-compare-series.csv").decode()
        self.assertTrue(data.startswith("# ketasim: population-model estimate"))
        rows = list(csv.DictReader(line for line in data.splitlines() if not line.startswith("#")))
        for label, extra in (("as planned", []), ("slowed at 20 min", ["--change", "at 20 min to 0.3 mg/kg/h"])):
            reference = list(csv.DictReader(io.StringIO(cli(
                "simulate", "--quiet", "--weight", "70", "--dose", "0.5 mg/kg over 40 min at 0 min", *extra).stdout)))
            page = [row for row in rows if row["regimen"] == label]
            self.assertEqual([row["time_min"] for row in page], [row["time_min"] for row in reference])
            self.assertEqual([row["cp_ng_per_ml"] for row in page], [row["cp_ng_per_ml"] for row in reference])
        planned = [row["cp_ng_per_ml"] for row in rows if row["regimen"] == "as planned"]
        slowed = [row["cp_ng_per_ml"] for row in rows if row["regimen"] == "slowed at 20 min"]
        self.assertNotEqual(planned, slowed)

    def test_3_every_export_decodes_and_the_csv_is_the_command_lines(self):
        self.open("?w=82")
        data = self.download("csv", "ketasim-time-course.csv").decode()
        lines = data.splitlines()
        self.assertIn("not a medical device", lines[0])
        reference = cli("simulate", "--quiet", "--weight", "82", "--dose", "0.5 mg/kg over 40 min at 0 min").stdout
        self.assertEqual("\n".join(lines[1:]) + "\n", reference)

        svg = ElementTree.fromstring(self.download("svg", "ketasim.svg"))
        self.assertTrue(svg.tag.endswith("svg"))
        self.assertIn("82 kg", "".join(svg.itertext()))
        self.assertIn("not a medical device", "".join(svg.itertext()))

        width, height, _ = decode_png(self.download("png", "ketasim.png"))
        self.assertEqual((width, height), (1800, 1000))

        pdf = self.download("pdf", "ketasim.pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        with tempfile.TemporaryDirectory() as directory:
            source = os.path.join(directory, "chart.pdf")
            with open(source, "wb") as handle:
                handle.write(pdf)
            subprocess.run(["pdftoppm", "-png", "-r", "50", source, os.path.join(directory, "page")], check=True)
            pages = sorted(f for f in os.listdir(directory) if f.endswith(".png"))
            self.assertEqual(len(pages), 1)
            with open(os.path.join(directory, pages[0]), "rb") as handle:
                self.assertGreater(decode_png(handle.read())[0], 100)
            text = subprocess.run(["pdftotext", source, "-"], capture_output=True, text=True).stdout
            self.assertIn("not a medical device", text)

        sheet = self.download("sheet", "ketasim-session-sheet.html").decode()
        with tempfile.TemporaryDirectory() as directory:
            reference_sheet = os.path.join(directory, "sheet.html")
            cli("simulate", "--quiet", "--weight", "82", "--dose", "0.5 mg/kg over 40 min at 0 min",
                "--report-to", reference_sheet)
            with open(reference_sheet) as handle:
                self.assertEqual(sheet, handle.read())
        self.assertIn("not a medical device", sheet.lower())

    def test_4_a_bad_weight_shows_the_command_lines_message(self):
        self.open()
        self.set_value(self.driver.find_element(By.ID, "weight"), "-5")
        error = self.driver.find_element(By.ID, "error")
        self.assertTrue(error.is_displayed())
        line = cli("simulate", "--weight", "-5").stderr.strip()
        self.assertEqual("ketasim: error: " + error.text, line)
        self.assertIn("stale", self.driver.find_element(By.ID, "chart").get_attribute("class"))
        self.screenshot("bad-weight")
        self.set_value(self.driver.find_element(By.ID, "weight"), "70")
        self.assertFalse(error.is_displayed())

    def test_5_the_address_holds_the_scenario(self):
        self.open()
        self.set_value(self.driver.find_element(By.ID, "weight"), "64")
        self.set_value(self.driver.find_element(By.ID, "duration"), "2")
        before = self.updates()
        self.driver.find_element(By.ID, "compare").click()
        self.wait_updates(before)
        address = self.driver.current_url
        title = self.chart_title()
        self.driver.get("about:blank")
        self.driver.get(address)
        self.wait_updates(0)
        self.assertEqual(self.driver.find_element(By.ID, "weight").get_attribute("value"), "64")
        self.assertTrue(self.driver.find_element(By.ID, "compare").is_selected())
        self.assertEqual(self.chart_title(), title)

    def test_6_tabs_by_keyboard_population_and_tci(self):
        self.open("?w=70")
        tab = self.driver.find_element(By.ID, "tab-preview")
        tab.click()
        self.wait_updates(0)
        before = self.updates()
        tab.send_keys(Keys.ARROW_RIGHT)
        self.wait_updates(before)
        active = self.driver.switch_to.active_element
        self.assertEqual(active.get_attribute("id"), "tab-population")
        self.assertEqual(active.get_attribute("aria-selected"), "true")
        self.assertIn("500 virtual patients", self.chart_title("population-chart"))
        self.assertEqual(self.driver.find_element(By.ID, "iiv").get_attribute("value"), "CL=0.3,V1=0.3")
        self.screenshot("population")
        # The bands equal the command line's for the same seed and variability.
        bands = self.download("population-csv", "ketasim-population-bands.csv").decode().splitlines()
        reference = cli("population", "--quiet", "--subjects", "500", "--seed", "1", "--iiv", "CL=0.3,V1=0.3",
                        "--weight", "70", "--dose", "0.5 mg/kg over 40 min at 0 min").stdout.splitlines()
        self.assertEqual(bands[1:], reference)

        before = self.updates()
        active.send_keys(Keys.ARROW_RIGHT)
        self.wait_updates(before)
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("id"), "tab-tci")
        self.assertIn("tci clements250", self.chart_title("tci-chart"))
        schedule = self.download("tci-csv", "ketasim-tci-schedule.csv").decode().splitlines()
        reference = cli("tci", "--quiet", "--weight", "70", "--target", "150 ng/mL for 40 min",
                        "--target", "100 ng/mL").stdout.splitlines()
        self.assertEqual(schedule[1:], reference)
        self.screenshot("tci")

    def test_7_the_print_layout_is_the_chart_and_the_sheet(self):
        self.open("?w=82")
        pdf = base64.b64decode(self.driver.print_page())
        with tempfile.TemporaryDirectory() as directory:
            source = os.path.join(directory, "print.pdf")
            with open(source, "wb") as handle:
                handle.write(pdf)
            text = subprocess.run(["pdftotext", source, "-"], capture_output=True, text=True, check=True).stdout
        self.assertIn("not a medical device", text)
        self.assertIn("clements250, 82 kg", text)  # the chart's title
        self.assertIn("Levels", text)  # the session sheet
        for form_only in ("Built-in regimen", "Add a row", "Copy link", "Population bands"):
            self.assertNotIn(form_only, text)

    def test_8_a_built_in_regimen_replaces_the_rows(self):
        self.open()
        before = self.updates()
        Select(self.driver.find_element(By.ID, "a-regimen")).select_by_value("crps-daily")
        self.wait_updates(before)
        amount = self.driver.find_element(By.CSS_SELECTOR, '#profile-a tbody tr [data-field="amt"]')
        self.assertFalse(amount.is_enabled())
        self.assertIn("CRPS", self.chart_title())
        reference = dict((row[0], row[1]) for row in csv.reader(io.StringIO(
            cli("simulate", "--summary", "--quiet", "--weight", "70", "--regimen", "crps-daily").stdout)))
        self.assertEqual(self.metric("cp_max"), reference["cp_max"])
        before = self.updates()
        Select(self.driver.find_element(By.ID, "a-regimen")).select_by_value("")
        self.wait_updates(before)
        self.assertTrue(amount.is_enabled())
        self.assertIn("0.5 mg/kg over 40 min", self.chart_title())

    def test_9_no_sideways_scrolling_from_a_phone_to_a_wide_screen(self):
        try:
            for width in (420, 800, 1400):
                self.driver.set_window_size(width, 1000)
                self.open("?cmp=1")
                scroll, client = self.driver.execute_script(
                    "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                self.assertLessEqual(scroll, client, f"{width} px wide")
        finally:
            self.driver.set_window_size(1400, 1000)

    def test_10_every_field_has_a_label_and_units(self):
        self.open()
        for element in self.driver.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
            identifier = element.get_attribute("id")
            if identifier:
                labels = self.driver.find_elements(By.CSS_SELECTOR, f'label[for="{identifier}"]')
                self.assertEqual(len(labels), 1, identifier)
            else:
                self.assertTrue(element.get_attribute("aria-label"), element.get_attribute("outerHTML"))
        for identifier, unit in (("weight", "kg"), ("age", "years"), ("duration", "h")):
            label = self.driver.find_element(By.CSS_SELECTOR, f'label[for="{identifier}"]').text
            self.assertIn(unit, label)


class ServerTests(unittest.TestCase):
    def test_headers_and_no_cookie(self):
        with urllib.request.urlopen(f"{URL}/") as response:
            policy = response.headers["Content-Security-Policy"]
            self.assertIn("default-src 'none'", policy)
            self.assertIn("frame-ancestors 'none'", policy)
            self.assertIsNone(response.headers["Set-Cookie"])

    def test_numbers_equal_the_command_line(self):
        body = json.dumps({"weightKilograms": 82, "doses": ["0.5 mg/kg over 40 min"],
                           "changes": ["at 20 min to 0.3 mg/kg/h"]}).encode()
        request = urllib.request.Request(f"{URL}/api/simulate", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            answer = response.read().decode()
        reference = cli("simulate", "--quiet", "--weight", "82", "--dose", "0.5 mg/kg over 40 min",
                        "--change", "at 20 min to 0.3 mg/kg/h").stdout
        self.assertEqual(answer, reference)


if __name__ == "__main__":
    unittest.main(verbosity=2)

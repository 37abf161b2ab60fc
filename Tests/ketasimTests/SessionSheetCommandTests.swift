import Foundation
import Testing

/// `ketasim simulate --report`: the session sheet, each number checked
/// against the exact read-out of `--summary` for the same run.
@Suite struct SessionSheetCommandTests {
  static let run = ["--weight", "82", "--dose", "0.5 mg/kg over 40 min"]

  /// `h:mm` of minutes rounded to the minute (written here, not taken from the library).
  static func clock(_ minutes: Double) -> String {
    let total = Int(minutes.rounded())
    return "\(total / 60):" + String(format: "%02d", total % 60)
  }

  /// The sheet with wrapped lines joined again (continuations are indented
  /// two more than the label column of 22).
  static func unwrapped(_ text: String) -> String {
    text.replacingOccurrences(of: "\n" + String(repeating: " ", count: 24), with: " ")
  }

  static func metric(_ summary: [String: String], _ name: String) throws -> Double {
    let text = try #require(summary[name], "no \(name)")
    return try #require(Double(text), "\(name) is not a number")
  }

  @Test func theDefaultSheetFitsOneScreenAndSaysWhenDissociationStartsAndEnds() throws {
    let result = try CLI.run(Self.run + ["--report"])
    #expect(result.status == 0, "\(result.stderr)")
    let sheet = Self.unwrapped(result.stdout)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count <= 24, "\(lines.count) lines")
    #expect(lines.allSatisfy { $0.count <= 100 }, "a line is wider than 100 characters")
    let summary = ReadoutCommandTests.metrics(try CLI.run(Self.run + ["--summary"]).stdout)

    let first = try Self.metric(summary, "cp_first_above_dissociation")
    let last = try Self.metric(summary, "cp_last_above_dissociation")
    let minutes = try Self.metric(summary, "cp_time_above_dissociation")
    let dissociation =
      "Dissociation (150 ng/mL): plasma from \(Self.clock(first)) to \(Self.clock(last)) "
      + "(\(Int(minutes.rounded())) min)"
    #expect(sheet.contains(dissociation), "no '\(dissociation)' in\n\(sheet)")
    #expect(Self.clock(first) == "0:31" && Self.clock(last) == "0:47", "the issue's 30.9 to 47.1 min")

    let peak = try Self.metric(summary, "cp_max")
    let peakTime = try Self.metric(summary, "cp_tmax")
    #expect(sheet.contains("plasma \(Int(peak.rounded())) ng/mL at \(Self.clock(peakTime))"))

    let analgesiaFirst = try Self.metric(summary, "cp_first_above_analgesia")
    let analgesiaLast = try Self.metric(summary, "cp_last_above_analgesia")
    let analgesiaMinutes = try Self.metric(summary, "cp_time_above_analgesia")
    #expect(
      sheet.contains(
        "Analgesia (100 ng/mL): plasma from \(Self.clock(analgesiaFirst)) to \(Self.clock(analgesiaLast)) "
          + "(\(Int(analgesiaMinutes.rounded())) min)"))

    let below = try Self.metric(summary, "cp_time_below_analgesia_after_last_dose")
    #expect(
      sheet.contains(
        "plasma falls below analgesia (100 ng/mL) \(Int(below.rounded())) min after the last dose ends, at "
          + Self.clock(40 + below)))

    // 41 mg over 40 min at 82 kg: 61.5 mg/h, 0.75 mg/kg/h.
    #expect(sheet.contains("41 mg (0.5 mg/kg) over 40 min from 0:00: 61.5 mg/h (0.75 mg/kg/h)"))
    #expect(sheet.contains("82 kg") && sheet.contains("Clements & Nimmo 1981"))
    #expect(sheet.contains("venous plasma"))
    #expect(sheet.contains("Not a medical device"))
  }

  @Test func theSheetCarriesTheRunsWarnings() throws {
    let result = try CLI.run(["--model", "domino1984", "--dose", "0.3 mg/kg", "--report", "--quiet"])
    #expect(
      Self.unwrapped(result.stdout).contains(
        "predicted plasma peak 4761.9 ng/mL at 0 min is above the anaesthesia threshold"))
  }

  @Test func aSyringeAddsVolumesAndPumpRates() throws {
    let sheet = Self.unwrapped(try CLI.run(Self.run + ["--syringe", "10", "--report"]).stdout)
    // 41 mg at 10 mg/mL is 4.1 mL; 61.5 mg/h is 6.15 mL/h.
    #expect(sheet.contains("41 mg (0.5 mg/kg, 4.1 mL) over 40 min from 0:00: 61.5 mg/h (0.75 mg/kg/h, 6.15 mL/h)"))
  }

  @Test func aSeriesHasOneLinePerSessionWithItsPeakAndTrough() throws {
    let arguments = ["--dose", "0.5 mg/kg over 40 min every 48 h x 3", "--duration", "6 d", "--report"]
    let sheet = Self.unwrapped(try CLI.run(arguments).stdout)
    let summary = ReadoutCommandTests.metrics(try CLI.run(Array(arguments.dropLast()) + ["--summary"]).stdout)
    let peak = Int(try Self.metric(summary, "cp_max").rounded())
    for (number, start) in [(1, "0:00"), (2, "day 3 0:00"), (3, "day 5 0:00")] {
      #expect(sheet.contains("\(number). \(start): peak \(peak) ng/mL"), "session \(number)")
    }
    #expect(sheet.contains("trough before the next"))
  }

  @Test func reportFilesAreMarkdownOrHTMLByExtension() throws {
    let scratch = try TemporaryDirectory()
    let markdown = scratch.path("sheet.md")
    let html = scratch.path("sheet.html")
    #expect(try CLI.run(Self.run + ["--report-to", markdown, "--quiet"]).status == 0)
    #expect(try CLI.run(Self.run + ["--report-to", html, "--quiet"]).status == 0)
    let md = try String(contentsOfFile: markdown, encoding: .utf8)
    #expect(md.hasPrefix("# ketasim session sheet") && md.contains("## Levels") && md.contains("Not a medical device"))
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<h2>Levels</h2>"))
    #expect(page.contains("Clements &amp; Nimmo 1981"), "text is escaped")
    let refused = try CLI.run(Self.run + ["--report-to", scratch.path("sheet.pdf")])
    #expect(refused.status == 64 && refused.stderr.contains("expected a file name ending in .md, .html or .txt"))
    #expect(!FileManager.default.fileExists(atPath: scratch.path("sheet.pdf")))
  }
}

/// Lowering the drip: `--change` gives the same run as the same schedule
/// written as two doses, in the CSV, the read-out and the session sheet.
@Suite struct DripChangeCommandTests {
  static let changed = ["--dose", "0.5 mg/kg over 40 min", "--change", "at 20 min to 0.3 mg/kg/h", "--step", "10 s"]
  static let twoDoses = [
    "--dose", "0.75 mg/kg/h for 20 min", "--dose", "0.3 mg/kg/h for 20 min at 20 min", "--step", "10 s",
  ]

  @Test func aLoweredDripEqualsTheSameScheduleAsTwoDoses() throws {
    let a = try CLI.run(Self.changed + ["--quiet"])
    let b = try CLI.run(Self.twoDoses + ["--quiet"])
    #expect(a.status == 0 && a.stdout == b.stdout && !a.stdout.isEmpty)
    let table = try #require(CSVTable(a.stdout))
    #expect(table.value("rate_mg_per_h", atMinutes: 19) == 52.5)
    #expect(table.value("rate_mg_per_h", atMinutes: 20).map { abs($0 - 21) < 1e-9 } == true, "0.3 mg/kg/h at 70 kg")
    let summaryA = ReadoutCommandTests.metrics(try CLI.run(Self.changed + ["--summary"]).stdout)
    let summaryB = ReadoutCommandTests.metrics(try CLI.run(Self.twoDoses + ["--summary"]).stdout)
    #expect(summaryA["cp_max"] == summaryB["cp_max"] && summaryA["total_dose"] == summaryB["total_dose"])
    let sheet = SessionSheetCommandTests.unwrapped(try CLI.run(Self.changed + ["--report"]).stdout)
    #expect(sheet.contains("over 20 min from 0:20: 21 mg/h (0.3 mg/kg/h)"), "\(sheet)")
  }

  @Test func compareShowsThePlanBesideTheChange() throws {
    let result = try CLI.run([
      "compare", "--dose-set", "planned=0.5 mg/kg over 40 min",
      "--dose-set", "slowed=0.5 mg/kg over 40 min; change at 20 min to 0.3 mg/kg/h", "--quiet",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let rows = result.stdout.split(separator: "\n")
    #expect(rows.count == 3 && rows[1].hasPrefix("planned,") && rows[2].hasPrefix("slowed,"))
    #expect(rows[2].contains(",24.5,"), "0.875 mg/min for 20 min + 0.35 mg/min for 20 min = 24.5 mg")
  }

  @Test func overlappingDosesAddAndSaySo() throws {
    let result = try CLI.run(["--dose", "0.5 mg/kg over 40 min", "--dose", "0.5 mg/kg over 40 min at 20 min"])
    #expect(result.stderr.contains("infusions overlap from 20 min to 40 min and their rates add up (to 105 mg/h"))
    let summary = try CLI.run([
      "--dose", "0.5 mg/kg over 40 min", "--dose", "0.5 mg/kg over 40 min at 20 min", "--summary",
    ])
    #expect(summary.stdout.contains("infusions overlap"))
  }
}

/// `--digits N`: the time series rounded to N significant digits; every
/// digit by default.
@Suite struct DigitsCommandTests {
  @Test func digitsRoundEachNumberOfTheSeries() throws {
    let full = try #require(CSVTable(try CLI.run(["--step", "10 min", "--quiet"]).stdout))
    let rounded = try CLI.run(["--step", "10 min", "--quiet", "--digits", "4"])
    let table = try #require(CSVTable(rounded.stdout))
    #expect(table.header == full.header && table.rows.count == full.rows.count)
    for (a, b) in zip(full.rows.joined(), table.rows.joined()) {
      #expect(String(format: "%.4g", a) == String(format: "%.4g", b), "\(a) rounds to \(b)?")
      #expect(abs(a - b) <= 5e-4 * abs(a) + 1e-12, "\(b) is not \(a) to 4 significant digits")
    }
    #expect(rounded.stdout.contains("\n20,52.5,109.5,"), "109.4795… to 4 digits")
    let refused = try CLI.run(["--digits", "0"])
    #expect(refused.status == 64 && refused.stderr.contains("invalid digits '0'"))
  }
}

/// Pictures of every command that draws: simulate, compare and tci, in each format.
@Suite struct PictureCommandTests {
  @Test(arguments: ["svg", "png", "pdf"])
  func eachCommandWritesTheFormatItsExtensionNames(_ format: String) throws {
    let scratch = try TemporaryDirectory()
    let runs: [[String]] = [
      ["--weight", "82", "--change", "at 20 min to 0.3 mg/kg/h"],
      ["compare", "--dose-set", "a=1 mg/kg", "--dose-set", "b=0.5 mg/kg over 40 min", "--model", "domino1984"],
      ["tci", "--target", "150 ng/mL for 30 min", "--duration", "1h"],
    ]
    let signatures: [String: [UInt8]] = [
      "svg": Array("<?xml".utf8), "png": [0x89, 0x50, 0x4E, 0x47], "pdf": Array("%PDF-".utf8),
    ]
    let expected = try #require(signatures[format])
    for (index, run) in runs.enumerated() {
      let path = scratch.path("picture-\(index).\(format)")
      let result = try CLI.run(run + ["--plot", path, "--quiet", "--output", scratch.path("out-\(index).csv")])
      #expect(result.status == 0, "\(run): \(result.stderr)")
      let bytes = try #require(FileManager.default.contents(atPath: path))
      #expect(Array(bytes.prefix(expected.count)) == expected, "\(run) did not write \(format)")
    }
  }

  @Test func theSVGHasARatePanelWithEveryRateAndTheCrossingsMarked() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("run.svg")
    let result = try CLI.run(["--weight", "82", "--change", "at 20 min to 0.3 mg/kg/h", "--plot", path, "--quiet"])
    #expect(result.status == 0)
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    // 0.75 mg/kg/h at 82 kg is 61.5 mg/h, then 0.3 mg/kg/h is 24.6 mg/h.
    #expect(svg.contains(">61.5 mg/h</text>") && svg.contains(">24.6 mg/h</text>"), "rate labels")
    #expect(svg.contains("class=\"rate\""))
    // Clements at 82 kg with the drip lowered: analgesia from 0:18, below it at 0:45 (onset and offset).
    #expect(svg.components(separatedBy: "class=\"crossing\"").count - 1 == 2)
    #expect(svg.contains(">0:18</text>") && svg.contains(">0:45</text>"))
    #expect(svg.contains("change at 20 min to 0.3 mg/kg/h"), "the title names the change")
  }
}

/// The picture's time axis: a chosen stretch, and days for long series.
@Suite struct PictureAxisCommandTests {
  @Test func xRangeDrawsOnlyThatStretch() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("run.svg")
    #expect(try CLI.run(["--weight", "82", "--x-range", "30 min..90 min", "--plot", path, "--quiet"]).status == 0)
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    // Ticks every 10 min from 30 to 90; nothing at 0 or 240.
    #expect(svg.contains(">30</text>") && svg.contains(">90</text>") && !svg.contains(">240</text>"))
    let refused = try CLI.run(["--x-range", "2 h..1 h", "--plot", scratch.path("x.svg")])
    #expect(refused.status == 64 && refused.stderr.contains("invalid x-range '2 h..1 h'"))
  }

  @Test func aTwelveDaySeriesIsLabelledInDays() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("run.svg")
    let arguments = ["--dose", "0.5 mg/kg over 40 min every 48 h x 6", "--duration", "12d", "--step", "10min"]
    #expect(try CLI.run(arguments + ["--plot", path, "--quiet"]).status == 0)
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("time (d)"))
  }
}

/// `--log`: decades on the concentration axis, the curve kept inside the plot.
@Suite struct LogAxisCommandTests {
  @Test func decadesAndNoPointBelowTheAxis() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("run.svg")
    let arguments = ["--dose", "0.5 mg/kg over 40 min every 48 h x 3", "--duration", "6d", "--step", "10min"]
    #expect(try CLI.run(arguments + ["--plot", path, "--log", "--quiet"]).status == 0)
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    for decade in [">0.1</text>", ">1</text>", ">10</text>", ">100</text>", ">1000</text>"] {
      #expect(svg.contains(decade), "no tick \(decade)")
    }
    // Every point of the Cp polyline lies within the concentration panel (y from its top to its bottom axis).
    let line = try #require(svg.split(separator: "\n").first { $0.contains("class=\"cp\"") })
    let points = try #require(line.split(separator: "\"").drop { !$0.hasSuffix("points=") }.dropFirst().first)
    let ys = points.split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }
    let axis = try #require(svg.split(separator: "\n").first { $0.contains("class=\"axes\"") })
    let bottom = try #require(
      axis.split(separator: "V").dropFirst().first.flatMap { Double($0.split(separator: "H")[0]) })
    #expect(!ys.isEmpty && ys.allSatisfy { $0 <= bottom + 1e-9 }, "a point below the axis at \(bottom)")
  }
}

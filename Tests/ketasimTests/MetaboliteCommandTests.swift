import Foundation
import Testing

/// A model file with a `structure:` section (parent 2-cmt, metabolite formed from 80 % of its elimination)
/// through `ketasim simulate`, `--summary`, `--kernel` and `population`, against the 50-digit mpmath references
/// in Tests/Fixtures/GeneralStructure (metabolite_reference.csv, metabolite_readout.csv): never the program's
/// own output.
@Suite struct MetaboliteCommandTests {
  static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/GeneralStructure")
  static let model = fixtures.appendingPathComponent("test_metabolite_model.yaml").path
  /// The references' regimen on a grid that holds every reference time.
  static let run = [
    "--model", model, "--dose", "50 mg", "--dose", "2 mg/min for 30 min at 10 min", "--duration", "480.2 min",
    "--step", "6 s",
  ]

  /// Reference rows: time, three amounts (mg), cp, nk (ng/mL), nk (nmol/mL).
  static func states() throws -> [[Double]] {
    let text = try String(contentsOf: fixtures.appendingPathComponent("metabolite_reference.csv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double(String($0)) ?? .nan } }
  }

  static func readout() throws -> [String: Double] {
    let text = try String(contentsOf: fixtures.appendingPathComponent("metabolite_readout.csv"), encoding: .utf8)
    var result: [String: Double] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",")
      result[String(fields[0])] = Double(String(fields[1]))
    }
    return result
  }

  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * abs(b) }

  @Test(arguments: ["auto", "tiled", "blas", "scalar"])
  func timeCourseHasMetaboliteColumnsEqualToTheReference(kernel: String) throws {
    let result = try CLI.run(Self.run + ["--kernel", kernel, "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    let table = try #require(CSVTable(result.stdout))
    #expect(
      Array(table.header.prefix(5)) == ["time_min", "rate_mg_per_h", "cp_ng_per_ml", "nk_ng_per_ml", "nk_nmol_per_ml"])
    for row in try Self.states() {
      for (k, column) in ["cp_ng_per_ml", "nk_ng_per_ml", "nk_nmol_per_ml"].enumerated() {
        let value = try #require(table.value(column, atMinutes: row[0]))
        #expect(Self.close(value, row[4 + k]), "\(kernel) \(column) at \(row[0]) min: \(value) vs \(row[4 + k])")
      }
    }
  }

  @Test func summaryReadsTheMetaboliteExactly() throws {
    let result = try CLI.run(Self.run + ["--summary", "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    var metrics: [String: (value: String, unit: String)] = [:]
    for line in result.stdout.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if fields.count == 3 { metrics[fields[0]] = (fields[1], fields[2]) }
    }
    for (metric, expected) in try Self.readout() {
      let value = try #require(metrics[metric].flatMap { Double($0.value) }, "\(metric)")
      #expect(Self.close(value, expected), "\(metric): \(value) vs \(expected)")
    }
    #expect(metrics["nk_auc"]?.unit == "ng*min/mL" && metrics["nk_molar_auc"]?.unit == "nmol*min/mL")
  }

  @Test func populationSubjectsCarryTheMetaboliteReadout() throws {
    let scratch = try TemporaryDirectory()
    let subjects = scratch.url.appendingPathComponent("subjects.csv").path
    let population = try CLI.run(
      ["population"] + Self.run + ["--subjects", "30", "--iiv", "CL=0", "--subjects-output", subjects, "--quiet"])
    #expect(population.status == 0, "\(population.stderr)")
    let table = try #require(CSVTable(try String(contentsOfFile: subjects, encoding: .utf8)))
    #expect(table.rows.count == 30)
    let reference = try Self.readout()
    for (column, metric) in [
      ("nk_max_ng_per_ml", "nk_max"), ("nk_tmax_min", "nk_tmax"), ("nk_auc_ng_min_per_ml", "nk_auc"),
      ("cp_auc_ng_min_per_ml", "cp_auc"),
    ] {
      let values = try #require(table.column(column), "\(column)")
      let expected = try #require(reference[metric])
      #expect(values.allSatisfy { Self.close($0, expected) }, "\(column): \(values.first ?? .nan) vs \(expected)")
    }
  }

  @Test func thePictureShowsTheMetaboliteAndTheSheetTheParent() throws {
    let scratch = try TemporaryDirectory()
    let svg = scratch.url.appendingPathComponent("metabolite.svg").path
    let plotted = try CLI.run(Self.run + ["--plot", svg, "--quiet"])
    #expect(plotted.status == 0, "\(plotted.stderr)")
    let picture = try String(contentsOfFile: svg, encoding: .utf8)
    #expect(picture.contains("plasma (Cp)") && picture.contains("</svg>"))
    // The metabolite is a dotted curve of its own, one vertex per grid time (480.2 min at 6 s), in the legend.
    let other = try #require(picture.range(of: "<polyline class=\"other\""))
    let points = try #require(picture[other.upperBound...].range(of: "points=\""))
    let list = picture[points.upperBound...].prefix { $0 != "\"" }
    #expect(list.split(separator: " ").count == 4803)
    #expect(picture.contains(">nk</text>"))
    // The sheet reads the parent exactly: the 50 mg bolus into 20 L peaks at 2500 ng/mL at time zero.
    let sheet = try CLI.run(Self.run + ["--report", "--quiet"])
    #expect(sheet.status == 0, "\(sheet.stderr)")
    #expect(sheet.stdout.contains("plasma 2500 ng/mL at 0:00"), "\(sheet.stdout)")
    // compare runs it beside a racemic model: the metabolite's summary columns are its own read-out, empty for
    // the other model.
    let compare = try CLI.run(["compare", "--model", "\(Self.model),clements250", "--quiet"] + Self.run.dropFirst(2))
    #expect(compare.status == 0, "\(compare.stderr)")
    let lines = compare.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let column = try #require(lines[0].firstIndex(of: "nk_max_ng_per_ml"))
    let reference = try #require(Self.readout()["nk_max"])
    #expect(Self.close(try #require(Double(String(lines[1][column]))), reference))
    #expect(lines[2][column] == "")
    // tci plans plasma and shows the metabolite.
    let tci = try CLI.run([
      "tci", "--model", Self.model, "--target", "200 ng/mL for 30 min", "--duration", "1h", "--quiet",
    ])
    #expect(tci.status == 0, "\(tci.stderr)")
    #expect(tci.stdout.hasPrefix("time_min,rate_mg_per_h,cp_ng_per_ml,nk_ng_per_ml,nk_nmol_per_ml,target_ng_per_ml\n"))
  }

}

/// The shipped S-ketamine models on the command line: the drug must be stated, and every output says what was
/// simulated.
@Suite struct SKetamineCommandTests {
  @Test func aRacemicDoseNeedsTheSFractionAndTheOutputSaysSo() throws {
    let refused = try CLI.run(["--model", "perezruixo2021", "--dose", "0.5 mg/kg over 40 min"])
    #expect(refused.status == 64 && refused.stderrLines.count == 1, "\(refused.stderr)")
    #expect(refused.stderr.contains("--s-fraction 0.5") && refused.stderr.contains("--drug esketamine"))
    let half = try CLI.run(
      ["--model", "perezruixo2021", "--dose", "0.5 mg/kg over 40 min", "--s-fraction", "0.5", "--summary"])
    #expect(half.status == 0, "\(half.stderr)")
    #expect(half.stderr.contains("only the S fraction 0.5 of every dose is simulated"))
    let warnings = try #require(half.stdout.split(separator: "\n").first { $0.hasPrefix("warnings,") })
    #expect(warnings.contains("only the S fraction 0.5"))
    // Half of 35 mg racemic is the same S-ketamine course as 17.5 mg esketamine.
    let esketamine = try CLI.run(
      ["--model", "perezruixo2021", "--dose", "17.5 mg over 40 min", "--drug", "esketamine", "--quiet"])
    let racemic = try CLI.run(
      ["--model", "perezruixo2021", "--dose", "35 mg over 40 min", "--s-fraction", "0.5", "--quiet"])
    let a = try #require(CSVTable(esketamine.stdout))
    let b = try #require(CSVTable(racemic.stdout))
    #expect(a.header == b.header && a.header.contains("nk_nmol_per_ml"))
    for column in ["cp_ng_per_ml", "nk_ng_per_ml"] {
      let x = try #require(a.column(column))
      let y = try #require(b.column(column))
      #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($0)) }, "\(column)")
    }
    // The rate column is the pump's: the racemic 52.5 mg/h, not the S half.
    #expect(b.value("rate_mg_per_h", atMinutes: 0) == 52.5)
  }

  @Test func esketamineWithARacemicModelIsRefused() throws {
    let result = try CLI.run(["--model", "clements250", "--drug", "esketamine"])
    #expect(result.status == 64 && result.stderrLines.count == 1, "\(result.stderr)")
    #expect(result.stderr.contains("racemic ketamine model"))
    let bad = try CLI.run(["--model", "flint2017", "--drug", "ketamine"])
    #expect(bad.status == 64 && bad.stderr.contains("racemic or esketamine"), "\(bad.stderr)")
  }

  @Test func modelsShowGivesTheDerivedValuesOfAStructure() throws {
    let result = try CLI.run(["models", "show", "perezruixo2021"])
    #expect(result.status == 0, "\(result.stderr)")
    // 109.0 L/h = 1.8167 L/min; 0.714 of a dose forms noresketamine.
    #expect(result.stdout.contains("systemic clearance of the parent (dose rate / steady-state plasma): 1.8167 L/min"))
    #expect(result.stdout.contains("fraction of a dose that reaches noresketamine: 0.7139"))
    #expect(result.stdout.contains("liver -> noresketamine"))
  }

  @Test func populationOfAnSKetamineModelUsesThePublishedVariabilityByName() throws {
    let scratch = try TemporaryDirectory()
    let subjects = scratch.url.appendingPathComponent("subjects.csv").path
    let result = try CLI.run([
      "population", "--model", "perezruixo2021", "--drug", "esketamine", "--dose", "28 mg over 40 min",
      "--subjects", "200", "--duration", "6 h", "--step", "5 min", "--subjects-output", subjects, "--quiet",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let table = try #require(CSVTable(try String(contentsOfFile: subjects, encoding: .utf8)))
    // Published IIV on KEL is 120 % CV: the subjects' KEL spread is log-normal around 1.11/h = 0.0185/min.
    let kel = try #require(table.column("KEL_per_min"))
    let logs = kel.map { log($0 / (1.11 / 60)) }
    let mean = logs.reduce(0, +) / Double(logs.count)
    let sd = (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count - 1)).squareRoot()
    let omega = (log(1 + 1.2 * 1.2)).squareRoot()
    #expect(abs(mean) < 4 * omega / Double(logs.count).squareRoot(), "mean \(mean)")
    #expect(abs(sd / omega - 1) < 4 / Double(2 * logs.count).squareRoot(), "sd \(sd) vs \(omega)")
    // KMET has no published variability (blank in the paper): every subject has the typical value.
    let kmet = try #require(table.column("KMET_per_min"))
    #expect(kmet.allSatisfy { $0 == 2.77 / 60 })
  }
}

/// `--effect ID`: the endpoint's effect site in the CSV and its onset, offset and time above C50 in the summary.
@Suite struct EffectCommandTests {
  @Test func dissociationAddsItsColumnsAndSummaryRows() throws {
    let run = ["--weight", "70", "--dose", "1 mg/kg over 10 min", "--duration", "3 h", "--effect", "dissociation"]
    let csv = try CLI.run(run + ["--quiet"])
    #expect(csv.status == 0, "\(csv.stderr)")
    let table = try #require(CSVTable(csv.stdout))
    #expect(table.header.contains("dissociation_ng_per_ml") && table.header.last == "dissociation_above_c50")
    let ce = try #require(table.column("dissociation_ng_per_ml"))
    let flags = try #require(table.column("dissociation_above_c50"))
    // The flag is exactly "strictly above 2 × 121.2 ng/mL" on every row.
    #expect(zip(ce, flags).allSatisfy { ($0 > 2 * 0.51 * 237.73) == ($1 == 1) })
    let summary = try CLI.run(run + ["--summary", "--quiet"])
    var metrics: [String: String] = [:]
    for line in summary.stdout.split(separator: "\n") {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if fields.count >= 2 { metrics[fields[0]] = fields[1] }
    }
    let onset = try #require(metrics["dissociation_onset"].flatMap(Double.init))
    let offset = try #require(metrics["dissociation_offset"].flatMap(Double.init))
    // The 1-min grid's first and last flagged rows bracket the exact crossings.
    let times = try #require(table.column("time_min"))
    let above = zip(times, flags).filter { $0.1 == 1 }.map(\.0)
    let first = try #require(above.first)
    let last = try #require(above.last)
    #expect(onset <= first && onset > first - 1 && offset >= last && offset < last + 1, "\(onset) \(offset)")
    let bad = try CLI.run(["--effect", "euphoria"])
    #expect(bad.status == 64 && bad.stderrLines.count == 1 && bad.stderr.contains("dissociation"), "\(bad.stderr)")
  }

  @Test func unverifiedNumbersAreNamedInEveryOutputThatUsesThem() throws {
    let run = ["--model", "domino1984", "--dose", "1 mg/kg over 10 min", "--duration", "2 h", "--effect", "ani@60"]
    let csv = try CLI.run(run)
    #expect(csv.status == 0 && csv.stderr.contains("ani is UNVERIFIED"), "\(csv.stderr)")
    #expect(try #require(CSVTable(csv.stdout)).header.contains("ani_index"))
    let summary = try CLI.run(run + ["--summary", "--quiet"])
    #expect(
      summary.stdout.split(separator: "\n").contains { $0.hasPrefix("warnings,") && $0.contains("ani is UNVERIFIED") })
    let sheet = try CLI.run(run + ["--report", "--quiet"])
    #expect(sheet.stdout.contains("ani is UNVERIFIED"))
    let population = try CLI.run(
      ["population", "--iiv", "CL=0.3", "--subjects", "50", "--summary", "--quiet"] + run)
    #expect(population.status == 0, "\(population.stderr)")
    let rows = population.stdout.split(separator: "\n")
    #expect(rows.contains { $0.hasPrefix("ani_fraction_above_level,") })
    #expect(rows.last?.hasPrefix("warnings,") == true && rows.last?.contains("ani is UNVERIFIED") == true)
    let compare = try CLI.run(["compare", "--quiet"] + run)
    #expect(compare.status == 0 && compare.stdout.contains("ani is UNVERIFIED"), "\(compare.stderr)")
  }
}

/// Norketamine over a series: each session's peak and the trough before the next, exact.
@Suite struct MetaboliteSeriesCommandTests {
  @Test func sessionPeaksAndTroughsBoundTheTimeCourse() throws {
    let run = [
      "--model", "perezruixo2021", "--drug", "esketamine", "--dose", "0.5 mg/kg over 40 min every 48 h x 6",
      "--duration", "12d", "--step", "1min", "--quiet",
    ]
    let csv = try #require(CSVTable(try CLI.run(run).stdout))
    let summary = try CLI.run(run + ["--summary"])
    #expect(summary.status == 0, "\(summary.stderr)")
    var metrics: [String: Double] = [:]
    for line in summary.stdout.split(separator: "\n") {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      if fields.count >= 2, let value = Double(String(fields[1])) { metrics[String(fields[0])] = value }
    }
    let times = try #require(csv.column("time_min"))
    let nk = try #require(csv.column("nk_ng_per_ml"))
    for k in 1...6 {
      let start = Double(k - 1) * 2880
      let stop = Double(k) * 2880
      let peak = try #require(metrics["nk_session_\(k)_max"])
      let inSession = zip(times, nk).filter { $0.0 >= start && $0.0 <= min(stop, 17_280) }.map(\.1)
      // The exact peak is at least every grid value of the session and within 0.1 % of the best of them.
      #expect(inSession.allSatisfy { $0 <= peak * (1 + 1e-12) } && (inSession.max() ?? 0) > 0.999 * peak)
      if k < 6 {
        // The trough just before the next session is the value at its start (on the grid).
        let trough = try #require(metrics["nk_session_\(k)_trough"])
        let atStop = try #require(csv.value("nk_ng_per_ml", atMinutes: stop))
        #expect(abs(trough - atStop) <= 1e-12 * atStop, "\(trough) vs \(atStop)")
      }
    }
    // Noresketamine accumulates a little over the series (its 5.75 h half-life against 48 h gaps).
    #expect(try #require(metrics["nk_session_6_max"]) > #require(metrics["nk_session_1_max"]))
  }
}

import Foundation
import Testing

// `ketasim simulate --summary`, `--threshold`, `--syringe`, `--plot` and
// `--chart` end to end, against the closed form of Clements 250 at 70 kg.

@Suite struct ReadoutCommandTests {
  static func clements(_ t: Double) -> Double {
    Reference.twoCompartmentInfusion(
      v1: 1.7522 * 70, k10: 0.0109, k12: 0.0186, k21: 0.0137, rate: 35.0 / 40, duration: 40, at: t) * 1000
  }

  static func metrics(_ stdout: String) -> [String: String] {
    var result: [String: String] = [:]
    for line in stdout.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
      if fields.count == 3 { result[fields[0]] = fields[1] }
    }
    return result
  }

  @Test func summaryReportsThePeakAndCrossingsOfTheDefaultRun() throws {
    let result = try CLI.run(["--summary", "--syringe", "10"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("metric,value,unit\n"))
    let metrics = Self.metrics(result.stdout)
    let peak = try #require(metrics["cp_max"].flatMap(Double.init))
    #expect(abs(peak - Self.clements(40)) < 1e-6 * peak)
    #expect(metrics["cp_tmax"] == "40.0")
    #expect(metrics["total_volume"] == "3.5")
    // The analgesia up-crossing: bisection on the closed form.
    var low = 0.0
    var high = 40.0
    for _ in 0..<100 {
      let middle = (low + high) / 2
      if Self.clements(middle) > 100 { high = middle } else { low = middle }
    }
    let first = try #require(metrics["cp_first_above_analgesia"].flatMap(Double.init))
    #expect(abs(first - low) < 1e-6)
    #expect(metrics["cp_first_above_anesthesia"] == "", "never above: empty")
  }

  @Test func thresholdOverridesChangeColumnsAndSummary() throws {
    let result = try CLI.run([
      "--threshold", "dissociation=200", "--threshold", "anesthesia=off", "--threshold", "emergence=170",
      "--duration", "1h",
    ])
    #expect(result.status == 0)
    let header = result.stdout.split(separator: "\n").first.map(String.init)
    #expect(
      header == "time_min,rate_mg_per_h,cp_ng_per_ml,above_analgesia,above_dissociation,above_awakening,above_emergence"
    )
    let summary = Self.metrics(try CLI.run(["--summary", "--threshold", "dissociation=200"]).stdout)
    #expect(summary["cp_threshold_dissociation"] == "200.0")
    #expect(summary["cp_time_above_dissociation"] == "0.0", "Clements peaks at 177 ng/mL")
  }

  @Test(arguments: ["dissociation", "x=-5", "=3", "a b=4"])
  func badThresholdIsOneLine(_ value: String) throws {
    let result = try CLI.run(["--threshold", value])
    #expect(result.status == 64)
    #expect(result.stderrLines.count == 1)
    // The message quotes the override, or for a bad name the name itself.
    let named = value.split(separator: "=").first.map(String.init) ?? value
    #expect(result.stderr.contains(value) || result.stderr.contains("'\(named)'"))
  }

  @Test func plotWritesAnSVGAndChartGoesToStderr() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.url.appendingPathComponent("run.svg").path
    let result = try CLI.run(["--model", "domino1984", "--plot", path, "--chart", "--duration", "2h"])
    #expect(result.status == 0)
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    #expect(svg.contains("<svg") && svg.contains("</svg>"))
    #expect(svg.contains("effect site"))
    #expect(result.stderr.contains("ng/mL"))
    #expect(result.stdout.hasPrefix("time_min,"), "the CSV still goes to stdout")
  }

  @Test func warningsGoToStderrAndIntoTheSummary() throws {
    let result = try CLI.run(["--summary", "--dose", "2 mg/kg", "--model", "domino1984"])
    #expect(result.status == 0, "warnings never block")
    #expect(result.stderr.contains("0.35 mg/kg"))
    #expect(result.stderr.contains("anaesthesia threshold"))
    #expect(Self.metrics(result.stdout)["warnings"]?.isEmpty == false)
  }

  @Test func ke0OverrideIsReportedAndNoKe0IsSaid() throws {
    let with = Self.metrics(try CLI.run(["--summary", "--ke0", "0.5"]).stdout)
    #expect(with["ke0"] == "0.5")
    #expect(with["ke0_source"] == "--ke0 override")
    #expect(with["ce_max"] != nil)
    let without = Self.metrics(try CLI.run(["--summary"]).stdout)
    #expect(without["ke0_source"]?.contains("no published ke0") == true)
    #expect(without["ce_max"] == nil)
  }
}

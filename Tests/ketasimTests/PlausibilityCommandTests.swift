import Foundation
import Testing

/// Values far outside clinical use are refused with the reason and the flag
/// that allows them; `--allow-extreme` runs them, in every command that
/// simulates.
@Suite struct PlausibilityCommandTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var mention: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let cases: [Case] = [
    Case(arguments: ["simulate", "--weight", "400"], mention: "refusing weight 400 kg: above 350 kg"),
    Case(arguments: ["simulate", "--weight", "0.3"], mention: "refusing weight 0.3 kg: below 0.4 kg"),
    Case(arguments: ["simulate", "--age", "130"], mention: "refusing age 130 years"),
    Case(arguments: ["simulate", "--dose", "25 mg/kg"], mention: "above 15 mg/kg in one bolus"),
    // mg/kg/min typed where mg/kg/h was meant: 30 mg/kg in the hour.
    Case(arguments: ["simulate", "--dose", "0.5 mg/kg/min for 60 min"], mention: "above 15 mg/kg in any hour"),
    // The README's example: 20 mg/kg within 40 min at 82 kg.
    Case(
      arguments: ["simulate", "--weight", "82", "--dose", "0.5 mg/kg/min for 40 min"],
      mention: "refusing dosing of 20 mg/kg within one hour from 0.0 min: above 15 mg/kg in any hour"),
    Case(arguments: ["compare", "--dose-set", "big=25 mg/kg"], mention: "above 15 mg/kg in one bolus"),
    Case(
      arguments: ["population", "--model", "herd2007", "--subjects", "10", "--weight", "500"],
      mention: "refusing weight 500 kg"),
    Case(arguments: ["tci", "--target", "8000 ng/mL for 10 min"], mention: "refusing target 8000 ng/mL"),
    Case(arguments: ["tci", "--target", "150 ng/mL for 10 min", "--weight", "400"], mention: "refusing weight 400"),
  ]

  @Test(arguments: cases)
  func refusedWithReasonAndFlag(_ input: Case) throws {
    let directory = try TemporaryDirectory()
    let result = try CLI.run(input.arguments + ["--duration", "1 h", "--output", directory.path("out.csv")])
    #expect(result.status == 64)
    #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
    #expect(result.stderr.contains(input.mention), "stderr: \(result.stderr)")
    #expect(result.stderr.contains("pass --allow-extreme"), "stderr: \(result.stderr)")
    #expect(directory.contents().isEmpty)
  }

  @Test(arguments: cases)
  func allowedWithTheFlag(_ input: Case) throws {
    let directory = try TemporaryDirectory()
    let result = try CLI.run(
      input.arguments + ["--duration", "1 h", "--allow-extreme", "--quiet", "--output", directory.path("out.csv")])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(directory.contents() == ["out.csv"])
  }

  /// The largest published regimens must never need the flag.
  @Test(arguments: [
    ["--dose", "2 mg/kg", "--dose", "6.3 mg/kg/h for 29 min at 1 min", "--dose", "4.5 mg/kg/h for 50 min at 30 min"],
    ["--dose", "7 mg/kg/h for 24 h"], ["--regimen", "crps-daily"], ["--regimen", "procedural-sedation"],
    ["--weight", "350", "--dose", "0.5 mg/kg over 40 min"],
  ])
  func publishedRegimensRunWithoutTheFlag(_ arguments: [String]) throws {
    let result = try CLI.run(["simulate", "--summary", "--quiet"] + arguments)
    #expect(result.status == 0, "stderr: \(result.stderr)")
  }
}

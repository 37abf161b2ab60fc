import Foundation
import Testing

/// Requests too large to be meant are refused before any work, with the
/// size they would need, the limit and the flag that raises it.
@Suite struct ResourceLimitCommandTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var mention: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let cases: [Case] = [
    // 300 days at 1 s: 25,920,001 rows, above the default 20 million.
    Case(
      arguments: ["simulate", "--duration", "300 d", "--step", "1 s"],
      mention:
        "the time course would need 25,920,001 rows, above the limit of 20,000,000 rows; raise it with --max-rows"
    ),
    Case(
      arguments: ["simulate", "--duration", "1 d", "--step", "1 min", "--max-rows", "1000"],
      mention: "1,441 rows, above the limit of 1,000 rows"),
    Case(
      arguments: ["simulate", "--duration", "1 d", "--step", "1 s", "--plot", "PLOT", "--max-memory", "10 MB"],
      mention: "the picture would need about 13 MB of memory, above the limit of 10 MB; raise it with --max-memory"),
    Case(
      arguments: [
        "population", "--model", "herd2007", "--subjects", "10000000", "--duration", "1 d", "--step", "1 s",
      ],
      mention: "864,010,000,000 subject-times, above the limit of 20,000,000,000; raise it with --max-subject-times"),
    Case(
      arguments: [
        "population", "--model", "herd2007", "--subjects", "5000000", "--duration", "1 h", "--max-memory", "100 MB",
      ],
      mention: "the population run would need about 212 MB of memory, above the limit of 100 MB"),
    Case(
      arguments: [
        "compare", "--regimen", "crps-daily", "--regimen", "antidepressant-single", "--step", "1 s", "--series",
        "SERIES", "--max-rows", "1e6",
      ],
      mention: "the long-format series would need 1,612,802 rows"),
    Case(
      arguments: ["tci", "--target", "100 ng/mL for 10 h", "--duration", "10 h", "--step", "1 s", "--max-rows", "1e4"],
      mention: "the schedule would need 39,601 rows"),
    Case(arguments: ["simulate", "--max-rows", "0"], mention: "invalid max-rows '0'"),
    Case(arguments: ["simulate", "--max-memory", "lots"], mention: "invalid max-memory 'lots'"),
  ]

  @Test(arguments: cases)
  func refusedBeforeWorkWithTheFlag(_ input: Case) throws {
    let directory = try TemporaryDirectory()
    let arguments = input.arguments.map {
      $0 == "PLOT" ? directory.path("plot.svg") : $0 == "SERIES" ? directory.path("series.csv") : $0
    }
    let started = Date()
    let result = try CLI.run(arguments + ["--output", directory.path("out.csv")])
    #expect(result.status == 64)
    #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
    #expect(result.stderr.contains(input.mention), "stderr: \(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(directory.contents().isEmpty)
    // Refused up front: the work itself would take minutes to hours.
    #expect(Date().timeIntervalSince(started) < 20)
  }

  @Test("raising the limit lets the same request run")
  func raisedLimitRuns() throws {
    let result = try CLI.run(["simulate", "--duration", "1 d", "--step", "1 min", "--max-rows", "1441", "--quiet"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.split(separator: "\n").count == 1 + 1441)
  }
}

import Foundation
import Testing

/// Bad input on the command line: every case must end with a non-zero
/// status, one line on stderr naming the bad value, nothing on stdout, no
/// crash report, and no output file (or leftover `*.partial`).
@Suite struct BadInputTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    /// Text the error line must contain (the bad value as typed).
    var mention: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let cases: [Case] = [
    Case(arguments: ["--weight", "0"], mention: "weight '0"),
    Case(arguments: ["--weight=-70"], mention: "-70"),
    Case(arguments: ["--weight", "abc"], mention: "abc"),
    Case(arguments: ["--weight", "nan"], mention: "nan"),
    Case(arguments: ["--weight", "inf"], mention: "inf"),
    Case(arguments: ["--model", "nosuchmodel"], mention: "nosuchmodel"),
    Case(
      arguments: ["--model", "/nonexistent-ketasim-dir/model.yaml"], mention: "/nonexistent-ketasim-dir/model.yaml"),
    Case(arguments: ["--dose", "0.5 mg/kx"], mention: "mg/kx"),
    Case(arguments: ["--dose=-1 mg"], mention: "-1"),
    Case(arguments: ["--dose", "1 mg/h for -2 h"], mention: "-2"),
    Case(arguments: ["--dose", "1 mg at -5 min"], mention: "-5"),
    Case(arguments: ["--dose", "1 mg/h"], mention: "1 mg/h"),
    Case(arguments: ["--duration=-1 h"], mention: "-1"),
    Case(arguments: ["--duration", "abc"], mention: "abc"),
    Case(arguments: ["--duration", "10 min", "--step", "20 min"], mention: "20"),
    Case(arguments: ["--step", "0"], mention: "step '0"),
    Case(arguments: ["--kernel", "fast"], mention: "fast"),
    Case(arguments: ["--age", "abc"], mention: "abc"),
    Case(arguments: ["--age=-5"], mention: "-5"),
    Case(arguments: ["--age", "nan"], mention: "nan"),
    Case(arguments: ["--ke0", "0"], mention: "ke0 '0"),
    Case(arguments: ["--no-such-option"], mention: "--no-such-option"),
    // Finite as typed, infinite once converted (1e308 g = 1e311 mg; V = 1.75 L/kg x 1e308 kg):
    // the error must still name what the user typed.
    Case(arguments: ["--dose", "1e308 g"], mention: "1e308"),
    Case(arguments: ["--weight", "1e308"], mention: "1e308"),
  ]

  @Test(arguments: cases)
  func badInputFailsWithOneLineAndNoFile(_ input: Case) throws {
    let directory = try TemporaryDirectory()
    let result = try CLI.run(input.arguments + ["--output", directory.path("out.csv")])
    let firstLines = result.stderrLines.prefix(2).joined(separator: " | ")
    let crashed = result.signalled || result.stderr.contains("Fatal error") || result.stderr.contains("Backtrac")
    #expect(!crashed, "ketasim crashed: \(firstLines)")
    #expect(result.status != 0)
    #expect(result.stderrLines.count == 1, "stderr: \(firstLines)")
    #expect(result.stderr.contains(input.mention), "stderr: \(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(directory.contents().isEmpty, "left behind: \(directory.contents())")
  }

  @Test(arguments: cases)
  func badInputWithoutOutputPrintsNoCSV(_ input: Case) throws {
    let result = try CLI.run(input.arguments)
    #expect(result.status != 0)
    #expect(result.stdout.isEmpty)
    #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
  }

  @Test(arguments: cases)
  func badInputLeavesAnExistingOutputFileUntouched(_ input: Case) throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("out.csv")
    try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: path))
    let result = try CLI.run(input.arguments + ["--output", path])
    #expect(result.status != 0)
    #expect(directory.contents() == ["out.csv"])
    #expect((try? String(contentsOfFile: path, encoding: .utf8)) == "keep me\n")
  }

  @Test func errorLineHasTheKetasimErrorPrefix() throws {
    let result = try CLI.run(["--weight", "abc"])
    #expect(
      result.stderr == "ketasim: error: invalid weight 'abc': expected a positive number of kilograms, such as 70\n")
  }

  @Test func optionsParsedByArgumentParserKeepTheOneLineMessage() throws {
    // Values parsed in @Option(transform:) and rules in validate() report
    // ketasim's own line, not argument-parser's "The value ... is invalid".
    let kernel = try CLI.run(["--kernel", "fast"])
    #expect(kernel.status == 64)
    #expect(kernel.stderr == "ketasim: error: invalid kernel 'fast': expected auto, tiled, blas or scalar\n")
    let id = try CLI.run(["--id", "3"])
    #expect(id.status == 64)
    #expect(id.stderr == "ketasim: error: invalid id '3': expected --id together with --events\n")
  }

  @Test func helpListsTheChoices() throws {
    let help = try CLI.run(["simulate", "--help"])
    #expect(help.stdout.contains("auto, tiled, blas, scalar"))
    #expect(help.stdout.contains("h, min"))
  }

  @Test func usageErrorsExitWithStatus64() throws {
    // sysexits.h EX_USAGE, as documented in Ketasim.main.
    #expect(try CLI.run(["--weight", "abc"]).status == 64)
    #expect(try CLI.run(["--model", "nosuchmodel"]).status == 64)
    #expect(try CLI.run(["--dose", "0.5 mg/kx"]).status == 64)
  }

  @Test func missingModelFileExitsWithStatus66() throws {
    // sysexits.h EX_NOINPUT.
    #expect(try CLI.run(["--model", "/nonexistent-ketasim-dir/model.yaml"]).status == 66)
  }

  /// A negative number given as a separate argument (`--weight -70`, the way
  /// people type it) must be reported as the bad value it is, not as a
  /// missing value.
  @Test(arguments: [
    (["--weight", "-70"], "-70"), (["--age", "-5"], "-5"), (["--dose", "-1 mg"], "-1"),
    (["--duration", "-1 h"], "-1"),
  ])
  func negativeValueAsSeparateArgumentIsNamed(arguments: [String], mention: String) throws {
    let result = try CLI.run(arguments)
    #expect(result.status != 0)
    #expect(result.stderrLines.count == 1)
    #expect(result.stderr.contains(mention), "stderr: \(result.stderr)")
  }
}

import Foundation
import KetasimCore
import Testing

/// `KETASIM_CPU` through the built `ketasim`: a bad value is one line and
/// status 64; every accepted value gives the same bytes.
@Suite("KETASIM_CPU")
struct CPUDispatchCommandTests {
  static let population = ["population", "--model", "herd2007", "--subjects", "40", "--duration", "30 min"]

  @Test func badKetasimCPUValue() throws {
    let result = try CLI.run(Self.population, environment: ["KETASIM_CPU": "avx"])
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(result.stderrLines.count == 1)
    #expect(
      result.stderr.contains("invalid KETASIM_CPU 'avx': expected auto or an instruction set this CPU runs: sse2"))
  }

  @Test func everyAcceptedValueGivesTheSameOutput() throws {
    let reference = try CLI.run(Self.population)
    #expect(reference.status == 0)
    #expect(reference.stdout.split(separator: "\n").count > 10)
    for value in ["auto", ""] + InstructionSet.supported.map(\.rawValue) {
      let result = try CLI.run(Self.population, environment: ["KETASIM_CPU": value])
      #expect(result.status == 0, "KETASIM_CPU=\(value)")
      #expect(result.stdout == reference.stdout, "KETASIM_CPU=\(value)")
    }
  }
}

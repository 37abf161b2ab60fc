import Foundation
import Testing

/// Summary metrics at the edges of a run.
///
/// The edges: a steady state already in the body at time zero, a bolus at the last output time, a peak inside the last
/// stretch of constant input. Each expected value comes from a closed form
/// written here or from the run's own CSV rows (the summary must describe
/// the curve that is printed).
@Suite struct ReadoutEdgeCommandTests {
  static func metric(_ summary: [String: String], _ name: String) throws -> Double {
    let text = try #require(summary[name], "no \(name)")
    return try #require(Double(text), "\(name) is not a number")
  }

  /// Composite Simpson rule over equally spaced samples (an even number of panels).
  static func simpson(_ values: [Double], step: Double) -> Double {
    precondition(values.count % 2 == 1, "Simpson needs an even number of panels")
    var total = values[0] + values[values.count - 1]
    for i in 1..<(values.count - 1) { total += (i % 2 == 1 ? 4 : 2) * values[i] }
    return total * step / 3
  }

  @Test func steadyStateBolusAreaCountsTheDrugAlreadyInTheBody() throws {
    let scratch = try TemporaryDirectory()
    let table = scratch.path("ss.csv")
    try "ID,TIME,AMT,RATE,EVID,CMT,II,ADDL,SS\n1,0,35,0,1,1,12,0,1\n".write(
      toFile: table, atomically: true, encoding: .utf8)
    let arguments = ["simulate", "--events", table, "--model", "clements250", "--weight", "70", "--duration", "4 h"]
    let summary = ReadoutCommandTests.metrics(try CLI.run(arguments + ["--quiet", "--summary"]).stdout)

    // Clements 250 at 70 kg (V1 1.7522 L/kg, k10 0.0109, k12 0.0186, k21 0.0137 /min). At steady state of D
    // every tau, C(t) = D/V1·Σ cᵢe^{−αᵢt}/(1 − e^{−αᵢtau}) after a dose, so
    // AUC(0, T) = D/V1·Σ cᵢ(1 − e^{−αᵢT})/(αᵢ(1 − e^{−αᵢtau})).
    let (v1, k10, k12, k21) = (1.7522 * 70, 0.0109, 0.0186, 0.0137)
    let sum = k10 + k12 + k21
    let root = (sum * sum - 4 * k10 * k21).squareRoot()
    let alpha = (sum + root) / 2
    let beta = k10 * k21 / alpha
    let tau = 720.0
    let end = 240.0
    func term(_ rate: Double, _ weight: Double) -> Double {
      weight * -expm1(-rate * end) / (rate * -expm1(-rate * tau))
    }
    let expected =
      35 / v1 * (term(alpha, (alpha - k21) / (alpha - beta)) + term(beta, (k21 - beta) / (alpha - beta))) * 1000
    let reported = try Self.metric(summary, "cp_auc")
    #expect(isClose(reported, expected, relative: 1e-10), "cp_auc \(reported), closed form \(expected)")
    #expect(isClose(expected, 18614.3, relative: 1e-5), "the issue's exact value")
  }

  @Test func areasEqualTheIntegralOfThePrintedCurveFromASteadyState() throws {
    // Domino (effect site) at steady state of an infusion every 12 h: both
    // areas must equal the integral of the columns that the CSV prints.
    let scratch = try TemporaryDirectory()
    let table = scratch.path("ss.csv")
    try "ID,TIME,AMT,RATE,EVID,CMT,II,ADDL,SS\n1,0,40,80,1,1,12,0,1\n".write(
      toFile: table, atomically: true, encoding: .utf8)
    let arguments = ["--events", table, "--model", "domino1984", "--duration", "2 h", "--quiet"]
    let summary = ReadoutCommandTests.metrics(try CLI.run(arguments + ["--summary"]).stdout)
    let csv = try #require(CSVTable(try CLI.run(arguments + ["--step", "1 s"]).stdout))
    // The infusion stops at 30 min, an output time: Simpson on each smooth side.
    for column in ["cp", "ce"] {
      let values = try #require(csv.column("\(column)_ng_per_ml"))
      let step = 1.0 / 60
      let integral = Self.simpson(Array(values[...1800]), step: step) + Self.simpson(Array(values[1800...]), step: step)
      let reported = try Self.metric(summary, "\(column)_auc")
      #expect(isClose(reported, integral, relative: 1e-9), "\(column)_auc \(reported), integral of the CSV \(integral)")
    }
  }

  @Test func bolusAtTheLastOutputTimeIsThePeak() throws {
    let arguments = [
      "simulate", "--model", "sherwin2015", "--weight", "40", "--dose", "10 mg at 60 min", "--dose", "5 mg",
      "--duration", "60 min", "--step", "1 min", "--quiet",
    ]
    let csv = try #require(CSVTable(try CLI.run(arguments).stdout))
    let summary = ReadoutCommandTests.metrics(try CLI.run(arguments + ["--summary"]).stdout)
    let last = try #require(csv.value("cp_ng_per_ml", atMinutes: 60))
    #expect(last == (csv.column("cp_ng_per_ml") ?? []).max(), "the last row holds the bolus")
    #expect(try Self.metric(summary, "cp_max") == last)
    #expect(try Self.metric(summary, "cp_tmax") == 60)
    #expect(try Self.metric(summary, "total_dose") == 15)
  }

  @Test func effectSitePeakInsideTheLastSegmentIsFound() throws {
    let arguments = [
      "simulate", "--model", "domino1984", "--weight", "71.1", "--dose", "17.95 mg at 624 s every 0.5 h x 2",
      "--duration", "42 min", "--quiet",
    ]
    let summary = ReadoutCommandTests.metrics(try CLI.run(arguments + ["--step", "1 s", "--summary"]).stdout)
    // A 0.06-s grid over the last 0.1 min brackets the peak that the issue gives (479.3505612 at 41.99910 min).
    let fine = try #require(
      CSVTable(try CLI.run(arguments + ["--step", "0.06 s", "--duration", "42 min"]).stdout))
    let times = try #require(fine.column("time_min"))
    let ce = try #require(fine.column("ce_ng_per_ml"))
    let tail = times.indices.filter { times[$0] >= 41.9 }
    let best = try #require(tail.max { ce[$0] < ce[$1] })
    let peak = try Self.metric(summary, "ce_max")
    let when = try Self.metric(summary, "ce_tmax")
    #expect(peak >= ce[best], "the read-out's peak \(peak) is below a printed value \(ce[best])")
    #expect(isClose(peak, ce[best], relative: 1e-8), "peak \(peak) vs the grid's best \(ce[best])")
    #expect(abs(when - times[best]) < 0.002, "tmax \(when) vs the grid's \(times[best])")
    #expect(when < 42 && peak > ce[times.count - 1], "the peak is inside the run, above its end value")
    #expect(isClose(peak, 479.3505612, relative: 1e-9) && abs(when - 41.99910) < 1e-5)
  }
}

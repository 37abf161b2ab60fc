import Foundation
import Testing

/// `ketasim tci` end to end: the schedule CSV, its replay through
/// `ketasim simulate --dose`, the summary, pump options and bad input.
@Suite("ketasim tci")
struct TCICommandTests {
  /// Rows of a schedule CSV, with the target column (empty after the last
  /// timed step) read as nil.
  struct Schedule {
    var header: [String]
    var rows: [[Double?]]

    init(_ text: String) throws {
      let lines = text.split(separator: "\n").map(String.init)
      header = try #require(lines.first).split(separator: ",").map(String.init)
      rows = lines.dropFirst().map { line in
        line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
      }
    }

    func column(_ name: String) throws -> [Double] {
      let index = try #require(header.firstIndex(of: name), "column \(name)")
      return try rows.map { try #require($0[index], "\(name) is a number") }
    }
  }

  /// `metric → value` of a `--summary` CSV.
  static func summary(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if fields.count >= 2 { result[fields[0]] = fields[1] }
    }
    return result
  }

  @Test("plasma: one row per 10-s period, the rate until the next row, Cp at the target from the first period end")
  func plasmaSchedule() throws {
    let result = try CLI.run([
      "tci", "--model", "domino1984", "--target", "150 ng/mL for 30 min", "--duration", "30 min",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let schedule = try Schedule(result.stdout)
    #expect(schedule.header == ["time_min", "rate_mg_per_h", "cp_ng_per_ml", "ce_ng_per_ml", "target_ng_per_ml"])
    let times = try schedule.column("time_min")
    #expect(times.count == 181)
    for (index, time) in times.enumerated() { #expect(abs(time - Double(index) / 6) < 1e-12) }
    let cp = try schedule.column("cp_ng_per_ml")
    #expect(cp[0] == 0)
    for value in cp.dropFirst() { #expect(isClose(value, 150, relative: 1e-9), "\(value)") }
    let rates = try schedule.column("rate_mg_per_h")
    #expect(rates.allSatisfy { $0 >= 0 })
    #expect(rates.last == 0, "the pump stops at the end of the run")
    #expect(try schedule.column("target_ng_per_ml").allSatisfy { $0 == 150 })
    #expect(result.stderr.contains("total dose"))
  }

  @Test("round trip: the schedule replayed as --dose specs through ketasim simulate gives the same Cp and Ce")
  func replayThroughSimulate() throws {
    let common = ["--model", "domino1984", "--duration", "20 min"]
    let planned = try CLI.run(
      ["tci"] + common + ["--target", "150 ng/mL for 8 min", "--target", "90 ng/mL", "--site", "effect"])
    #expect(planned.status == 0, "\(planned.stderr)")
    let schedule = try Schedule(planned.stdout)
    let times = try schedule.column("time_min")
    let rates = try schedule.column("rate_mg_per_h")
    var doses: [String] = []
    for index in 0..<(times.count - 1) where rates[index] > 0 {
      doses += ["--dose", "\(rates[index]) mg/h for \(times[index + 1] - times[index]) min at \(times[index]) min"]
    }
    #expect(doses.count > 20)
    let replay = try CLI.run(["simulate"] + common + ["--step", "10 s", "--quiet"] + doses)
    #expect(replay.status == 0, "\(replay.stderr)")
    let simulated = try #require(CSVTable(replay.stdout))
    for name in ["cp_ng_per_ml", "ce_ng_per_ml"] {
      let expected = try schedule.column(name)
      for (time, value) in zip(times, expected) {
        let replayed = try #require(simulated.value(name, atMinutes: time), "\(name) at \(time)")
        #expect(isClose(replayed, value, relative: 1e-9, absolute: 1e-9), "\(name) at \(time): \(replayed) vs \(value)")
      }
    }
  }

  @Test("round trip: --export-events writes an event table that ketasim simulate --events replays exactly")
  func replayThroughEventTable() throws {
    let scratch = try TemporaryDirectory()
    let events = scratch.path("tci-events.csv")
    let common = ["--model", "domino1984", "--duration", "40 min", "--weight", "64"]
    let planned = try CLI.run(
      ["tci"] + common + [
        "--target", "150 ng/mL for 15 min", "--target", "90 ng/mL", "--site", "effect", "--period", "15 s",
        "--export-events", events,
      ])
    #expect(planned.status == 0, "\(planned.stderr)")
    let table = try String(contentsOfFile: events, encoding: .utf8)
    #expect(table.hasPrefix("ID,TIME,AMT,RATE,EVID,CMT,II,ADDL,SS\n"))
    let schedule = try Schedule(planned.stdout)
    let replay = try CLI.run(["simulate"] + common + ["--events", events, "--step", "15 s", "--quiet"])
    #expect(replay.status == 0, "\(replay.stderr)")
    let simulated = try #require(CSVTable(replay.stdout))
    let times = try schedule.column("time_min")
    #expect(times.count > 100)
    for name in ["cp_ng_per_ml", "ce_ng_per_ml", "rate_mg_per_h"] {
      for (time, value) in zip(times, try schedule.column(name)) {
        let replayed = try #require(simulated.value(name, atMinutes: time), "\(name) at \(time)")
        #expect(isClose(replayed, value, relative: 1e-9, absolute: 1e-9), "\(name) at \(time): \(replayed) vs \(value)")
      }
    }
  }

  @Test("effect site: the summary reports the predicted peak, Ce never above the target, and the plasma overshoot")
  func effectSummary() throws {
    let result = try CLI.run([
      "tci", "--model", "domino1984", "--site", "effect", "--target", "150 ng/mL", "--duration", "20 min",
      "--summary",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let rows = Self.summary(result.stdout)
    let predicted = try #require(rows["target_1_predicted_time_to_target"].flatMap(Double.init))
    #expect(predicted > 0.5 && predicted < 5, "Domino's effect-site peak after a short infusion: \(predicted)")
    let within = try #require(rows["target_1_time_to_within_5pct"].flatMap(Double.init))
    #expect(within < predicted)
    let ceMax = try #require(rows["ce_max"].flatMap(Double.init))
    #expect(ceMax <= 150 * (1 + 1e-9) && ceMax > 149)
    #expect(try #require(rows["cp_max"].flatMap(Double.init)) > 150, "plasma overshoots to drive the effect site")
    #expect(rows["tci_site"] == "effect")
    #expect(rows["total_dose"].flatMap(Double.init) != nil)
  }

  @Test("syringe and a tight --max-rate in mL/h: rate_ml_per_h, pinned at the limit, never above it")
  func syringeAndLimit() throws {
    let result = try CLI.run([
      "tci", "--model", "domino1984", "--target", "150 ng/mL for 10 min", "--duration", "10 min", "--syringe", "10",
      "--max-rate", "6 mL/h",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let schedule = try Schedule(result.stdout)
    let perHour = try schedule.column("rate_mg_per_h")
    let millilitres = try schedule.column("rate_ml_per_h")
    for (mg, ml) in zip(perHour, millilitres) { #expect(isClose(ml, mg / 10, relative: 1e-12)) }
    #expect(millilitres.allSatisfy { $0 <= 6 * (1 + 1e-12) })
    #expect(millilitres.prefix(6).allSatisfy { $0 == 6 }, "pinned for the first minute")
    let cp = try schedule.column("cp_ng_per_ml")
    #expect(cp.allSatisfy { $0 <= 150 * (1 + 1e-9) })
    #expect(isClose(cp[cp.count - 2], 150, relative: 1e-9), "reached in the end")
    let summary = try CLI.run([
      "tci", "--model", "domino1984", "--target", "150 ng/mL for 10 min", "--duration", "10 min", "--syringe", "10",
      "--max-rate", "120 mg/h", "--summary",
    ])
    let rows = Self.summary(summary.stdout)
    let dose = try #require(rows["total_dose"].flatMap(Double.init))
    #expect(isClose(try #require(rows["total_volume"].flatMap(Double.init)), dose / 10, relative: 1e-12))
    #expect(rows["tci_max_rate_ml"] == "12.0")
  }

  @Test("--step adds rows between periods with the rate in force; shared times agree exactly")
  func finerStep() throws {
    let base = ["tci", "--model", "domino1984", "--target", "120 ng/mL", "--duration", "2 min"]
    let coarse = try Schedule(try CLI.run(base).stdout)
    let fine = try Schedule(try CLI.run(base + ["--step", "1 s"]).stdout)
    let fineTimes = try fine.column("time_min")
    #expect(fineTimes.count == 121)
    let coarseTimes = try coarse.column("time_min")
    let coarseRates = try coarse.column("rate_mg_per_h")
    let fineRates = try fine.column("rate_mg_per_h")
    for (time, rate) in zip(fineTimes, fineRates) {
      let period = try #require(coarseTimes.lastIndex { $0 <= time + 1e-12 })
      #expect(rate == coarseRates[period], "at \(time)")
    }
    let cpCoarse = try coarse.column("cp_ng_per_ml")
    let cpFine = try fine.column("cp_ng_per_ml")
    for (index, time) in coarseTimes.enumerated() {
      let match = try #require(fineTimes.firstIndex { abs($0 - time) < 1e-12 })
      #expect(cpFine[match] == cpCoarse[index])
    }
  }

  @Test("--output writes the schedule atomically and nothing to stdout")
  func outputFile() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("tci.csv")
    let result = try CLI.run(["tci", "--target", "100 ng/mL", "--duration", "5 min", "--output", path, "--quiet"])
    #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasPrefix("time_min,rate_mg_per_h,cp_ng_per_ml,target_ng_per_ml\n"))
    #expect(directory.contents() == ["tci.csv"])
  }

  struct Bad: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var mention: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  @Test(
    "bad input: status 64, one line naming the value, no output",
    arguments: [
      Bad(arguments: [], mention: "--target"),
      Bad(arguments: ["--target", "lots"], mention: "lots"),
      Bad(arguments: ["--target", "150 mg"], mention: "150 mg"),
      Bad(
        arguments: ["--target", "100 ng/mL", "--target", "150 ng/mL for 10 min"], mention: "every target but the last"),
      Bad(arguments: ["--target", "150 ng/mL for 5 h"], mention: "--duration"),
      Bad(arguments: ["--target", "150 ng/mL", "--site", "effect"], mention: "--ke0"),
      Bad(arguments: ["--target", "150 ng/mL", "--site", "brain"], mention: "brain"),
      Bad(arguments: ["--target", "150 ng/mL", "--max-rate", "1200"], mention: "--syringe"),
      Bad(arguments: ["--target", "150 ng/mL", "--max-rate", "fast", "--syringe", "10"], mention: "fast"),
      Bad(arguments: ["--target", "150 ng/mL", "--period", "0"], mention: "period '0"),
      Bad(arguments: ["--target", "150 ng/mL", "--period", "soon"], mention: "soon"),
      Bad(arguments: ["--target", "150 ng/mL", "--period", "0.001 s"], mention: "1,000,000 pump periods"),
      Bad(arguments: ["--target", "150 ng/mL", "--syringe", "0"], mention: "syringe '0"),
    ])
  func badInput(_ input: Bad) throws {
    let directory = try TemporaryDirectory()
    let result = try CLI.run(["tci"] + input.arguments + ["--output", directory.path("out.csv")])
    #expect(!result.signalled)
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderrLines.count == 1, "\(result.stderr)")
    #expect(result.stderr.contains(input.mention), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(directory.contents().isEmpty)
  }
}

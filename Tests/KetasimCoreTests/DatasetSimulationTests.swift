import Foundation
import SwiftCSV
import Testing

@testable import KetasimCore

// Whole datasets: every row back with its fields as written, PRED equal to separate single-ID runs and to the
// closed form, IPRED reproducible from the written etas, the same individuals for the same seed.

@Suite("Whole NONMEM-style datasets")
struct DatasetSimulationTests {
  /// A 50-subject dataset: WT, AGE, SEX, DV, MDV and a free-text column (some fields quoted), repeated infusions
  /// by RATE with ADDL/II, boluses, EVID 0 and EVID 2 rows, a comment row, and IDs without WT.
  static func dataset() -> String {
    var rng = SplitMix64(seed: 19)
    var lines = ["ID,TIME,AMT,RATE,EVID,II,ADDL,WT,AGE,SEX,DV,MDV,COMMENT"]
    for id in 1...50 {
      let weight = id % 10 == 0 ? "" : String(format: "%.1f", rng.uniform(45...120))
      let age = id % 10 == 0 ? "" : String(Int(rng.uniform(18...80)))
      let sex = String(id % 2)
      let covariates = "\(weight),\(age),\(sex)"
      if id % 3 == 0 {
        lines.append("\(id),0,\(String(format: "%.2f", rng.uniform(20...60))),0,1,0,0,\(covariates),.,1,bolus")
      } else {
        let amount = rng.uniform(20...50)
        let rate = amount / rng.uniform(0.5...1)
        lines.append(
          "\(id),0,\(String(format: "%.3f", amount)),\(String(format: "%.3f", rate)),1,48,2,\(covariates),.,1,"
            + "\"infusion, then every 48 h\"")
      }
      for time in [0.25, 0.5, 1, 2, 6, 49, 97.5] {
        let dv = String(format: "%.1f", rng.uniform(1...300))
        lines.append("\(id),\(time),0,0,0,0,0,\(covariates),\(dv),0,")
      }
      if id == 7 { lines.append("# the next row is an EVID 2 record") }
      if id % 7 == 0 { lines.append("\(id),12,0,0,2,0,0,\(covariates),.,1,other event") }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func csvRows(_ text: String) throws -> [[String]] {
    var rows: [[String]] = []
    let csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
    try csv.enumerateAsArray(startAt: 0, rowLimit: nil) { rows.append($0) }
    return rows.filter { !($0.count == 1 && $0[0].isEmpty) }
  }

  static func output(_ simulation: DatasetSimulation) throws -> String {
    var bytes: [UInt8] = []
    var writer = CSVWriter { bytes += $0 }
    try simulation.write(to: &writer)
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test("every input row and field comes back unchanged, in order, with PRED beside it")
  func roundTrip() throws {
    let text = Self.dataset()
    let dataset = try Dataset(csv: text, file: "data.csv")
    #expect(dataset.table.ids.count == 50)
    let simulation = try DatasetSimulation(dataset: dataset, request: ScenarioRequest())
    let input = try Self.csvRows(text)
    let output = try Self.csvRows(try Self.output(simulation))
    #expect(output.count == input.count)
    #expect(output[0] == input[0] + ["PRED_ng_per_ml"])
    for (index, row) in input.enumerated().dropFirst() {
      let fields = Array(output[index].prefix(row.count))
      #expect(fields == row, "row \(index + 1)")
      let pred = output[index].last ?? ""
      if row[0].hasPrefix("#") {
        #expect(pred.isEmpty, "a comment row has no prediction")
      } else {
        #expect(Double(pred) != nil, "row \(index + 1): PRED '\(pred)'")
      }
    }
  }

  @Test("PRED equals a separate single-ID run of the same table, subject by subject, bit for bit")
  func predEqualsSingleRuns() throws {
    let text = Self.dataset()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ketasim-dataset-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("data.csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let dataset = try Dataset(contentsOf: path)
    var base = ScenarioRequest()
    base.weightKilograms = 64
    let simulation = try DatasetSimulation(dataset: dataset, request: base)
    let output = try Self.csvRows(try Self.output(simulation))
    for id in ["1", "3", "10", "14", "50"] {
      // The single-ID path of `ketasim simulate --events --id`: the table's WT wins only there, where the
      // request gives none, so the request's weight is left out for IDs that have one.
      var request = ScenarioRequest()
      request.eventTable = path
      request.eventTableID = id
      let records = dataset.table.records.filter { $0.id == id }
      if records.allSatisfy({ $0.weightKilograms == nil }) { request.weightKilograms = 64 }
      let scenario = try request.resolve()
      let times = records.map(\.time)
      let expected = try DatasetSimulation.plasma(try scenario.run(), at: times)
      let got = output.dropFirst().filter { $0[0] == id }.compactMap { Double($0.last ?? "") }
      #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "ID \(id)")
    }
  }

  @Test("PRED of a bolus subject is the two-compartment closed form")
  func predClosedForm() throws {
    let text = "ID,TIME,AMT,EVID,WT\n1,0,35,1,70\n1,0.5,0,0,70\n1,2,0,0,70\n1,8,0,0,70\n"
    let simulation = try DatasetSimulation(
      dataset: try Dataset(csv: text, file: "bolus.csv"), request: ScenarioRequest())
    let output = try Self.csvRows(try Self.output(simulation))
    let parameters = try ModelCatalog.builtIn().model(id: ScenarioRequest.defaultModel)
      .parameters(for: try Patient(weightKilograms: 70))
    let peripheral = try #require(parameters.peripherals.first)
    #expect(parameters.peripherals.count == 1, "the default model has two compartments")
    let reference = TwoCompartmentClosedForm(
      v1: parameters.centralVolume, cl: parameters.clearance, q: peripheral.clearance, v2: peripheral.volume)
    for (row, hours) in zip(output.dropFirst(2), [0.5, 2, 8]) {
      let expected = reference.bolus(35, after: hours * 60) * 1000
      let got = try #require(Double(row.last ?? ""))
      #expect(abs(got - expected) <= 1e-9 * expected, "\(hours) h")
    }
  }

  @Test("IPRED is reproduced from the written etas; the same seed gives the same individuals, another seed not")
  func ipredFromEtas() throws {
    let dataset = try Dataset(csv: Self.dataset(), file: "data.csv")
    let variability = BetweenSubjectVariability(omegas: [.cl: 0.3, .v1: 0.3, .q2: 0.2], source: .given)
    let simulation = try DatasetSimulation(
      dataset: dataset, request: ScenarioRequest(), variability: variability, seed: 42)
    let output = try Self.csvRows(try Self.output(simulation))
    #expect(output[0].suffix(2) == ["PRED_ng_per_ml", "IPRED_ng_per_ml"])
    var etaBytes: [UInt8] = []
    var etaWriter = CSVWriter { etaBytes += $0 }
    try simulation.writeEtas(to: &etaWriter)
    let etas = try Self.csvRows(String(decoding: etaBytes, as: UTF8.self))
    #expect(Set(etas[0]) == ["ID", "ETA_V1", "ETA_CL", "ETA_Q2"])
    #expect(etas.count == 51)
    let model = try ModelCatalog.builtIn().model(id: ScenarioRequest.defaultModel)
    for etaRow in etas.dropFirst().prefix(12) {
      let id = etaRow[0]
      var factors: [PopulationParameter: Double] = [:]
      for (name, value) in zip(etas[0].dropFirst(), etaRow.dropFirst()) {
        factors[PopulationParameter(rawValue: String(name.dropFirst(4)))] = exp(try #require(Double(value)))
      }
      // The individual rebuilt from the etas alone: the ID's typical parameters times exp(eta).
      let records = dataset.table.records.filter { $0.id == id }
      let weight = records.compactMap(\.weightKilograms).first ?? ScenarioRequest.defaultWeightKilograms
      let age = records.compactMap(\.ageYears).first
      let typical = try model.parameters(for: try Patient(weightKilograms: weight, ageYears: age))
      let regimen = try dataset.table.regimen(id: id)
      let individual = try regimen.simulation(for: try typical.scaled(by: factors), weightKilograms: weight)
      let expected = try DatasetSimulation.plasma(.mammillary(individual), at: records.map(\.time))
      let got = output.dropFirst().filter { $0[0] == id }.compactMap { Double($0.last ?? "") }
      #expect(got.count == expected.count)
      for (a, b) in zip(got, expected) { #expect(abs(a - b) <= 1e-12 * max(abs(b), 1e-300), "ID \(id)") }
    }
    let again = try Self.output(
      try DatasetSimulation(dataset: dataset, request: ScenarioRequest(), variability: variability, seed: 42))
    let other = try Self.output(
      try DatasetSimulation(dataset: dataset, request: ScenarioRequest(), variability: variability, seed: 43))
    #expect(again == (try Self.output(simulation)))
    #expect(other != again)
  }

  @Test("refusals: a prediction column already there, too many fields")
  func refusals() throws {
    let taken = try Dataset(csv: "ID,TIME,AMT,PRED_ng_per_ml\n1,0,10,.\n", file: "taken.csv")
    #expect(throws: KetasimError.self) { try DatasetSimulation(dataset: taken, request: ScenarioRequest()) }
    #expect(throws: KetasimError.self) { try Dataset(csv: "ID,TIME,AMT\n1,0,10,5\n", file: "wide.csv") }
  }

  @Test(
    "residual errors have their closed-form moments within 4 standard errors",
    arguments: ["prop=0.2", "add=5", "prop=0.15,add=2", "exp=0.25"])
  func residualMoments(model text: String) throws {
    let error = try ResidualError(parsing: text)
    // 40 subjects x 100 observations of one infusion each.
    var lines = ["ID,TIME,AMT,RATE,EVID,WT"]
    for id in 1...40 {
      lines.append("\(id),0,35,52.5,1,70")
      for k in 1...100 { lines.append("\(id),\(Double(k) * 0.1),0,0,0,70") }
    }
    let dataset = try Dataset(csv: lines.joined(separator: "\n"), file: "ruv.csv")
    let simulation = try DatasetSimulation(
      dataset: dataset, request: ScenarioRequest(),
      variability: BetweenSubjectVariability(omegas: [.cl: 0.2], source: .given), residualError: error, seed: 3)
    let output = try Self.csvRows(try Self.output(simulation))
    #expect(output[0].suffix(3) == ["PRED_ng_per_ml", "IPRED_ng_per_ml", "DV_ng_per_ml"])
    // Standardised residuals: N(0, 1) under each model.
    var z: [Double] = []
    for row in output.dropFirst() {
      guard row[4] == "0" else {
        #expect(row.last == "", "no DV on a dose row")
        continue
      }
      let ipred = try #require(Double(row[row.count - 2]))
      let dv = try #require(Double(row[row.count - 1]))
      if error.exponential > 0 {
        z.append(log(dv / ipred) / error.exponential)
      } else {
        let sd = (error.additive * error.additive + pow(error.proportional * ipred, 2)).squareRoot()
        z.append((dv - ipred) / sd)
      }
    }
    let n = Double(z.count)
    #expect(z.count == 4000)
    let mean = z.reduce(0, +) / n
    let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    #expect(abs(mean) < 4 / n.squareRoot(), "\(text): mean \(mean)")
    #expect(abs(variance - 1) < 4 * (2 / (n - 1)).squareRoot(), "\(text): variance \(variance)")
    // The scatter of one observation does not depend on another's: lag-1 correlation within 4 standard errors.
    let lag = zip(z, z.dropFirst()).reduce(0) { $0 + ($1.0 - mean) * ($1.1 - mean) } / ((n - 1) * variance)
    #expect(abs(lag) < 4 / n.squareRoot(), "\(text): lag-1 correlation \(lag)")
  }

  @Test("residual error specs: what is accepted and what is refused")
  func residualParsing() throws {
    #expect(try ResidualError(parsing: "prop=0.15, add=2") == ResidualError(additive: 2, proportional: 0.15))
    for bad in ["", "prop", "prop=0", "prop=-1", "add=x", "exp=0.2,prop=0.1", "prop=0.1,prop=0.2", "cv=0.2"] {
      #expect(throws: KetasimError.self, "\(bad)") { try ResidualError(parsing: bad) }
    }
  }

  @Test("a visual predictive check of data simulated from the model: DV percentiles about uniform; data 3x high fail")
  func visualPredictiveCheck() throws {
    // 60 IDs, one infusion each, 8 observations; DV simulated from the model itself (seed 1).
    var lines = ["ID,TIME,AMT,RATE,EVID,WT"]
    for id in 1...60 {
      lines.append("\(id),0,35,52.5,1,\(50 + id)")
      for hours in [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4] { lines.append("\(id),\(hours),0,0,0,\(50 + id)") }
    }
    let design = try Dataset(csv: lines.joined(separator: "\n"), file: "design.csv")
    let variability = BetweenSubjectVariability(omegas: [.cl: 0.3, .v1: 0.3], source: .given)
    let error = ResidualError(proportional: 0.15)
    let truth = try Self.csvRows(
      try Self.output(
        try DatasetSimulation(
          dataset: design, request: ScenarioRequest(), variability: variability, residualError: error, seed: 1)))
    func dataset(scale: Double) throws -> Dataset {
      var text = ["ID,TIME,AMT,RATE,EVID,WT,DV"]
      for row in truth.dropFirst() {
        let dv = row[4] == "0" ? String(try #require(Double(row.last ?? "")) * scale) : "."
        text.append(row.prefix(6).joined(separator: ",") + ",\(dv)")
      }
      return try Dataset(csv: text.joined(separator: "\n"), file: "observed.csv")
    }
    func check(_ data: Dataset) throws -> (outside: Int, observed: Int, meanPercentile: Double) {
      let simulation = try DatasetSimulation(
        dataset: data, request: ScenarioRequest(), variability: variability, residualError: error, seed: 2)
      var bytes: [UInt8] = []
      var writer = CSVWriter { bytes += $0 }
      var line = ""
      try simulation.writeVPC(replicates: 200, percents: [5, 50, 95], to: &writer) { line = $0 }
      let rows = try Self.csvRows(String(decoding: bytes, as: UTF8.self))
      #expect(
        rows[0].suffix(5) == [
          "PRED_ng_per_ml", "VPC_p05_ng_per_ml", "VPC_p50_ng_per_ml", "VPC_p95_ng_per_ml",
          "DV_percentile",
        ])
      var outside = 0
      var percentiles: [Double] = []
      for row in rows.dropFirst() where row[4] == "0" {
        let dv = try #require(Double(row[6]))
        let low = try #require(Double(row[row.count - 4]))
        let high = try #require(Double(row[row.count - 2]))
        if dv < low || dv > high { outside += 1 }
        percentiles.append(try #require(Double(row[row.count - 1])))
      }
      #expect(line.contains("\(outside) of \(percentiles.count) observed DV outside"), "\(line)")
      return (outside, percentiles.count, percentiles.reduce(0, +) / Double(percentiles.count))
    }
    let good = try check(try dataset(scale: 1))
    #expect(good.observed == 480)
    // Binomial: 10 % expected outside, SD sqrt(n p (1 - p)).
    let sd = (480 * 0.1 * 0.9).squareRoot()
    #expect(abs(Double(good.outside) - 48) < 4 * sd, "\(good.outside) of 480 outside the 90 % interval")
    // Uniform percentiles: mean 1/2, SD 1/sqrt(12 n).
    #expect(abs(good.meanPercentile - 0.5) < 4 / (12 * 480.0).squareRoot(), "mean DV percentile \(good.meanPercentile)")
    let bad = try check(try dataset(scale: 3))
    #expect(bad.outside > 240, "data three times the model's: \(bad.outside) of 480 outside")
  }
}

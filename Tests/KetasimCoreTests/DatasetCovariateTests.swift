import Foundation
import Testing

@testable import KetasimCore

// Covariates that change within an ID, resets and sex in whole datasets: the piecewise exact solution against an
// independent RK4 integration of the same ODEs with the weights switched by hand (NONMEM's and the other rule),
// resets against separate fresh subjects, and a categorical relation on sex against the parameters scaled by hand.

@Suite("Datasets: covariates that change, resets (EVID 3/4) and sex")
struct DatasetCovariateTests {
  static func predictions(
    _ csv: String, model: String = "kamp2020", carry: DatasetSimulation.CovariateCarry = .nextRecordBackward,
    coding: SexCoding = SexCoding()
  ) throws -> [(id: String, hours: Double, pred: Double)] {
    let dataset = try Dataset(csv: csv, file: "data.csv")
    var request = ScenarioRequest()
    request.model = model
    let simulation = try DatasetSimulation(
      dataset: dataset, request: request, sexCoding: coding, covariateCarry: carry)
    let rows = try DatasetSimulationTests.csvRows(try DatasetSimulationTests.output(simulation))
    return rows.dropFirst().map { ($0[0], Double($0[1])!, Double($0.last!)!) }
  }

  /// RK4 on the mammillary ODEs (amounts in mg, minutes) with the parameters `parameters(t)` (t in min) and a
  /// `rate` (mg/min) from 0 to `infusionEnd`: plasma (ng/mL) at `outputs` (min, multiples of `h`), each read
  /// with the central volume of `observedWith(output)`.
  static func rk4(
    h: Double, outputs: [Double], infusion rate: Double, until infusionEnd: Double,
    parameters: (Double) -> PKParameters, observedWith: (Double) -> PKParameters
  ) -> [Double] {
    let p0 = parameters(0)
    var x = [Double](repeating: 0, count: p0.compartmentCount)
    func derivative(_ x: [Double], _ t: Double) -> [Double] {
      // The parameters in force over the step that starts at t (the step never straddles a switch).
      let p = parameters(t + h / 2)
      let v1 = p.centralVolume
      var dx = [Double](repeating: 0, count: x.count)
      dx[0] = (t + h / 2 < infusionEnd ? rate : 0) - p.clearance / v1 * x[0]
      for (k, peripheral) in p.peripherals.enumerated() {
        let flow = peripheral.clearance * (x[0] / v1 - x[k + 1] / peripheral.volume)
        dx[0] -= flow
        dx[k + 1] = flow
      }
      return dx
    }
    var values: [Double] = []
    var step = 0
    for output in outputs {
      while Double(step) * h < output - h / 2 {
        let t = Double(step) * h
        let k1 = derivative(x, t)
        let k2 = derivative(zip(x, k1).map { $0 + h / 2 * $1 }, t)
        let k3 = derivative(zip(x, k2).map { $0 + h / 2 * $1 }, t)
        let k4 = derivative(zip(x, k3).map { $0 + h * $1 }, t)
        for i in x.indices { x[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
        step += 1
      }
      values.append(x[0] / observedWith(output).centralVolume * 1000)
    }
    return values
  }

  /// The weight in force at `t` min, switched by hand: NONMEM's rule (nocb), a record's weight holds from the
  /// record before it; locf, from the record on.
  static func weight(
    atMinutes t: Double, records: [(hours: Double, weight: Double)], carry: DatasetSimulation.CovariateCarry
  ) -> Double {
    let minutes = records.map { $0.hours * 60 }
    switch carry {
    case .nextRecordBackward: return records[minutes.firstIndex { $0 >= t } ?? records.count - 1].weight
    case .lastRecordForward: return records[(minutes.lastIndex { $0 <= t }) ?? 0].weight
    }
  }

  @Test(
    "a weight that changes within an ID: the exact piecewise solution equals RK4 with the weights switched by hand",
    arguments: DatasetSimulation.CovariateCarry.allCases)
  func changingWeight(carry: DatasetSimulation.CovariateCarry) throws {
    // 35 mg over 40 min; the weight recorded as 70, 70, 90, 90, 60, 60 kg at 0, 0.25, 0.5, 1, 2, 4 h.
    let records: [(hours: Double, weight: Double)] = [(0, 70), (0.25, 70), (0.5, 90), (1, 90), (2, 60), (4, 60)]
    var csv = "ID,TIME,AMT,RATE,EVID,WT\n1,0,35,52.5,1,70\n"
    for record in records.dropFirst() { csv += "1,\(record.hours),0,0,0,\(record.weight)\n" }
    let got = try Self.predictions(csv, carry: carry)
    let model = try ModelCatalog.builtIn().model(id: "kamp2020")
    let byWeight = try Dictionary(
      uniqueKeysWithValues: [60.0, 70, 90].map { ($0, try model.parameters(for: Patient(weightKilograms: $0))) })
    func weight(atMinutes t: Double) -> Double { Self.weight(atMinutes: t, records: records, carry: carry) }
    let outputs = records.map { $0.hours * 60 }
    let expected = Self.rk4(
      h: 0.005, outputs: outputs, infusion: 35.0 / 40, until: 40, parameters: { byWeight[weight(atMinutes: $0)]! },
      observedWith: { t in byWeight[records[outputs.firstIndex(of: t)!].weight]! })
    // The first record is the dose (level 0 at time 0), the others observations.
    #expect(got.count == records.count && got[0].pred == 0 && expected[0] == 0)
    for (k, expectation) in expected.enumerated() {
      let value = got[k].pred
      #expect(abs(value - expectation) <= 1e-8 * max(abs(expectation), 1), "\(got[k].hours) h: \(value)")
    }
    // The rule matters: the two rules differ where the weight changed between two records.
    let other = try Self.predictions(
      csv, carry: carry == .nextRecordBackward ? .lastRecordForward : .nextRecordBackward)
    #expect(abs(other[3].pred - got[3].pred) > 1e-3 * got[3].pred, "the 0.5 h row under both rules")
    // And a constant weight is the one-model path: 70 kg throughout equals the ordinary run to 1e-12.
    let constant = csv.replacingOccurrences(of: ",90\n", with: ",70\n").replacingOccurrences(of: ",60\n", with: ",70\n")
    let piecewise = try Self.predictions(constant + "1,5,0,0,3,70\n")
    let ordinary = try Self.predictions(constant)
    for (a, b) in zip(piecewise, ordinary) { #expect(abs(a.pred - b.pred) <= 1e-12 * max(b.pred, 1e-300)) }
  }

  @Test("EVID 3 empties every compartment and stops infusions; EVID 4 does the same, then doses; TIME may go back")
  func resets() throws {
    let csv = """
      ID,TIME,AMT,RATE,EVID
      1,0,100,10,1
      1,1,0,0,0
      1,2,0,0,3
      1,3,0,0,0
      1,5,20,0,4
      1,6,0,0,0
      2,0,100,10,1
      2,1,0,0,0
      3,5,20,0,1
      3,6,0,0,0
      4,0,100,10,1
      4,2,0,0,0
      4,0,20,0,4
      4,1,0,0,0
      5,0,20,0,1
      5,1,0,0,0

      """
    let got = try Self.predictions(csv)
    func pred(_ id: String, _ hours: Double, occurrence: Int = 0) -> Double {
      got.filter { $0.id == id && $0.hours == hours }[occurrence].pred
    }
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(b), 1e-300) }
    #expect(pred("1", 1) > 0 && close(pred("1", 1), pred("2", 1)), "before the reset: as without it")
    #expect(pred("1", 2) == 0 && pred("1", 3) == 0, "the 10 h infusion stopped at the reset")
    #expect(close(pred("1", 6), pred("3", 6)), "after EVID 4: the new dose alone")
    #expect(close(pred("4", 1), pred("5", 1)), "a reset to an earlier TIME starts afresh")
  }

  @Test("refusals: TIME going back without a reset, and SS in an ID that is simulated piecewise, name the line")
  func refusals() throws {
    for (csv, line, mention) in [
      ("ID,TIME,AMT,EVID,WT\n1,0,10,1,70\n1,2,0,0,80\n1,1,0,0,80\n", 4, "TIME '1'"),
      ("ID,TIME,AMT,EVID,SS,II,WT\n1,0,10,1,1,12,70\n1,2,0,0,0,0,80\n", 2, "SS '1'"),
    ] {
      do {
        _ = try Self.predictions(csv)
        Issue.record("accepted \(csv)")
      } catch let error as KetasimError {
        #expect(error.description.contains("data.csv:\(line)"), "\(error.description)")
        #expect(error.description.contains(mention), "\(error.description)")
      }
    }
  }

  /// kamp2020 with a relation on sex: CL × 1.2 for women.
  static func modelWithSex() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let text = try String(contentsOfFile: root.appendingPathComponent("Models/kamp2020.yaml").path, encoding: .utf8)
    let edited = text.replacingOccurrences(
      of: "\nvalidity:",
      with: "\ncovariates:\n  - {parameter: CL, covariate: sex, form: categorical, level: female, coefficient: 1.2, "
        + "source: test}\nvalidity:")
    #expect(edited != text)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ketasim-sex-\(UUID().uuidString).yaml")
    try edited.write(to: path, atomically: true, encoding: .utf8)
    return path.path
  }

  @Test("a categorical relation on sex: women's CL × 1.2, men's unchanged, numeric codes only when given")
  func sex() throws {
    let path = try Self.modelWithSex()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let model = try ModelDefinition(yaml: try String(contentsOfFile: path, encoding: .utf8), file: path)
    let base = try ModelCatalog.builtIn().model(id: "kamp2020").parameters(for: try Patient(weightKilograms: 80))
    let women = try PKParameters(
      centralVolume: base.centralVolume, clearance: 1.2 * base.clearance, peripherals: base.peripherals, ke0: nil)
    #expect(try model.parameters(for: try Patient(weightKilograms: 80, sex: .female)).clearance == women.clearance)
    #expect(try model.parameters(for: try Patient(weightKilograms: 80, sex: .male)).clearance == base.clearance)
    #expect(try model.parameters(for: try Patient(weightKilograms: 80)).clearance == base.clearance, "sex unknown")
    // In a dataset: 2 = female, 1 = male; 100 mg over 1 h, observed at 3 h.
    let csv = "ID,TIME,AMT,RATE,EVID,WT,SEX\n1,0,100,100,1,80,2\n1,3,0,0,0,80,2\n2,0,100,100,1,80,1\n2,3,0,0,0,80,1\n"
    let got = try Self.predictions(csv, model: path, coding: try SexCoding(parsing: "1=male,2=female"))
    let schedule = try DosingSchedule([.infusion(milligramsPerMinute: 100.0 / 60, start: .zero, duration: .hours(1))])
    for (row, parameters) in [(got[1], women), (got[3], base)] {
      let expected =
        Simulation(disposition: Disposition(parameters), schedule: schedule)
        .states(at: [.hours(3)])[0][0] / parameters.centralVolume * 1000
      #expect(abs(row.pred - expected) <= 1e-12 * expected, "ID \(row.id): \(row.pred) vs \(expected)")
    }
    #expect(got[1].pred < got[3].pred * 0.95, "the faster clearance lowers the level")
    do {
      _ = try Self.predictions(csv, model: path)
      Issue.record("numeric SEX read without codes")
    } catch let error as KetasimError {
      #expect(error.description.contains("data.csv:2") && error.description.contains("SEX '2'"), "\(error)")
    }
    // A model without a relation on sex does not read SEX at all.
    #expect(try Self.predictions(csv).count == 4)
    // SEX changing within an ID is a covariate that changes: women's clearance from the record on which it changes.
    let changing = "ID,TIME,AMT,RATE,EVID,WT,SEX\n1,0,100,100,1,80,M\n1,1,0,0,0,80,M\n1,3,0,0,0,80,F\n"
    let values = try Self.predictions(changing, model: path)
    let rk4 = Self.rk4(
      h: 0.005, outputs: [60, 180], infusion: 100.0 / 60, until: 60, parameters: { $0 < 60 ? base : women },
      observedWith: { _ in base })
    #expect(abs(values[1].pred - rk4[0]) <= 1e-8 * rk4[0] && abs(values[2].pred - rk4[1]) <= 1e-8 * rk4[1])
  }

  @Test("published residual errors are read from the model files as the papers give them, and checked")
  func publishedResidualErrors() throws {
    let catalog = try ModelCatalog.builtIn()
    let flint = try catalog.model(id: "flint2017").residualErrors
    #expect(flint.map(\.observation) == ["cp", "nk"])
    #expect(flint.map(\.error) == [ResidualError(proportional: 0.419), ResidualError(proportional: 0.475)])
    let perez = try catalog.model(id: "perezruixo2021").residualErrors
    #expect(perez.map(\.error) == [ResidualError(exponential: 0.276), ResidualError(exponential: 0.422)])
    #expect(try catalog.model(id: "kamp2020").residualErrors.isEmpty)
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let text = try String(contentsOfFile: root.appendingPathComponent("Models/kamp2020.yaml").path, encoding: .utf8)
    for (bad, expected) in [
      ("{observation: nk, proportional: 0.2, source: s}", "nk"),
      ("{observation: cp, proportional: 0.2, exponential: 0.1, source: s}", "exponential alone"),
      ("{observation: cp, source: s}", "proportional"),
    ] {
      let edited = text.replacingOccurrences(of: "\nvalidity:", with: "\nresidual_error:\n  - \(bad)\nvalidity:")
      #expect(throws: KetasimError.self, "\(expected)") { try ModelDefinition(yaml: edited, file: "e.yaml") }
    }
  }
}

extension DatasetCovariateTests {
  static func rows(
    _ csv: String, grid: DatasetSimulation.Grid?, variability: BetweenSubjectVariability? = nil,
    residualError: ResidualError? = nil, carry: DatasetSimulation.CovariateCarry = .nextRecordBackward
  ) throws -> [[String]] {
    var request = ScenarioRequest()
    request.model = "kamp2020"
    let simulation = try DatasetSimulation(
      dataset: try Dataset(csv: csv, file: "data.csv"), request: request, variability: variability,
      residualError: residualError, seed: 5, covariateCarry: carry, grid: grid)
    return try DatasetSimulationTests.csvRows(try DatasetSimulationTests.output(simulation))
  }

  @Test("grid rows: placed among each ID's own, the two-compartment closed form, and the dataset's rows unchanged")
  func gridRows() throws {
    let csv = "ID,TIME,AMT,EVID,MDV,WT,DV\n1,0,35,1,1,70,.\n1,1,0,0,0,70,80\n2,0,20,1,1,60,.\n2,0.5,0,0,0,60,40\n"
    let variability = BetweenSubjectVariability(omegas: [.cl: 0.3], source: .given)
    let error = try ResidualError(parsing: "prop=0.2")
    let plain = try Self.rows(csv, grid: nil, variability: variability, residualError: error)
    let gridded = try Self.rows(
      csv, grid: DatasetSimulation.Grid(step: .minutes(20), end: .hours(1.5)), variability: variability,
      residualError: error)
    // ID 1: 0 (dose), grid 0, 20, 40 min, 1 h (data), grid 60, 80 min, 1.5 h; then ID 2 likewise.
    let times = gridded.dropFirst().map { "\($0[0])@\($0[1])" }
    #expect(
      times == [
        "1@0", "1@0.0", "1@0.3333333333333333", "1@0.6666666666666666", "1@1", "1@1.0", "1@1.3333333333333333",
        "1@1.5", "2@0", "2@0.0", "2@0.3333333333333333", "2@0.5", "2@0.6666666666666666", "2@1.0",
        "2@1.3333333333333333", "2@1.5",
      ])
    // The dataset's own rows come back with the same predictions, DV included: grid draws come after theirs.
    let data = gridded.filter { row in !row[1].contains(".") || row[1] == "0.5" && row[6] == "40" }
    #expect(Array(data.dropFirst()) == Array(plain.dropFirst()), "\(data)")
    // Grid rows: EVID 0, MDV 1, the ID's weight, no observed DV; PRED the closed form of the ID's bolus.
    let model = try ModelCatalog.builtIn().model(id: "kamp2020")
    for row in gridded.dropFirst() where row[1].contains(".") && !(row[1] == "0.5" && row[6] == "40") {
      #expect(row[3] == "0" && row[4] == "1" && row[6].isEmpty, "\(row)")
      let weight = row[0] == "1" ? 70.0 : 60
      #expect(Double(row[5]) == weight)
      let p = try model.parameters(for: try Patient(weightKilograms: weight))
      let simulation = Simulation(
        disposition: Disposition(p),
        schedule: try DosingSchedule([.bolus(milligrams: row[0] == "1" ? 35 : 20, at: .zero)]))
      let hours = try #require(Double(row[1]))
      let expected = simulation.centralConcentrations(at: [.hours(hours)])[0] * 1000
      let pred = try #require(Double(row[7]))
      #expect(abs(pred - expected) <= 1e-12 * expected, "ID \(row[0]) at \(hours) h")
      #expect(Double(row[9]) != nil, "a grid row is a simulated observation")
    }
  }

  @Test(
    "grid rows of an ID whose weight changes follow RK4 with the weight in force (both rules)",
    arguments: DatasetSimulation.CovariateCarry.allCases)
  func gridWithChangingWeight(carry: DatasetSimulation.CovariateCarry) throws {
    let records: [(hours: Double, weight: Double)] = [(0, 70), (0.5, 90), (2, 60)]
    var csv = "ID,TIME,AMT,RATE,EVID,WT\n1,0,35,52.5,1,70\n"
    for record in records.dropFirst() { csv += "1,\(record.hours),0,0,0,\(record.weight)\n" }
    let rows = try Self.rows(csv, grid: DatasetSimulation.Grid(step: .minutes(15), end: .hours(3)), carry: carry)
    let grid = rows.dropFirst().filter { $0[1].contains(".") && $0[2] == "0" && $0[3] == "" }
    let minutes = grid.map { Double($0[1])! * 60 }
    #expect(minutes == (0...12).map { Double($0) * 15 })
    let model = try ModelCatalog.builtIn().model(id: "kamp2020")
    let byWeight = try Dictionary(
      uniqueKeysWithValues: [60.0, 70, 90].map { ($0, try model.parameters(for: Patient(weightKilograms: $0))) })
    func weight(atMinutes t: Double) -> Double { Self.weight(atMinutes: t, records: records, carry: carry) }
    let expected = Self.rk4(
      h: 0.005, outputs: minutes, infusion: 35.0 / 40, until: 40, parameters: { byWeight[weight(atMinutes: $0)]! },
      observedWith: { byWeight[weight(atMinutes: $0)]! })
    for (row, reference) in zip(grid, expected) {
      let value = try #require(Double(row.last ?? ""))
      #expect(abs(value - reference) <= 1e-8 * max(reference, 1), "\(row[1]) h: \(value) vs \(reference)")
      #expect(Double(row[5]) == weight(atMinutes: Double(row[1])! * 60), "the weight in force is shown")
    }
  }
}

extension DatasetCovariateTests {
  @Test("CMT on observation rows: 3 is flint2017's S-norketamine, with its own published residual error")
  func metaboliteObservations() throws {
    // 40 children of 10 kg, 1 mg/h for 10 h; S-ketamine (CMT 1) and S-norketamine (CMT 3) every 6 min from 1 h.
    var lines = ["ID,TIME,AMT,RATE,EVID,CMT,WT,AGE"]
    for id in 1...40 {
      lines.append("\(id),0,10,1,1,1,10,1")
      for k in 10...60 { for cmt in [1, 3] { lines.append("\(id),\(Double(k) / 10),0,0,0,\(cmt),10,1") } }
    }
    let csv = lines.joined(separator: "\n")
    var request = ScenarioRequest()
    request.model = "flint2017"
    request.drug = .esketamine
    let model = try ModelCatalog.builtIn().model(id: "flint2017")
    let published = Dictionary(uniqueKeysWithValues: model.residualErrors.map { ($0.observation, $0.error) })
    let simulation = try DatasetSimulation(
      dataset: try Dataset(csv: csv, file: "nk.csv"), request: request, residualError: published["cp"],
      residualErrorBySite: published, seed: 9)
    #expect(simulation.observedSites == [1: .plasma, 3: Observation.Site(rawValue: "nk")])
    let rows = try DatasetSimulationTests.csvRows(try DatasetSimulationTests.output(simulation))
    // PRED: the exact curves of the typical child, S-ketamine or S-norketamine by CMT.
    var child = request
    child.weightKilograms = 10
    child.ageYears = 1
    let subject = try child.subject()
    guard case .general(let structure) = subject.individual else { preconditionFailure("a general structure") }
    let disposition = try GeneralDisposition(checking: structure, name: "flint2017")
    let exact = ExactSimulation(
      disposition: disposition,
      schedule: try DosingSchedule([.infusion(milligramsPerMinute: 1.0 / 60, start: .zero, duration: .hours(10))]))
    let cp = try #require(disposition.observations.first { $0.site == .plasma })
    let nk = try #require(
      disposition.observations.first { $0.site.rawValue == "nk" && $0.unit == .nanogramsPerMillilitre })
    var z: [String: [Double]] = ["cp": [], "nk": []]
    for row in rows.dropFirst() where row[4] == "0" {
      let state = exact.states(at: [.hours(Double(row[1])!)])[0]
      let site = row[5] == "1" ? "cp" : "nk"
      let expected = (site == "cp" ? cp : nk).nanogramsPerMilliliter(state)
      let pred = try #require(Double(row[8]))
      #expect(abs(pred - expected) <= 1e-12 * expected, "\(row)")
      let dv = try #require(Double(row[9]))
      z[site, default: []].append((dv / pred - 1) / published[site]!.proportional)
    }
    // Each analyte's DV scatters with its own published SD (S-ketamine 41.9 %, S-norketamine 47.5 %).
    for (site, values) in z {
      let n = Double(values.count)
      let mean = values.reduce(0, +) / n
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
      #expect(values.count == 40 * 51)
      #expect(abs(mean) < 4 / n.squareRoot() && abs(variance - 1) < 4 * (2 / n).squareRoot(), "\(site): \(variance)")
    }
    // A compartment the model does not observe is refused with the line.
    do {
      _ = try DatasetSimulationTests.output(
        try DatasetSimulation(
          dataset: try Dataset(csv: "ID,TIME,AMT,EVID,CMT\n1,0,10,1,1\n1,1,0,0,2\n", file: "c.csv"), request: request))
      Issue.record("CMT 2 accepted")
    } catch let error as KetasimError {
      #expect(error.description.contains("c.csv:3") && error.description.contains("CMT '2'"), "\(error)")
    }
  }
}

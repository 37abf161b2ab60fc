import Foundation
import Testing

@testable import KetasimCore

// The exported deSolve code run in R: `Rscript` sources the export, integrates it with deSolve's lsoda (an
// independent, adaptive, implicit integrator in another language) for an infusion and a later bolus given as a
// deSolve event, and the curves it reports must be ketasim's exact ones. `.ci/setup` installs R and deSolve from
// Debian (r-base-core, r-cran-desolve); without them this suite is skipped, and says so.

/// R for the tests: `Rscript`, when it is installed and loads deSolve.
enum RTools {
  static let rscript: String? = {
    guard let path = ["/usr/bin/Rscript", "/usr/local/bin/Rscript"].first(where: FileManager.default.isExecutableFile)
    else { return nil }
    return (try? run(path, ["-e", "library(deSolve)"]))?.status == 0 ? path : nil
  }()

  static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (
    status: Int32, output: String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}

@Suite(
  "Model export run in R with deSolve",
  .enabled(if: RTools.rscript != nil, "Rscript with deSolve is not installed (bash .ci/setup)"))
struct ModelExportDeSolveTests {

  @Test(
    "exported deSolve code, run by R's lsoda, reproduces ketasim's exact curves (parent and metabolite)",
    arguments: ["clements250", "kamp2020", "domino1984", "flint2017", "perezruixo2021"])
  func deSolveReproducesTheCurve(model id: String) throws {
    let rscript = try #require(RTools.rscript)
    let model = try ModelCatalog.builtIn().model(id: id)
    let patient = try Patient(weightKilograms: 70, ageYears: 72)
    let export = try ModelExport(model: model, patient: patient)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ketasim-desolve-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try export.code(for: .desolve).write(
      to: directory.appendingPathComponent("model.R"), atomically: true, encoding: .utf8)
    let structure: CompartmentStructure
    switch try model.individual(for: patient) {
    case .mammillary(let parameters): structure = CompartmentStructure(mammillary: parameters)
    case .general(let general): structure = general
    }
    let input =
      export.structure == nil
      ? "CENT" : ModelExport.GeneralExport.stateName(structure.compartments[structure.inputCompartment])
    // 35 mg over 40 min, then a 10 mg bolus at 60 min (a deSolve event), to 240 min.
    let name = export.rName
    let driver = """
      suppressMessages(library(deSolve))
      source("model.R")
      f <- \(name); parms <- \(name)_parms; init <- \(name)_init
      tol <- list(rtol = 1e-11, atol = 1e-13)
      a <- ode(init, seq(0, 40, by = 5), f, parms, rate = function(t) 35 / 40, method = "lsoda",
               rtol = tol$rtol, atol = tol$atol)
      b <- suppressWarnings(ode(a[nrow(a), names(init)], seq(40, 240, by = 8), f, parms, method = "lsoda",
               rtol = tol$rtol, atol = tol$atol,
               events = list(data = data.frame(var = "\(input)", time = 60, value = 10, method = "add"))))
      # deSolve adds the event's time to the output, with the value before the event: not an output time here.
      b <- b[b[, "time"] != 60, , drop = FALSE]
      write.csv(rbind(a, b[-1, ]), "out.csv", row.names = FALSE)
      """
    try driver.write(to: directory.appendingPathComponent("driver.R"), atomically: true, encoding: .utf8)
    let result = try RTools.run(rscript, ["driver.R"], in: directory)
    #expect(result.status == 0, "\(result.output)")
    let rows = try String(contentsOf: directory.appendingPathComponent("out.csv"), encoding: .utf8)
      .split(separator: "\n").map { $0.split(separator: ",").map { $0.replacingOccurrences(of: "\"", with: "") } }
    let header = rows[0]
    let times = rows.dropFirst().map { Double($0[0])! }
    #expect(times.count == 9 + 25, "0-40 min every 5, 48-240 every 8")
    // ketasim's exact solution of the same structure and doses.
    let disposition = try GeneralDisposition(checking: structure, name: id)
    let schedule = try DosingSchedule([
      .infusion(milligramsPerMinute: 35.0 / 40, start: .zero, duration: .minutes(40)),
      .bolus(milligrams: 10, at: .minutes(60)),
    ])
    let states = ExactSimulation(disposition: disposition, schedule: schedule)
      .states(at: times.map { ClockTime(minutes: $0) })
    var compared = 0
    for observation in disposition.observations where observation.site != .effectSite {
      let column =
        ModelExport.GeneralExport.stateName(observation.site.rawValue)
        + (observation.unit == .nanomolesPerMillilitre ? "_NMOL" : "")
      let index = try #require(header.firstIndex(of: column), "\(id): no \(column) in \(header)")
      for (row, state) in zip(rows.dropFirst(), states) {
        let expected = observation.nanogramsPerMilliliter(state)
        let value = try #require(Double(row[index]))
        #expect(abs(value - expected) <= 1e-7 * abs(expected) + 1e-9, "\(id) \(column) at \(row[0]) min")
      }
      compared += 1
    }
    #expect(compared == (export.structure == nil ? 1 : 3), "\(id): CP, and NK in ng/mL and nmol/mL")
  }
}

import Foundation
import Testing

@testable import KetasimCore

/// ComparisonTable and OverlayPlot: column names with units, summaries equal
/// to separate read-outs, the long series, and the overlay picture's geometry.
@Suite struct ComparisonTests {
  @Test(arguments: [
    ("cp_max", "ng/mL", "cp_max_ng_per_ml"), ("cp_auc", "ng*min/mL", "cp_auc_ng_min_per_ml"),
    ("ke0", "1/min", "ke0_per_min"), ("total_dose_per_kg", "mg/kg", "total_dose_per_kg_mg_per_kg"),
    ("cp_tmax", "min", "cp_tmax_min"), ("model", "", "model"), ("total_volume", "mL", "total_volume_ml"),
  ])
  func columnNamesCarryTheUnit(metric: String, unit: String, name: String) {
    #expect(ComparisonTable.columnName(metric: metric, unit: unit) == name)
  }

  /// Two regimens x two models of the built-in catalogue for one patient.
  static func table() throws -> (ComparisonTable, TimeGrid) {
    let catalog = try ModelCatalog.builtIn()
    let patient = try Patient(weightKilograms: 70)
    let thresholds = catalog.thresholds.defaults
    let grid = try TimeGrid(end: .hours(4), step: .minutes(5))
    var arms: [ComparisonTable.Arm] = []
    for name in ["antidepressant-single", "procedural-sedation"] {
      let regimen = try RegimenCatalog.resolve(name)
      for id in ["clements250", "domino1984"] {
        let model = try catalog.model(id: id)
        arms.append(
          ComparisonTable.Arm(
            regimen: name, model: model, patient: patient,
            simulation: try regimen.simulation(for: try model.parameters(for: patient), weightKilograms: 70),
            thresholds: thresholds, ke0Source: "test", syringe: regimen.syringeMilligramsPerMilliliter))
      }
    }
    return (ComparisonTable(arms: arms, end: grid.end), grid)
  }

  static func text(_ write: (inout CSVWriter) throws -> Void) rethrows -> String {
    var bytes: [UInt8] = []
    var writer = CSVWriter { bytes += $0 }
    try write(&writer)
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func eachSummaryIsTheSeparateReadOut() throws {
    let (table, grid) = try Self.table()
    for (arm, summary) in zip(table.arms, table.summaries) {
      guard case .mammillary(let simulation) = arm.run else {
        Issue.record("catalogue racemic models run on the closed form")
        continue
      }
      let alone = SummaryTable(
        simulation: simulation, end: grid.end, model: arm.model, patient: arm.patient,
        thresholds: arm.thresholds, ke0Source: "test", syringe: arm.syringe)
      #expect(summary.rows == alone.rows)
    }
    let lines = try Self.text { try table.writeSummary(to: &$0) }.split(separator: "\n")
    #expect(lines.count == 5)
    #expect(lines[0].hasPrefix("regimen,model,weight_kg,duration_min,total_dose_mg,"))
    // The sedation regimen's 10 mg/mL syringe adds the volume column; the
    // antidepressant rows leave it empty.
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
    let volume = try #require(header.firstIndex(of: "total_volume_ml"))
    #expect(lines[3].split(separator: ",", omittingEmptySubsequences: false)[volume] == "14.0")
    #expect(lines[1].split(separator: ",", omittingEmptySubsequences: false)[volume] == "")
  }

  @Test func aMetaboliteModelsArmCarriesItsMetaboliteAgainstTheFiftyDigitReference() throws {
    // The test metabolite model (parent 2-cmt, metabolite 1-cmt) beside a racemic closed-form arm.
    let scenario = try MetaboliteFixture.scenario()
    let general = try MetaboliteFixture.general(scenario)
    let catalog = try ModelCatalog.builtIn()
    let clements = try catalog.model(id: "clements250")
    let arms = [
      ComparisonTable.Arm(
        regimen: "reference", model: scenario.subject.definition, patient: scenario.patient, run: .general(general),
        thresholds: scenario.subject.thresholds, ke0Source: "", syringe: nil),
      ComparisonTable.Arm(
        regimen: "reference", model: clements, patient: scenario.patient,
        simulation: Simulation(
          disposition: Disposition(try clements.parameters(for: scenario.patient)), schedule: general.schedule),
        thresholds: scenario.subject.thresholds, ke0Source: "", syringe: nil),
    ]
    let table = ComparisonTable(arms: arms, end: scenario.grid.end)
    // Its summary row is the read-out of the 50-digit reference.
    let readout = try MetaboliteFixture.readout()
    expectClose(
      try #require(table.summaries[0]["nk_max"].flatMap(Double.init)), try #require(readout["nk_max"]), rel: 1e-9)
    #expect(table.summaries[1]["nk_max"] == nil)
    // The series: nk columns for it, empty for the racemic arm.
    let reference = try MetaboliteFixture.states()
    let times = reference.map { ClockTime(minutes: $0[0]) }
    let lines = try Self.text { try table.writeSeries(at: times, to: &$0) }.split(separator: "\n")
    #expect(lines[0] == "regimen,model,time_min,rate_mg_per_h,cp_ng_per_ml,nk_ng_per_ml,nk_nmol_per_ml")
    for (k, row) in reference.enumerated() {
      let fields = lines[1 + k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      expectClose(try #require(Double(fields[4])), row[4], rel: 1e-9, "cp t=\(row[0])")
      expectClose(try #require(Double(fields[5])), row[5], rel: 1e-9, abs: 1e-12, "nk t=\(row[0])")
      expectClose(try #require(Double(fields[6])), row[6], rel: 1e-9, abs: 1e-12, "nk molar t=\(row[0])")
      let other = lines[1 + reference.count + k].split(separator: ",", omittingEmptySubsequences: false)
      #expect(other[1] == "clements250" && other[5] == "" && other[6] == "")
    }
    // The overlay draws the metabolite as the arm's dotted curve.
    let data = table.plotData(at: times, title: "t")
    #expect(data.series[0].others.map(\.name) == ["nk"] && data.series[1].others.isEmpty)
    #expect(OverlayPlot.legendLabel(data.series[0]).hasSuffix("(Cp solid, nk dotted)"))
  }

  @Test func theLongSeriesHasOneRowPerArmAndTime() throws {
    let (table, grid) = try Self.table()
    let lines = try Self.text { try table.writeSeries(at: grid.times, to: &$0) }.split(separator: "\n")
    #expect(lines[0] == "regimen,model,time_min,rate_mg_per_h,cp_ng_per_ml,ce_ng_per_ml")
    #expect(lines.count == 1 + 4 * grid.count)
    // Clements (no effect site): the ce field is empty; its Cp at 40 min is the
    // closed form of 35 mg over 40 min (Gibaldi & Perrier, Pharmacokinetics, 2nd ed.).
    let row = lines.first { $0.hasPrefix("antidepressant-single,clements250,40.0,") }.map {
      $0.split(separator: ",", omittingEmptySubsequences: false)
    }
    let fields = try #require(row)
    #expect(fields[5] == "")
    let closed = TwoCompartmentClosedForm(v1: 1.7522 * 70, k10: 0.0109, k12: 0.0186, k21: 0.0137)
    let expected = 1000 * closed.infusion(rate: 35.0 / 40, duration: 40, after: 40)
    expectClose(try #require(Double(String(fields[4]))), expected, rel: 1e-10, "Cp at 40 min")
    #expect(lines.contains { $0.hasPrefix("procedural-sedation,domino1984,0.0,") && !$0.hasSuffix(",") })
  }

  @Test func overlayDrawsEverySeriesWhereTheScaleMapsIt() throws {
    let data = OverlayPlotData(
      title: "a <b> & c", timesMinutes: [0, 30, 60],
      series: [
        .init(label: "one", plasma: [0, 100, 50], effectSite: nil),
        .init(label: "two & more", plasma: [0, 300, 150], effectSite: [0, 120, 140]),
      ],
      thresholds: [
        (name: "analgesia", nanogramsPerMilliliter: 100), (name: "anesthesia", nanogramsPerMilliliter: 1000),
      ])
    let plot = OverlayPlot(data)
    let svg = plot.svg
    #expect(svg == OverlayPlot(data).svg, "deterministic")
    #expect(svg.components(separatedBy: "class=\"cp\"").count - 1 == 2)
    #expect(svg.components(separatedBy: "class=\"ce\"").count - 1 == 1)
    #expect(svg.contains("a &lt;b&gt; &amp; c"))
    #expect(svg.contains("two &amp; more (Cp solid, Ce dashed)"))
    // The axis reaches above the highest value of every series (300).
    #expect(plot.scale.top >= 300)
    // anesthesia (1000) is above twice the peak: not drawn.
    #expect(plot.scale.drawnThresholds.map(\.name) == ["analgesia"])
    // First point of each curve: time 0 at the left edge, 0 ng/mL at the bottom.
    let start = "\(Self.svgNumber(plot.x(0))),\(Self.svgNumber(plot.y(0)))"
    #expect(svg.components(separatedBy: "points=\"" + start).count - 1 == 3)
    // The middle point of series one: (30 min, 100 ng/mL).
    #expect(svg.contains("\(Self.svgNumber(plot.x(30))),\(Self.svgNumber(plot.y(100)))"))
    // Distinct colours for the two series.
    #expect(OverlayPlot.style(0).colour != OverlayPlot.style(1).colour)
    // After the palette runs out, colours repeat with a dash pattern.
    #expect(OverlayPlot.style(OverlayPlot.palette.count).dashes != nil)
  }

  /// A coordinate as the SVG prints it (0.001 px, no trailing zeros).
  static func svgNumber(_ value: Double) -> String { coordinate(value) }
}

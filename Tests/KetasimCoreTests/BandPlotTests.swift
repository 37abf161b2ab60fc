import Foundation
import Testing

@testable import KetasimCore

#if canImport(FoundationXML)
import FoundationXML
#endif

// The population picture: band polygons and the median at the band table's
// values, the pairing of percentiles into bands, the typical patient's rate
// panel, the time range and logarithmic axis, warnings and footer.

@Suite("Population band picture")
struct BandPlotTests {
  /// A small population of Clements 250 (CL and V1 varying, 30 %), 0.5 mg/kg over 40 min at 70 kg, 2 h
  /// at 5-min steps, and the rows of its bands CSV.
  static func population(_ percentiles: [Double]) throws -> (layout: PopulationLayout, rows: [[Double]]) {
    let catalog = try ModelCatalog.builtIn()
    let model = try catalog.model(id: "clements250")
    let simulation = try PopulationSimulation(
      design: PopulationDesign(
        model: model, variability: BetweenSubjectVariability(omegas: [.cl: 0.3, .v1: 0.3], source: .given),
        covariates: .fixed(try Patient(weightKilograms: 70)), seed: 5),
      totalSubjects: 120, grid: try TimeGrid(end: minutes(120), step: .minutes(5)),
      thresholds: catalog.thresholds.defaults, percentiles: PercentileList(percentiles), doses: "test",
      threads: 2
    ) { _ in try schedule(infusion(totalMilligrams: 35, fromMinutes: 0, overMinutes: 40)) }
    return (simulation.layout, try PopulationOutput.bandRows(simulation))
  }

  /// The values of the bands CSV column `name`, found by its header.
  static func column(_ name: String, layout: PopulationLayout, rows: [[Double]]) throws -> [Double] {
    let index = try #require(BandTable(layout: layout).columns.firstIndex(of: name), "no column \(name)")
    return rows.map { $0[index] }
  }

  static func expectPoints(
    _ actual: [(x: Double, y: Double)], _ expected: [(x: Double, y: Double)], _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) points, expected \(expected.count)")
    for (index, (a, e)) in zip(actual, expected).enumerated() {
      #expect(
        abs(a.x - e.x) <= 0.001 && abs(a.y - e.y) <= 0.001, "\(what) point \(index): \(a) vs \(e)",
        sourceLocation: sourceLocation)
    }
  }

  @Test("each band is a polygon along the upper percentile and back along the lower, the median a line")
  func bandsFollowTheBandTable() throws {
    let (layout, rows) = try Self.population([5, 25, 50, 75, 95])
    let plot = BandPlot(BandPlotData(title: "clements250, 120 virtual patients", layout: layout, rows: rows))
    let tree = try SVGTree(plot.svg)
    let polygons = tree.elements("polygon", class: "band")
    #expect(polygons.count == 2)
    let times = rows.map { $0[0] }
    #expect(times.count == 25 && times.first == 0 && times.last == 120)
    func mapped(_ values: [Double]) -> [(x: Double, y: Double)] {
      zip(times, values).map { plot.point(timeMinutes: $0, concentration: $1) }
    }
    let p05 = try Self.column("cp_p05_ng_per_ml", layout: layout, rows: rows)
    let p25 = try Self.column("cp_p25_ng_per_ml", layout: layout, rows: rows)
    let p50 = try Self.column("cp_p50_ng_per_ml", layout: layout, rows: rows)
    let p75 = try Self.column("cp_p75_ng_per_ml", layout: layout, rows: rows)
    let p95 = try Self.column("cp_p95_ng_per_ml", layout: layout, rows: rows)
    #expect(zip(p05, p95).dropFirst().allSatisfy { $0 < $1 }, "a spread population")
    // Outermost (5th-95th) first, the lightest; then 25th-75th, darker.
    Self.expectPoints(SVGTree.points(polygons[0]), mapped(p95) + mapped(p05).reversed(), "5-95 band")
    Self.expectPoints(SVGTree.points(polygons[1]), mapped(p75) + mapped(p25).reversed(), "25-75 band")
    #expect(SVGTree.attribute(polygons[0], "fill") == "#d6e4f5")
    #expect(SVGTree.attribute(polygons[1], "fill") == "#a8c4e6")
    let median = tree.elements("polyline", class: "median")
    #expect(median.count == 1)
    Self.expectPoints(SVGTree.points(try #require(median.first)), mapped(p50), "median")
    // The axis reaches above the highest 95th percentile.
    let highest = try #require(p95.max())
    #expect(plot.scale.top >= highest)
    #expect(tree.texts.contains("5th–95th percentile") && tree.texts.contains("25th–75th percentile"))
    #expect(tree.texts.contains("median Cp"))
  }

  @Test("a metabolite's percentiles are dotted lines at the band table's nk values, named in the legend")
  func metabolitePercentilesFollowTheBandTable() throws {
    var request = ScenarioRequest()
    request.model = "perezruixo2021"
    request.drug = .esketamine
    request.doses = ["0.5 mg/kg over 40 min"]
    let scenario = try request.resolve()
    let simulation = try PopulationSimulation(
      design: PopulationDesign(
        model: scenario.subject.definition,
        variability: try BetweenSubjectVariability(published: scenario.subject.definition),
        covariates: .fixed(scenario.patient), seed: 5),
      totalSubjects: 80, grid: try TimeGrid(end: minutes(360), step: .minutes(15)),
      thresholds: scenario.subject.thresholds, percentiles: PercentileList([5, 50, 95]), doses: "test", threads: 2
    ) { _ in scenario.schedule }
    let (layout, rows) = (simulation.layout, try PopulationOutput.bandRows(simulation))
    let plot = BandPlot(BandPlotData(title: "perezruixo2021", layout: layout, rows: rows))
    let tree = try SVGTree(plot.svg)
    let lines = tree.elements("polyline", class: "other")
    #expect(lines.count == 3)
    let times = rows.map { $0[0] }
    for (line, label) in zip(lines, ["p05", "p50", "p95"]) {
      let values = try Self.column("nk_\(label)_ng_per_ml", layout: layout, rows: rows)
      #expect(values.contains { $0 > 10 }, "noresketamine forms")
      Self.expectPoints(
        SVGTree.points(line), zip(times, values).map { plot.point(timeMinutes: $0, concentration: $1) }, label)
    }
    #expect(SVGTree.attribute(lines[1], "stroke-width") == "2")
    #expect(tree.texts.contains("median nk") && tree.texts.contains("nk 5th–95th percentile"))
  }

  @Test("percentiles pair from the outside in; a lone one is a thin line; no 50th, no median")
  func pairing() throws {
    let times = [0.0, 10, 20]
    func plot(_ percents: [Double]) -> (bands: Int, lines: Int, medians: Int, svg: String) {
      let data = BandPlotData(
        title: "t", timesMinutes: times,
        percentiles: percents.map { p in (p, times.map { $0 * p / 10 }) }, thresholds: [])
      let svg = BandPlot(data).svg
      func count(_ cls: String) -> Int { svg.components(separatedBy: "class=\"\(cls)\"").count - 1 }
      return (count("band"), count("percentile"), count("median"), svg)
    }
    #expect(plot([5, 50, 95]).bands == 1 && plot([5, 50, 95]).medians == 1)
    #expect(plot([10, 90]).bands == 1 && plot([10, 90]).medians == 0)
    #expect(plot([50]).bands == 0 && plot([50]).medians == 1)
    let lone = plot([5, 20, 95])
    #expect(lone.bands == 1 && lone.lines == 1 && lone.svg.contains(">20th percentile<"))
    let five = plot([2.5, 10, 50, 90, 97.5])
    #expect(five.bands == 2 && five.svg.contains("2.5th–97.5th percentile") && five.svg.contains("10th–90th"))
    #expect(BandPlot.ordinal(1) == "1st" && BandPlot.ordinal(22) == "22nd" && BandPlot.ordinal(93) == "93rd")
    #expect(BandPlot.ordinal(11) == "11th" && BandPlot.ordinal(12) == "12th" && BandPlot.ordinal(13) == "13th")
  }

  @Test("the typical patient's rate is a step line at its mapped rates, labelled at each change")
  func ratePanel() throws {
    let (layout, rows) = try Self.population([5, 50, 95])
    var data = BandPlotData(title: "rates", layout: layout, rows: rows)
    let typical = try schedule(
      infusion(totalMilligrams: 35, fromMinutes: 0, overMinutes: 40), infusion(0.25, fromMinutes: 60, forMinutes: 30))
    data.rates = typical.rateSteps(through: minutes(120))
    #expect(data.rates.map(\.startMinutes) == [0, 40, 60, 90])
    #expect(data.rates.map(\.milligramsPerHour) == [52.5, 0, 15, 0])
    let plot = BandPlot(data)
    let tree = try SVGTree(plot.svg)
    let line = try #require(tree.elements("polyline", class: "rate").first)
    let steps: [(Double, Double, Double)] = [(0, 40, 52.5), (40, 60, 0), (60, 90, 15), (90, 120, 0)]
    let expected = steps.flatMap { from, to, rate in
      [
        plot.ratePoint(timeMinutes: from, milligramsPerHour: rate),
        plot.ratePoint(timeMinutes: to, milligramsPerHour: rate),
      ]
    }
    Self.expectPoints(SVGTree.points(line), expected, "rate")
    // 0 mg/h at the panel's bottom, the top of the axis (100 mg/h) above 52.5.
    #expect(
      plot.ratePoint(timeMinutes: 0, milligramsPerHour: 0).y > plot.ratePoint(timeMinutes: 0, milligramsPerHour: 52.5).y
    )
    #expect(tree.texts.contains("52.5 mg/h") && tree.texts.contains("15 mg/h") && tree.texts.contains("100"))
    #expect(tree.texts.contains("rate, typical patient"))
    #expect(tree.elements("line", class: "bolus").isEmpty && !tree.texts.contains("bolus"))
    var withBoluses = data
    withBoluses.boluses = try schedule(bolus(20, atMinutes: 0), bolus(10, atMinutes: 30)).bolusMinutes(
      through: minutes(120))
    #expect(withBoluses.boluses == [0, 30])
    let ticks = try SVGTree(BandPlot(withBoluses).svg).elements("line", class: "bolus")
    #expect(
      ticks.compactMap { SVGTree.number($0, "x1") }
        == [0.0, 30].map { coordinate(plot.point(timeMinutes: $0, concentration: 0).x) }.compactMap(Double.init))
    // The rate panel lies under the concentration panel, above the time axis labels.
    let panel = try #require(plot.frame.ratePanel)
    #expect(panel.top > plot.frame.plotBottom && panel.bottom == plot.frame.timeAxisY)
  }

  @Test("x-range keeps only the times inside it; a logarithmic axis maps decades to equal heights")
  func timeRangeAndLogarithmicAxis() throws {
    let (layout, rows) = try Self.population([5, 50, 95])
    var data = BandPlotData(title: "range", layout: layout, rows: rows)
    data.timeRange = 30...90
    data.logarithmic = true
    let plot = BandPlot(data)
    let tree = try SVGTree(plot.svg)
    let median = SVGTree.points(try #require(tree.elements("polyline", class: "median").first))
    #expect(median.count == 13, "30, 35, ..., 90 min")
    #expect(abs((median.first?.x ?? 0) - plot.frame.plotLeft) < 0.001)
    #expect(abs((median.last?.x ?? 0) - plot.frame.plotRight) < 0.001)
    let decade = plot.point(timeMinutes: 30, concentration: 10).y - plot.point(timeMinutes: 30, concentration: 100).y
    let next = plot.point(timeMinutes: 30, concentration: 100).y - plot.point(timeMinutes: 30, concentration: 1000).y
    #expect(decade > 0 && abs(decade - next) < 1e-9)
    #expect(plot.scale.logarithmic && tree.texts.contains("100"))
  }

  @Test("title wraps, warnings and footer end the picture, and it grows rather than overlap")
  func titleWarningsAndFooter() throws {
    let (layout, rows) = try Self.population([5, 50, 95])
    var data = BandPlotData(
      title: String(repeating: "a long title word ", count: 12) + "& <end>", layout: layout, rows: rows)
    data.warnings = (1...10).map { "typical patient: warning number \($0) about the dose" }
    data.footer = "clements250 · 120 subjects, seed 5 · 2026-01-01"
    let plot = BandPlot(data, width: 900, height: 400)
    let svg = plot.svg
    let tree = try SVGTree(svg)
    #expect(tree.elements("text", class: "title").count >= 2)
    #expect(svg.contains("&amp; &lt;end&gt;"))
    let warnings = tree.elements("text", class: "warning").map { $0.stringValue ?? "" }
    #expect(warnings.count == PlotFrame.maximumWarningLines)
    #expect(warnings.last == "… and 5 more warnings (see stderr)")
    let footer = tree.elements("text", class: "footer").map { $0.stringValue ?? "" }.joined(separator: " ")
    #expect(
      footer == "clements250 · 120 subjects, seed 5 · 2026-01-01 · population-model estimate, not a medical device")
    #expect(plot.height > 400, "the picture grew to keep the panel readable")
    #expect(plot.frame.plotBottom - plot.frame.plotTop >= PlotFrame.smallestPanel - 1e-9)
    let lastWarning = try #require(tree.elements("text", class: "warning").last.flatMap { SVGTree.number($0, "y") })
    let firstFooter = try #require(tree.elements("text", class: "footer").first.flatMap { SVGTree.number($0, "y") })
    #expect(lastWarning < firstFooter - 11)
    #expect(svg == BandPlot(data, width: 900, height: 400).svg, "deterministic")
  }

  @Test("a long footer wraps between its parts and never splits the disclaimer")
  func footerWrapsBetweenParts() {
    let footer = "Herd & Anderson 2007 (children, procedural sedation) · 300 subjects, seed 1 · 2026-12-04"
    let lines = PlotFrame.footerLines(footer, width: 600)
    #expect(
      lines == [
        "Herd & Anderson 2007 (children, procedural sedation) · 300 subjects, seed 1 ·",
        "2026-12-04 · " + PlotFrame.disclaimer,
      ])
    #expect(lines.allSatisfy { estimatedWidth($0, fontSize: 11) <= 600 })
    #expect(PlotFrame.footerLines(nil, width: 900) == [PlotFrame.disclaimer])
    #expect(PlotFrame.footerLines("70 kg · model", width: 900) == ["70 kg · model · " + PlotFrame.disclaimer])
  }
}

import Foundation
import Testing

@testable import KetasimCore

#if canImport(FoundationXML)
import FoundationXML
#endif

// The overlay picture of `ketasim compare`: one rate step line per run in
// the run's colour, the time range, the logarithmic axis, the warnings and
// the footer.

@Suite("Overlay picture")
struct OverlayPlotTests {
  /// Two arms of Clements 250 at 70 kg on a 4-h grid at 1-min steps: 0.5 mg/kg over 40 min, and a
  /// 0.2 mg/kg bolus with 0.15 mg/kg/h from 10 to 130 min.
  static func table() throws -> (table: ComparisonTable, times: [ClockTime]) {
    let catalog = try ModelCatalog.builtIn()
    let model = try catalog.model(id: "clements250")
    let patient = try Patient(weightKilograms: 70)
    let thresholds = catalog.thresholds.defaults
    func arm(_ label: String, _ doses: [Dose]) throws -> ComparisonTable.Arm {
      ComparisonTable.Arm(
        regimen: label, model: model, patient: patient,
        simulation: Simulation(
          disposition: Disposition(try model.parameters(for: patient)), schedule: try schedule(doses)),
        thresholds: thresholds, ke0Source: "none", syringe: nil)
    }
    let grid = try TimeGrid(end: minutes(240), step: .minutes(1))
    let arms = [
      try arm("slow", [infusion(totalMilligrams: 35, fromMinutes: 0, overMinutes: 40)]),
      try arm("drip", [bolus(14, atMinutes: 0), infusion(10.5 / 60, fromMinutes: 10, forMinutes: 120)]),
    ]
    return (ComparisonTable(arms: arms, end: grid.end), grid.times)
  }

  @Test("one rate polyline per run, in its colour, at the mapped rates of its schedule")
  func oneRateLinePerRun() throws {
    let (table, times) = try Self.table()
    let data = table.plotData(at: times, title: "2 runs, 70 kg")
    #expect(data.series.map(\.rates.count) == [2, 3])
    let plot = OverlayPlot(data)
    let tree = try SVGTree(plot.svg)
    let lines = tree.elements("polyline", class: "rate")
    #expect(lines.count == 2)
    let expected: [[(Double, Double, Double)]] = [
      [(0, 40, 52.5), (40, 240, 0)],
      [(0, 10, 0), (10, 130, 10.5), (130, 240, 0)],
    ]
    for (index, (line, steps)) in zip(lines, expected).enumerated() {
      let points = SVGTree.points(line)
      let wanted = steps.flatMap { from, to, rate in
        [
          plot.ratePoint(timeMinutes: from, milligramsPerHour: rate),
          plot.ratePoint(timeMinutes: to, milligramsPerHour: rate),
        ]
      }
      #expect(points.count == wanted.count, "run \(index)")
      for (a, e) in zip(points, wanted) {
        #expect(abs(a.x - e.x) <= 0.001 && abs(a.y - e.y) <= 0.001, "run \(index): \(a) vs \(e)")
      }
      #expect(SVGTree.attribute(line, "stroke") == OverlayPlot.style(index).colour)
      let curve = tree.elements("polyline", class: "cp")[index]
      #expect(SVGTree.attribute(curve, "stroke") == SVGTree.attribute(line, "stroke"), "same colour as its Cp")
    }
    // The rate axis: 0 at the bottom of the panel, 100 mg/h (the 1-2-5 step above 52.5) near its top.
    let panel = try #require(plot.frame.ratePanel)
    #expect(plot.ratePoint(timeMinutes: 0, milligramsPerHour: 0).y == panel.bottom)
    #expect(abs(plot.ratePoint(timeMinutes: 0, milligramsPerHour: 100).y - (panel.top + 8)) < 1e-9)
    #expect(panel.top > plot.frame.plotBottom, "the rate panel is under the concentrations")
  }

  @Test("runs with the same rates are dashed in turns so that none hides another")
  func identicalRatesTakeTurns() throws {
    let (table, times) = try Self.table()
    var data = table.plotData(at: times, title: "same")
    data.series += data.series.map { series in
      var copy = series
      copy.label += " again"
      return copy
    }
    let lines = try SVGTree(OverlayPlot(data).svg).elements("polyline", class: "rate")
    #expect(lines.count == 4)
    #expect(lines.map { SVGTree.attribute($0, "stroke-dasharray") } == [nil, nil, "8 8", "8 8"])
    #expect(lines.map { SVGTree.attribute($0, "stroke-dashoffset") } == [nil, nil, "-8", "-8"])
    #expect(SVGTree.points(lines[2]).map(\.y) == SVGTree.points(lines[0]).map(\.y), "the same line, dashed")
  }

  @Test("x-range and a logarithmic axis: only times inside, decades at equal heights")
  func timeRangeAndLogarithmicAxis() throws {
    let (table, times) = try Self.table()
    var data = table.plotData(at: times, title: "range")
    data.timeRange = 30...90
    data.logarithmic = true
    let plot = OverlayPlot(data)
    let tree = try SVGTree(plot.svg)
    for curve in tree.elements("polyline", class: "cp") {
      let points = SVGTree.points(curve)
      #expect(points.count == 61)
      #expect(abs((points.first?.x ?? 0) - plot.frame.plotLeft) < 0.001)
      #expect(points.allSatisfy { $0.y <= plot.frame.plotBottom + 0.001 && $0.y >= plot.frame.plotTop - 0.001 })
    }
    let slow = data.series[0].plasma[60]
    let point = SVGTree.points(tree.elements("polyline", class: "cp")[0])[30]
    #expect(abs(point.y - plot.point(timeMinutes: 60, concentration: slow).y) < 0.001)
    let a = plot.point(timeMinutes: 30, concentration: 10).y - plot.point(timeMinutes: 30, concentration: 100).y
    let b = plot.point(timeMinutes: 30, concentration: 100).y - plot.point(timeMinutes: 30, concentration: 1000).y
    #expect(a > 0 && abs(a - b) < 1e-9)
    // The rate lines start at the range's start: the slow run at 52.5 mg/h until 40 min.
    let rate = SVGTree.points(tree.elements("polyline", class: "rate")[0])
    #expect(abs(rate[0].x - plot.frame.plotLeft) < 0.001)
    #expect(abs(rate[1].x - plot.ratePoint(timeMinutes: 40, milligramsPerHour: 0).x) < 0.001)
  }

  @Test("the title wraps, warnings follow the time axis, the footer ends with the disclaimer")
  func titleWarningsFooter() throws {
    let (table, times) = try Self.table()
    var data = table.plotData(at: times, title: String(repeating: "regimen-name, ", count: 12) + "last")
    data.warnings = ["slow / clements250: first warning", "drip / clements250: second warning"]
    data.footer = "70 kg · Clements · 2026-01-01"
    let svg = OverlayPlot(data).svg
    let tree = try SVGTree(svg)
    #expect(tree.elements("text", class: "title").count >= 2)
    #expect(
      tree.elements("text", class: "warning").map { $0.stringValue ?? "" } == [
        "warning: slow / clements250: first warning", "warning: drip / clements250: second warning",
      ])
    #expect(
      tree.elements("text", class: "footer").map { $0.stringValue ?? "" } == [
        "70 kg · Clements · 2026-01-01 · population-model estimate, not a medical device"
      ])
    // Without rates there is no rate panel.
    var bare = data
    for index in bare.series.indices { bare.series[index].rates = [] }
    #expect(!OverlayPlot(bare).svg.contains("class=\"rate\""))
    #expect(OverlayPlot(bare).frame.ratePanel == nil)
  }
}

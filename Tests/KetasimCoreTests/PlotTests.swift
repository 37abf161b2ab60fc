import Foundation
import Testing

@testable import KetasimCore

#if canImport(FoundationXML)
import FoundationXML
#endif

// The SVG concentration plot and the terminal chart: structure, the exact
// data-to-pixel map of the curves, axes and units, reference levels,
// infusion shading, escaping and determinism.

// MARK: - Fixtures

/// Test data: the two-compartment closed form of Clements 250 at 70 kg
/// (V1 1.7522 L/kg, k10 0.0109, k12 0.0186, k21 0.0137 /min), written out
/// independently of the engine, with an optional first-order effect site.
enum PlotFixtures {
  static let thresholds: [(name: String, nanogramsPerMilliliter: Double)] = [
    ("analgesia", 100), ("dissociation", 150), ("anesthesia", 1000), ("awakening", 640),
  ]

  /// Cp in ng/mL at `t` minutes for constant-rate infusions `(start, end, mg/min)`.
  static func plasma(
    atMinutes t: Double, infusions: [(Double, Double, Double)], bolusesMilligrams: [(Double, Double)] = []
  )
    -> Double
  {
    let v1 = 1.7522 * 70.0
    let (k10, k12, k21) = (0.0109, 0.0186, 0.0137)
    let sum = k10 + k12 + k21
    let root = (sum * sum - 4 * k10 * k21).squareRoot()
    let lambdas = [(sum + root) / 2, (sum - root) / 2]
    // Unit-bolus response of the central compartment: Σ c_i e^(−λ_i t) / V1.
    let coefficients = [(k21 - lambdas[0]) / (lambdas[1] - lambdas[0]), (k21 - lambdas[1]) / (lambdas[0] - lambdas[1])]
    var milligramsPerLiter = 0.0
    for (start, end, rate) in infusions where t > start {
      let on = min(t, end) - start
      let off = max(0, t - end)
      for i in 0..<2 {
        milligramsPerLiter +=
          rate / v1 * coefficients[i] / lambdas[i] * (1 - exp(-lambdas[i] * on)) * exp(-lambdas[i] * off)
      }
    }
    for (time, amount) in bolusesMilligrams where t >= time {
      for i in 0..<2 { milligramsPerLiter += amount / v1 * coefficients[i] * exp(-lambdas[i] * (t - time)) }
    }
    return milligramsPerLiter * 1000
  }

  /// The default run: 0.5 mg/kg over 40 min at 70 kg, 4 h at 1-min steps.
  static func defaultRun(effectSite ke0: Double? = nil, title: String? = nil) -> PlotData {
    run(
      title: title ?? "clements250, 70 kg: 0.5 mg/kg over 40 min", minutes: 240, step: 1,
      infusions: [(0, 40, 35.0 / 40)], boluses: [], ke0: ke0)
  }

  /// A run of `minutes` at `step`-minute spacing; Ce from `ke0` (per minute) by fine Euler steps.
  static func run(
    title: String, minutes: Double, step: Double, infusions: [(Double, Double, Double)],
    boluses: [(Double, Double)], ke0: Double?
  ) -> PlotData {
    let count = Int((minutes / step).rounded())
    let times = (0...count).map { Double($0) * step }
    let cp = times.map { plasma(atMinutes: $0, infusions: infusions, bolusesMilligrams: boluses) }
    var ce: [Double]?
    if let ke0 {
      var value = 0.0
      var values = [0.0]
      for index in 1..<times.count {
        let substeps = 20
        let h = step / Double(substeps)
        for k in 0..<substeps {
          let t = times[index - 1] + Double(k) * h
          value += h * ke0 * (plasma(atMinutes: t, infusions: infusions, bolusesMilligrams: boluses) - value)
        }
        values.append(value)
      }
      ce = values
    }
    return PlotData(
      title: title, timesMinutes: times, plasma: cp, effectSite: ce, thresholds: thresholds,
      infusions: infusions.map { ($0.0, $0.1) }, boluses: boluses.map(\.0))
  }
}

/// The elements of a parsed SVG, found by walking the tree (XPath would need the SVG namespace).
struct SVGTree {
  let root: XMLElement

  init(_ svg: String) throws {
    let document = try XMLDocument(xmlString: svg, options: [])
    guard let root = document.rootElement() else { throw TreeError.noRoot }
    self.root = root
  }

  enum TreeError: Error { case noRoot }

  /// Elements with the local name `name` (and the class `cls` when given), in document order.
  func elements(_ name: String, class cls: String? = nil) -> [XMLElement] {
    var found: [XMLElement] = []
    func visit(_ element: XMLElement) {
      if (element.localName ?? element.name) == name,
        cls == nil || SVGTree.attribute(element, "class") == cls
      {
        found.append(element)
      }
      for child in element.children ?? [] {
        if let child = child as? XMLElement { visit(child) }
      }
    }
    visit(root)
    return found
  }

  /// Every text element's content.
  var texts: [String] { elements("text").map { $0.stringValue ?? "" } }

  /// An attribute's value (looked up by hand: `attribute(forName:)` finds nothing under a default
  /// namespace in swift-corelibs-foundation).
  static func attribute(_ element: XMLElement, _ name: String) -> String? {
    element.attributes?.first { $0.name == name }?.stringValue
  }

  static func number(_ element: XMLElement, _ attribute: String) -> Double? {
    SVGTree.attribute(element, attribute).flatMap(Double.init)
  }

  /// The points of a polyline as (x, y) pairs.
  static func points(_ polyline: XMLElement) -> [(x: Double, y: Double)] {
    let text = SVGTree.attribute(polyline, "points") ?? ""
    return text.split(separator: " ").compactMap { pair in
      let parts = pair.split(separator: ",")
      guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]) else { return nil }
      return (x, y)
    }
  }
}

// MARK: - SVG

@Suite("SVG concentration plot")
struct PlotTests {

  @Test("the SVG is well-formed XML with an svg root of the requested size")
  func wellFormed() throws {
    let plot = ConcentrationPlot(PlotFixtures.defaultRun(), width: 900, height: 500)
    let tree = try SVGTree(plot.svg)
    #expect(tree.root.localName == "svg")
    #expect(tree.root.uri == "http://www.w3.org/2000/svg")
    #expect(SVGTree.number(tree.root, "width") == 900)
    #expect(SVGTree.number(tree.root, "height") == 500)
    #expect(plot.svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
    #expect(plot.svg.hasSuffix("</svg>\n"))
  }

  @Test("title, axis labels with units, legend and footer are present")
  func labels() throws {
    let data = PlotFixtures.run(
      title: "domino1984, 70 kg: 1 mg/kg", minutes: 120, step: 1, infusions: [(30, 60, 1)], boluses: [(0, 70)],
      ke0: 0.238)
    let texts = try SVGTree(ConcentrationPlot(data).svg).texts
    for expected in [
      "domino1984, 70 kg: 1 mg/kg", "time (min)", "concentration (ng/mL)", "plasma (Cp)", "effect site (Ce)",
      "infusion", "bolus", "reference level", "population-model estimate, not a medical device",
    ] {
      #expect(texts.contains(expected), "missing text \(expected)")
    }
  }

  @Test("legend entries appear only for what is drawn")
  func legendFollowsData() throws {
    var data = PlotFixtures.defaultRun()
    data.infusions = []
    data.thresholds = []
    let texts = try SVGTree(ConcentrationPlot(data).svg).texts
    #expect(texts.contains("plasma (Cp)"))
    for absent in ["effect site (Ce)", "infusion", "bolus", "reference level"] {
      #expect(!texts.contains(absent), "unexpected legend entry \(absent)")
    }
  }

  @Test("every point of the Cp polyline is the mapped (t, Cp) sample, within 0.01 px")
  func plasmaCurveFollowsData() throws {
    let data = PlotFixtures.defaultRun()
    let plot = ConcentrationPlot(data)
    let polylines = try SVGTree(plot.svg).elements("polyline", class: "cp")
    try #require(polylines.count == 1)
    let points = SVGTree.points(polylines[0])
    try #require(points.count == data.timesMinutes.count)
    var worst = 0.0
    for (index, point) in points.enumerated() {
      let expected = plot.point(timeMinutes: data.timesMinutes[index], concentration: data.plasma[index])
      worst = max(worst, abs(point.x - expected.x), abs(point.y - expected.y))
    }
    #expect(worst <= 0.01, "largest deviation \(worst) px")
    #expect(points[0].y > points[40].y, "the curve rises during the infusion (y grows downwards)")
  }

  @Test("the map is linear: first time at the left edge, last at the right, 0 ng/mL at the bottom")
  func linearMap() throws {
    let data = PlotFixtures.defaultRun()
    let plot = ConcentrationPlot(data, width: 900, height: 500)
    let origin = plot.point(timeMinutes: 0, concentration: 0)
    let end = plot.point(timeMinutes: 240, concentration: 0)
    let mid = plot.point(timeMinutes: 120, concentration: 100)
    let top = plot.point(timeMinutes: 120, concentration: 200)
    #expect(origin.x == plot.plotLeft && origin.y == plot.plotBottom)
    #expect(end.x == plot.plotRight && end.y == plot.plotBottom)
    #expect(abs(mid.x - (origin.x + end.x) / 2) < 1e-9)
    #expect(abs((origin.y - top.y) - 2 * (origin.y - mid.y)) < 1e-9)
    // The axis (0 to a rounded 200 ng/mL for a 177 ng/mL peak) ends at the top of the plot area.
    #expect(abs(top.y - plot.plotTop) < 1e-9)
  }

  @Test("the Ce polyline is present and dashed only when there is an effect site")
  func effectSiteCurve() throws {
    let without = try SVGTree(ConcentrationPlot(PlotFixtures.defaultRun()).svg)
    #expect(without.elements("polyline", class: "ce").isEmpty)
    #expect(without.elements("polyline").count == 1)

    let data = PlotFixtures.defaultRun(effectSite: 0.238)
    let plot = ConcentrationPlot(data)
    let with = try SVGTree(plot.svg)
    let ce = with.elements("polyline", class: "ce")
    try #require(ce.count == 1)
    #expect(SVGTree.attribute(ce[0], "stroke-dasharray") != nil)
    #expect(SVGTree.attribute(with.elements("polyline", class: "cp")[0], "stroke-dasharray") == nil)
    #expect(SVGTree.attribute(ce[0], "stroke") != nil)
    #expect(
      SVGTree.attribute(ce[0], "stroke") != SVGTree.attribute(with.elements("polyline", class: "cp")[0], "stroke"))
    let points = SVGTree.points(ce[0])
    let effect = try #require(data.effectSite)
    try #require(points.count == effect.count)
    for (index, point) in points.enumerated() {
      let expected = plot.point(timeMinutes: data.timesMinutes[index], concentration: effect[index])
      #expect(abs(point.x - expected.x) <= 0.01 && abs(point.y - expected.y) <= 0.01, "Ce point \(index)")
    }
  }

  @Test("infusions are shaded rectangles spanning the mapped infusion times over the plot height")
  func infusionShading() throws {
    let data = PlotFixtures.run(
      title: "two infusions", minutes: 300, step: 1, infusions: [(10, 50, 0.9), (120, 135.5, 2)], boluses: [],
      ke0: nil)
    let plot = ConcentrationPlot(data)
    let rects = try SVGTree(plot.svg).elements("rect", class: "infusion")
    try #require(rects.count == 2)
    for (rect, infusion) in zip(rects, data.infusions) {
      let x = try #require(SVGTree.number(rect, "x"))
      let width = try #require(SVGTree.number(rect, "width"))
      let y = try #require(SVGTree.number(rect, "y"))
      let height = try #require(SVGTree.number(rect, "height"))
      #expect(abs(x - plot.point(timeMinutes: infusion.startMinutes, concentration: 0).x) <= 0.01)
      #expect(abs(x + width - plot.point(timeMinutes: infusion.endMinutes, concentration: 0).x) <= 0.01)
      #expect(abs(y - plot.plotTop) <= 0.01 && abs(y + height - plot.plotBottom) <= 0.01)
      #expect(SVGTree.attribute(rect, "fill") == "#dfe9f5")
    }
  }

  @Test("bolus ticks stand at the mapped bolus times")
  func bolusTicks() throws {
    let data = PlotFixtures.run(
      title: "boluses", minutes: 60, step: 0.5, infusions: [], boluses: [(0, 35), (22.5, 10)], ke0: nil)
    let plot = ConcentrationPlot(data)
    let ticks = try SVGTree(plot.svg).elements("line", class: "bolus")
    try #require(ticks.count == 2)
    for (tick, time) in zip(ticks, data.boluses) {
      let x = try #require(SVGTree.number(tick, "x1"))
      #expect(abs(x - plot.point(timeMinutes: time, concentration: 0).x) <= 0.01)
    }
  }

  @Test("each reference level within the axis is a line at its mapped height with its name and value")
  func thresholdLines() throws {
    let data = PlotFixtures.defaultRun()
    let plot = ConcentrationPlot(data)
    let tree = try SVGTree(plot.svg)
    let lines = tree.elements("line", class: "threshold")
    let labels = tree.elements("text", class: "threshold-label").map { $0.stringValue ?? "" }
    // Peak 177 ng/mL: analgesia and dissociation are drawn, 640 and 1000 are far above.
    #expect(labels == ["dissociation 150 ng/mL", "analgesia 100 ng/mL"], "from the top down")
    try #require(lines.count == 2)
    for (line, level) in zip(lines, [100.0, 150]) {
      let y = try #require(SVGTree.number(line, "y1"))
      #expect(abs(y - plot.point(timeMinutes: 0, concentration: level).y) <= 0.01)
      #expect(SVGTree.number(line, "y2") == y)
    }
    let note = tree.elements("text", class: "note").map { $0.stringValue ?? "" }
    #expect(note == ["above the axis, not drawn: anesthesia 1000 ng/mL, awakening 640 ng/mL"])
  }

  @Test("reference levels up to twice the peak extend the axis; higher ones do not squash the curve")
  func thresholdsAndAxisRange() throws {
    var data = PlotFixtures.defaultRun()
    let peak = data.plasma.max()!
    try #require(peak > 175 && peak < 180)
    data.thresholds = [("low", 50), ("near", 320), ("far", 450)]
    let plot = ConcentrationPlot(data)
    #expect(plot.scale.top >= 320 && plot.scale.top < 450)
    let labels = try SVGTree(plot.svg).elements("text", class: "threshold-label").map { $0.stringValue ?? "" }
    #expect(labels == ["near 320 ng/mL", "low 50 ng/mL"])

    data.thresholds = [("far", 10 * peak)]
    let squashed = ConcentrationPlot(data)
    #expect(squashed.scale.top < 1.5 * peak, "a level at 10x the peak must not set the axis")
    #expect(squashed.scale.top >= 1.05 * peak * (1 - 1e-12))
  }

  @Test("reference-level labels cross neither the curves nor each other; close levels share a label")
  func thresholdLabelPlacement() throws {
    // A high peak squeezes 100 and 150 ng/mL into a few px, and the late curve runs between them.
    let crowded = PlotFixtures.run(
      title: "crowded", minutes: 240, step: 1, infusions: [(0, 10, 40)], boluses: [], ke0: 0.3)
    for data in [PlotFixtures.defaultRun(), crowded] {
      let plot = ConcentrationPlot(data)
      let tree = try SVGTree(plot.svg)
      let curves = tree.elements("polyline").map(SVGTree.points)
      var boxes: [ConcentrationPlot.Box] = []
      for text in tree.elements("text", class: "threshold-label") {
        let content = text.stringValue ?? ""
        let x = try #require(SVGTree.number(text, "x"))
        let baseline = try #require(SVGTree.number(text, "y"))
        let width = Double(content.count) * 11 * 0.55
        let left = SVGTree.attribute(text, "text-anchor") == "end" ? x - width : x
        let box = ConcentrationPlot.Box(minX: left, maxX: left + width, minY: baseline - 8, maxY: baseline + 2)
        for curve in curves {
          for index in curve.indices.dropFirst() {
            let crossed = box.isCrossed(
              from: (curve[index - 1].x, curve[index - 1].y), to: (curve[index].x, curve[index].y))
            #expect(!crossed, "label \(content) crosses a curve at point \(index)")
            if crossed { break }
          }
        }
        #expect(!boxes.contains { $0.overlaps(box) }, "label \(content) overlaps another")
        #expect(box.minX >= plot.plotLeft && box.maxX <= plot.plotRight, "label \(content) leaves the plot")
        boxes.append(box)
      }
      #expect(!boxes.isEmpty)
    }
    let labels = try SVGTree(ConcentrationPlot(crowded).svg).elements("text", class: "threshold-label")
      .map { $0.stringValue ?? "" }
    #expect(labels.contains("dissociation 150, analgesia 100 ng/mL"), "\(labels)")
  }

  @Test("concentration ticks are 1-2-5 steps from 0 to the top, labelled without spurious decimals")
  func niceTicks() throws {
    for peakScale in [0.0007, 0.03, 1.0, 4.4, 13.0, 290] {
      var data = PlotFixtures.defaultRun()
      data.plasma = data.plasma.map { $0 * peakScale }
      data.thresholds = []
      let scale = ConcentrationPlot(data).scale
      let mantissa = scale.step / pow(10, log10(scale.step).rounded(.down))
      #expect([1.0, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "step \(scale.step)")
      let ticks = scale.concentrationTicks
      #expect(ticks.first == 0 && abs(ticks.last! - scale.top) < 1e-9 * scale.top)
      #expect((4...8).contains(ticks.count - 1), "\(ticks.count - 1) intervals for top \(scale.top)")
      let peak = data.plasma.max()!
      #expect(scale.top >= 1.05 * peak * (1 - 1e-12) && scale.top <= 1.5 * peak, "top \(scale.top), peak \(peak)")
    }
    var data = PlotFixtures.defaultRun()
    data.thresholds = []
    let texts = try SVGTree(ConcentrationPlot(data).svg).texts
    for label in ["0", "50", "100", "150", "200"] { #expect(texts.contains(label), "tick \(label)") }
    #expect(!texts.contains("50.0"))
  }

  @Test("runs longer than 6 h use an hours axis; shorter ones minutes")
  func hoursAxis() throws {
    let day = PlotFixtures.run(
      title: "24 h", minutes: 24 * 60, step: 10, infusions: [(0, 24 * 60, 0.2)], boluses: [], ke0: nil)
    let plot = ConcentrationPlot(day)
    let texts = try SVGTree(plot.svg).texts
    #expect(texts.contains("time (h)"))
    #expect(!texts.contains("time (min)"))
    for label in ["0", "6", "12", "18", "24"] { #expect(texts.contains(label), "hour tick \(label)") }
    #expect(!texts.contains("1440"))
    // A tick labelled 12 (h) stands at 720 min.
    let tree = try SVGTree(plot.svg)
    let twelve = tree.elements("text").first {
      $0.stringValue == "12"
        && SVGTree.attribute($0, "text-anchor") == "middle"
    }
    let x = try #require(twelve.flatMap { SVGTree.number($0, "x") })
    #expect(abs(x - plot.point(timeMinutes: 720, concentration: 0).x) <= 0.01)

    let sixHours = PlotFixtures.run(title: "6 h", minutes: 360, step: 1, infusions: [], boluses: [(0, 35)], ke0: nil)
    #expect(try SVGTree(ConcentrationPlot(sixHours).svg).texts.contains("time (min)"))
  }

  @Test("XML special characters in the title and names are escaped")
  func escaping() throws {
    var data = PlotFixtures.defaultRun(title: "a <b> & \"c\" 'd' > e")
    data.thresholds = [("x<y&z", 120)]
    let plot = ConcentrationPlot(data)
    #expect(plot.svg.contains("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &gt; e"))
    #expect(!plot.svg.contains("<b>"))
    let tree = try SVGTree(plot.svg)
    #expect(tree.elements("text", class: "title").first?.stringValue == "a <b> & \"c\" 'd' > e")
    #expect(tree.elements("title").first?.stringValue == "a <b> & \"c\" 'd' > e")
    #expect(tree.texts.contains("x<y&z 120 ng/mL"))
  }

  @Test("the same input gives the same bytes")
  func deterministic() {
    let first = ConcentrationPlot(PlotFixtures.defaultRun(effectSite: 0.3)).svg
    let second = ConcentrationPlot(PlotFixtures.defaultRun(effectSite: 0.3)).svg
    #expect(first == second)
    #expect(first != ConcentrationPlot(PlotFixtures.defaultRun(effectSite: 0.31)).svg)
  }

  @Test("empty and flat data still give a well-formed picture")
  func degenerateData() throws {
    let empty = PlotData(
      title: "empty", timesMinutes: [], plasma: [], effectSite: nil, thresholds: [], infusions: [], boluses: [])
    #expect(try SVGTree(ConcentrationPlot(empty).svg).elements("polyline").count == 1)
    let flat = PlotData(
      title: "zero", timesMinutes: [0, 1, 2], plasma: [0, 0, 0], effectSite: [0, 0, .nan],
      thresholds: [("analgesia", 100)], infusions: [], boluses: [])
    let plot = ConcentrationPlot(flat)
    let tree = try SVGTree(plot.svg)
    #expect(SVGTree.points(tree.elements("polyline", class: "ce")[0]).count == 2)
    #expect(!plot.svg.contains("nan") && !plot.svg.contains("inf"))
  }
}

// MARK: - Terminal chart

extension PlotTests {
  @Suite("Terminal chart")
  struct TerminalChartTests {

    @Test("the chart has the documented lines, none wider than the width")
    func dimensions() throws {
      for (width, height) in [(72, 14), (50, 8), (120, 24)] {
        let chart = TerminalChart(PlotFixtures.defaultRun(), width: width, height: height)
        let lines = chart.text.split(separator: "\n", omittingEmptySubsequences: false)
        // title, unit, rows, axis, time labels, legend, note (640 and 1000 are above the axis)
        #expect(lines.count == height + 6, "\(width)x\(height)")
        #expect(lines.allSatisfy { $0.count <= width }, "\(width)x\(height)")
        let rows = lines[2..<(2 + height)]
        let bar = rows.first!.firstIndex(of: "|").map { rows.first!.distance(from: rows.first!.startIndex, to: $0) }
        #expect(bar != nil)
        for row in rows {
          let index = row.firstIndex(of: "|").map { row.distance(from: row.startIndex, to: $0) }
          #expect(index == bar, "the y axis is one straight column")
        }
        let axis = lines[2 + height]
        #expect(axis.trimmingCharacters(in: .whitespaces).hasPrefix("+"))
        #expect(!chart.text.contains("\u{1B}"), "no terminal escapes")
      }
    }

    @Test("Cp is drawn with *, Ce with o only when present; reference rows with - and labels")
    func glyphsAndLabels() throws {
      let without = TerminalChart(PlotFixtures.defaultRun()).text
      let with = TerminalChart(PlotFixtures.defaultRun(effectSite: 0.05)).text
      let rows = { (text: String) in text.split(separator: "\n").dropFirst(2).prefix(14) }
      #expect(rows(without).contains { $0.contains("*") })
      #expect(!rows(without).contains { $0.contains("o ") || $0.hasSuffix("o") || $0.contains("o-") })
      #expect(rows(with).contains { $0.contains("o") && !$0.contains("dissociation") && !$0.contains("analgesia") })
      #expect(with.contains("o Ce effect site"))
      #expect(!without.contains("effect site"))
      let dissociation = try #require(rows(without).first { $0.hasSuffix("dissociation 150") })
      #expect(dissociation.contains("---"))
      #expect(rows(without).contains { $0.hasSuffix("analgesia 100") })
      #expect(without.contains("above the axis: anesthesia 1000, awakening 640 ng/mL"))
    }

    @Test("axis labels: ng/mL on the left, time in min or h, the legend")
    func axisLabels() throws {
      let text = TerminalChart(PlotFixtures.defaultRun()).text
      let lines = text.split(separator: "\n").map(String.init)
      try #require(lines.count == 20, "\n\(text)")
      #expect(lines[0] == "clements250, 70 kg: 0.5 mg/kg over 40 min")
      #expect(lines[1] == "ng/mL")
      #expect(lines[2].hasPrefix("200 |"))
      #expect(lines[15].hasPrefix("  0 |"))
      #expect(lines[17].hasPrefix("     0 ") && lines[17].hasSuffix("240 min"), "\n\(text)")
      #expect(lines[16].hasPrefix("    +====="), "the infusion is marked on the time axis")
      #expect(lines[18] == "* Cp plasma  = infusion  - reference level")
      let day = PlotFixtures.run(
        title: "24 h", minutes: 1440, step: 10, infusions: [(0, 1440, 0.2)], boluses: [(60, 10)], ke0: nil)
      let dayText = TerminalChart(day).text
      let dayLines = dayText.split(separator: "\n").map(String.init)
      let labels = try #require(dayLines.last { $0.hasSuffix(" h") }, "\n\(dayText)")
      #expect(labels.contains("12") && labels.hasSuffix("24 h"), "\n\(dayText)")
      #expect(dayLines.contains { $0.contains("^") && $0.contains("+") }, "bolus mark on the axis")
    }

    @Test("the chart is deterministic and its peak is on the top rows")
    func peakPlacement() {
      let data = PlotFixtures.defaultRun()
      let text = TerminalChart(data).text
      #expect(text == TerminalChart(data).text)
      let rows = text.split(separator: "\n").dropFirst(2).prefix(14)
      let firstStar = rows.firstIndex { $0.contains("*") }
      // 177 of 200 ng/mL: row (1 - 177/200) * 13 ≈ 1.5 from the top.
      #expect(firstStar.map { $0 - 2 } ?? 99 <= 2)
    }
  }
}

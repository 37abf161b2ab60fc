import Foundation

/// Input of a picture: one patient's time course and what to draw around it.
///
/// Times are in minutes from the start of the run, concentrations in ng/mL.
/// ``timesMinutes``, ``plasma`` and ``effectSite`` (when present) have one
/// entry per output time; samples that are not finite are left out of the
/// curves.
public struct PlotData: Sendable {
  /// The heading of the picture, such as `clements250, 70 kg: 0.5 mg/kg over 40 min`.
  public var title: String
  /// Output times in minutes, increasing.
  public var timesMinutes: [Double]
  /// Plasma concentration Cp in ng/mL, one value per time.
  public var plasma: [Double]
  /// Effect-site concentration Ce in ng/mL, one value per time, or `nil` when the model has no effect site.
  public var effectSite: [Double]?
  /// Further concentrations in ng/mL, one value per time each, drawn dotted: a metabolite (`nk`) or an effect
  /// endpoint's site.
  public var others: [(name: String, values: [Double])] = []
  /// Reference concentrations in ng/mL, drawn as labelled horizontal lines (such as analgesia 100).
  public var thresholds: [(name: String, nanogramsPerMilliliter: Double)]
  /// Infusion periods, start and end in minutes, drawn as shaded bands.
  public var infusions: [(startMinutes: Double, endMinutes: Double)]
  /// Bolus times in minutes, drawn as ticks on the time axis.
  public var boluses: [Double]
  /// Warnings about the run (``RunWarnings``), printed under the time axis.
  public var warnings: [String] = []
  /// The total infusion rate as a step function.
  ///
  /// Each entry is a time (minutes) from which the rate (mg/h) holds until
  /// the next entry. When present, a rate panel under the concentrations
  /// shows every change.
  public var rates: [(startMinutes: Double, milligramsPerHour: Double)] = []
  /// Exact times (minutes) at which plasma crosses a reference level, marked
  /// on the curve with their clock time.
  public var crossings: [(name: String, minutes: Double, nanogramsPerMilliliter: Double)] = []
  /// Patient, dose, model and date, printed in the footer before the disclaimer.
  public var footer: String?
  /// The stretch of time to draw (minutes), when not the whole run.
  public var timeRange: ClosedRange<Double>?
  /// A logarithmic concentration axis (decades), for declines over days.
  public var logarithmic = false

  /// Collects what a picture shows; see the properties for units.
  public init(
    title: String, timesMinutes: [Double], plasma: [Double], effectSite: [Double]?,
    thresholds: [(name: String, nanogramsPerMilliliter: Double)],
    infusions: [(startMinutes: Double, endMinutes: Double)], boluses: [Double]
  ) {
    self.title = title
    self.timesMinutes = timesMinutes
    self.plasma = plasma
    self.effectSite = effectSite
    self.thresholds = thresholds
    self.infusions = infusions
    self.boluses = boluses
  }
}

/// A concentration-time picture as a standalone SVG document.
///
/// The plot area spans the run's first to last output time horizontally and
/// 0 ng/mL to a rounded maximum vertically; ``point(timeMinutes:concentration:)``
/// is the exact linear map from data to SVG user units (px), and every point of
/// the Cp and Ce polylines is that map applied to one sample, printed to
/// 0.001 px. The time axis is labelled in minutes, or in hours when the run is
/// longer than 6 h. The concentration axis reaches a little above the highest
/// of Cp, Ce and every reference level up to twice the peak (so that the curve
/// keeps at least half the height); reference levels above the axis are not
/// drawn but listed in a note. Levels closer together than a line of text
/// share one label. Colours: Cp #1f5fa8 (solid), Ce #c0392b (dashed),
/// infusions #dfe9f5, reference levels #8e44ad (dashed). Output is
/// deterministic: the same data give the same bytes.
public struct ConcentrationPlot {
  /// What is drawn.
  let data: PlotData
  /// Width of the picture in px (at least 240).
  public let width: Int
  /// Height of the picture in px (at least 180).
  public let height: Int
  let scale: PlotScale
  /// Edges of the plot area in px, in SVG coordinates (y grows downwards).
  let plotLeft: Double
  let plotRight: Double
  let plotTop: Double
  let plotBottom: Double
  /// Where the time axis is drawn: under the rate panel when there is one.
  let timeAxisY: Double
  /// The rate panel's top and bottom (px), when ``PlotData/rates`` is not empty.
  let ratePanel: (top: Double, bottom: Double)?
  /// The title, wrapped to the picture's width.
  let titleLines: [String]
  /// The warnings, wrapped to the picture's width.
  let warningLines: [String]
  /// The footer and disclaimer, wrapped between their parts (one line when they fit).
  let footerLines: [String]

  static let plasmaColour = "#1f5fa8"
  static let effectSiteColour = "#c0392b"
  /// Colours of ``PlotData/others``, in turn.
  static let otherColours = ["#9a7d0a", "#117a65", "#6c3483"]
  static let infusionColour = "#dfe9f5"
  static let thresholdColour = "#8e44ad"
  static let thresholdTextColour = "#5b2c6f"
  static let bolusColour = "#222222"
  static let fontFamily = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"
  static let thresholdFontSize = 11.0

  /// Lays out a picture of `data`, `width` by `height` px (raised to at least 240 by 180).
  public init(_ data: PlotData, width: Int = 900, height: Int = 500) {
    self.data = data
    self.width = max(width, 240)
    scale = PlotScale(data, concentrationIntervals: 5)
    footerLines = PlotFrame.footerLines(data.footer, width: Double(max(width, 240)) - 16)
    // A footer that wraps, a note under warnings, or more than two warning lines make the picture taller
    // rather than overlap or squeeze the curves.
    let noteUnderWarnings = !scale.omittedThresholds.isEmpty && !data.warnings.isEmpty
    let bottomExtra = 16 * Double(footerLines.count - 1) + (noteUnderWarnings ? 16 : 0)
    let lines = data.warnings.flatMap { wrapped("warning: " + $0, width: Double(max(width, 240)) - 16, fontSize: 11) }
    let warningGrowth = ConcentrationPlot.warningLineHeight * Double(max(0, lines.count - 2))
    self.height = max(height, 180) + Int(bottomExtra + warningGrowth)
    plotLeft = 72
    plotRight = Double(self.width) - 24
    titleLines = wrapped(data.title, width: Double(self.width) - 40, fontSize: 15)
    plotTop = 62 + ConcentrationPlot.titleLineHeight * Double(titleLines.count - 1)
    warningLines = lines
    timeAxisY =
      Double(self.height) - 72 - bottomExtra - ConcentrationPlot.warningLineHeight * Double(warningLines.count)
    if data.rates.isEmpty {
      ratePanel = nil
      plotBottom = timeAxisY
    } else {
      ratePanel = (timeAxisY - ConcentrationPlot.ratePanelHeight, timeAxisY)
      plotBottom = timeAxisY - ConcentrationPlot.ratePanelHeight - 18
    }
  }

  /// Height of the rate panel and of each extra title line (px).
  static let ratePanelHeight = 64.0
  static let titleLineHeight = 19.0
  static let rateColour = "#1e7b4f"

  /// Height of one warning line under the time axis (px).
  static let warningLineHeight = 16.0
  static let warningColour = "#a93226"

  /// Maps a time (minutes) and a concentration (ng/mL) to SVG coordinates (px).
  ///
  /// `x = left + (t − t₀) / (t₁ − t₀) · (right − left)` and
  /// `y = bottom − c / cmax · (bottom − top)`, where t₀ and t₁ are the first
  /// and last output times, cmax the top of the concentration axis, and
  /// left, right, top, bottom the edges of the plot area.
  public func point(timeMinutes: Double, concentration: Double) -> (x: Double, y: Double) {
    (x: x(timeMinutes), y: y(concentration))
  }

  func x(_ minutes: Double) -> Double {
    plotLeft + (minutes - scale.startMinutes) / (scale.endMinutes - scale.startMinutes) * (plotRight - plotLeft)
  }

  func y(_ concentration: Double) -> Double {
    plotBottom - scale.fraction(concentration) * (plotBottom - plotTop)
  }

  /// The picture as a complete SVG document (UTF-8 text).
  public var svg: String {
    var out = SVGBuilder()
    let w = Double(width)
    let h = Double(height)
    out.line(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\""
        + " font-family=\"\(Self.fontFamily)\">",
      "<title>\(PlotFormat.escaped(data.title))</title>",
      "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>")

    // Infusion periods, behind everything else.
    for infusion in data.infusions {
      let start = max(infusion.startMinutes, scale.startMinutes)
      let end = min(infusion.endMinutes, scale.endMinutes)
      guard start.isFinite, end.isFinite, end > start else { continue }
      let x0 = x(start)
      let x1 = x(end)
      out.line(
        "<rect class=\"infusion\" x=\"\(coordinate(x0))\" y=\"\(coordinate(plotTop))\" width=\"\(coordinate(x1 - x0))\""
          + " height=\"\(coordinate(plotBottom - plotTop))\" fill=\"\(Self.infusionColour)\"/>")
    }

    // Grid and tick labels.
    for (index, value) in scale.concentrationTicks.enumerated() {
      let yy = coordinate(y(value))
      if index > 0 {
        out.line(
          "<line class=\"grid\" x1=\"\(coordinate(plotLeft))\" y1=\"\(yy)\" x2=\"\(coordinate(plotRight))\" y2=\"\(yy)\""
            + " stroke=\"#e3e3e3\" stroke-width=\"1\"/>")
      }
      out.line(
        "<line x1=\"\(coordinate(plotLeft - 4))\" y1=\"\(yy)\" x2=\"\(coordinate(plotLeft))\" y2=\"\(yy)\""
          + " stroke=\"#333333\" stroke-width=\"1\"/>",
        "<text x=\"\(coordinate(plotLeft - 7))\" y=\"\(coordinate(y(value) + 4))\" font-size=\"11\""
          + " text-anchor=\"end\" fill=\"#333333\">\(scale.concentrationLabel(value))</text>")
    }
    let timeTicks = scale.timeTicks(maxIntervals: max(2, Int((plotRight - plotLeft) / 90)))
    for tick in timeTicks {
      let xx = coordinate(x(tick.minutes))
      if tick.minutes > scale.startMinutes {
        out.line(
          "<line class=\"grid\" x1=\"\(xx)\" y1=\"\(coordinate(plotTop))\" x2=\"\(xx)\" y2=\"\(coordinate(plotBottom))\""
            + " stroke=\"#ececec\" stroke-width=\"1\"/>")
      }
      out.line(
        "<line x1=\"\(xx)\" y1=\"\(coordinate(timeAxisY))\" x2=\"\(xx)\" y2=\"\(coordinate(timeAxisY + 4))\""
          + " stroke=\"#333333\" stroke-width=\"1\"/>",
        "<text x=\"\(xx)\" y=\"\(coordinate(timeAxisY + 17))\" font-size=\"11\" text-anchor=\"middle\""
          + " fill=\"#333333\">\(tick.label)</text>")
    }

    // Reference levels: lines now, labels after the curves so that they stay legible.
    for threshold in scale.drawnThresholds {
      let yy = coordinate(y(threshold.nanogramsPerMilliliter))
      out.line(
        "<line class=\"threshold\" x1=\"\(coordinate(plotLeft))\" y1=\"\(yy)\" x2=\"\(coordinate(plotRight))\""
          + " y2=\"\(yy)\" stroke=\"\(Self.thresholdColour)\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>")
    }

    // Curves: Ce under Cp.
    let plasmaPoints = curvePoints(data.plasma)
    let effectPoints = data.effectSite.map(curvePoints)
    let otherPoints = data.others.map { curvePoints($0.values) }
    for (index, points) in otherPoints.enumerated() {
      out.line(
        "<polyline class=\"other\" fill=\"none\" stroke=\"\(Self.otherColours[index % Self.otherColours.count])\""
          + " stroke-width=\"2\" stroke-dasharray=\"2 3\" stroke-linejoin=\"round\""
          + " points=\"\(pointList(points))\"/>")
    }
    if let effectPoints {
      out.line(
        "<polyline class=\"ce\" fill=\"none\" stroke=\"\(Self.effectSiteColour)\" stroke-width=\"2\""
          + " stroke-dasharray=\"7 4\" stroke-linejoin=\"round\" points=\"\(pointList(effectPoints))\"/>")
    }
    out.line(
      "<polyline class=\"cp\" fill=\"none\" stroke=\"\(Self.plasmaColour)\" stroke-width=\"2.2\""
        + " stroke-linejoin=\"round\" points=\"\(pointList(plasmaPoints))\"/>")

    // Axes, and bolus ticks reaching below the axis so that a vertical jump of the curve cannot hide them.
    out.line(
      "<path class=\"axes\" d=\"M\(coordinate(plotLeft)) \(coordinate(plotTop))V\(coordinate(plotBottom))"
        + "H\(coordinate(plotRight))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>")
    for time in data.boluses where time.isFinite && time >= scale.startMinutes && time <= scale.endMinutes {
      let xx = coordinate(x(time))
      out.line(
        "<line class=\"bolus\" x1=\"\(xx)\" y1=\"\(coordinate(plotBottom + 7))\" x2=\"\(xx)\""
          + " y2=\"\(coordinate(plotBottom - 12))\" stroke=\"\(Self.bolusColour)\" stroke-width=\"2\"/>")
    }

    // Reference-level labels, placed where they cross neither curve nor another line
    // or label; levels closer together than a line of text share one label.
    let curves = [plasmaPoints] + (effectPoints.map { [$0] } ?? []) + otherPoints
    var placed: [Box] = []
    for group in thresholdGroups() {
      let label =
        group.map { "\($0.name) \(PlotFormat.short($0.nanogramsPerMilliliter))" }.joined(separator: ", ")
        + " ng/mL"
      let ys = group.map { y($0.nanogramsPerMilliliter) }
      var obstacles = curves
      for other in scale.drawnThresholds where !group.contains(where: { $0 == other }) {
        let lineY = y(other.nanogramsPerMilliliter)
        obstacles.append([(plotLeft, lineY), (plotRight, lineY)])
      }
      let position = labelPosition(
        label, aboveY: ys.min() ?? plotBottom, belowY: ys.max() ?? plotBottom, obstacles: obstacles, placed: placed)
      placed.append(position.box)
      out.line(
        "<text class=\"threshold-label\" x=\"\(coordinate(position.x))\" y=\"\(coordinate(position.baseline))\""
          + " font-size=\"\(PlotFormat.short(Self.thresholdFontSize))\" text-anchor=\"\(position.anchor)\""
          + " fill=\"\(Self.thresholdTextColour)\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\""
          + " paint-order=\"stroke\">\(PlotFormat.escaped(label))</text>")
    }

    // Axis titles, title, legend, notes.
    out.line(
      "<text class=\"axis-label\" x=\"\(coordinate((plotLeft + plotRight) / 2))\""
        + " y=\"\(coordinate(timeAxisY + 38))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222222\">"
        + "time (\(scale.unitLabel))</text>",
      "<text class=\"axis-label\" transform=\"translate(20 \(coordinate((plotTop + plotBottom) / 2))) rotate(-90)\""
        + " font-size=\"12\" text-anchor=\"middle\" fill=\"#222222\">concentration (ng/mL)</text>",
      titleLines.enumerated().map { index, line in
        "<text class=\"title\" x=\"\(coordinate(w / 2))\" y=\"\(coordinate(24 + Self.titleLineHeight * Double(index)))\""
          + " font-size=\"15\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#111111\">"
          + "\(PlotFormat.escaped(line))</text>"
      }.joined(separator: "\n"))
    ratePanelLines(into: &out)
    crossingMarks(into: &out)
    legend(into: &out)
    for (index, warning) in warningLines.enumerated() {
      let baseline = timeAxisY + 56 + Self.warningLineHeight * Double(index)
      out.line(
        "<text class=\"warning\" x=\"8\" y=\"\(coordinate(baseline))\" font-size=\"11\" font-weight=\"bold\""
          + " fill=\"\(Self.warningColour)\">" + PlotFormat.escaped(warning) + "</text>")
    }
    if !scale.omittedThresholds.isEmpty {
      let list = scale.omittedThresholds.map { "\($0.name) \(PlotFormat.short($0.nanogramsPerMilliliter)) ng/mL" }
      let noteY = data.footer == nil && footerLines.count == 1 ? h - 8 : h - 8 - 16 * Double(footerLines.count)
      out.line(
        "<text class=\"note\" x=\"8\" y=\"\(coordinate(noteY))\" font-size=\"11\" fill=\"#555555\">"
          + PlotFormat.escaped("above the axis, not drawn: " + list.joined(separator: ", ")) + "</text>")
    }
    for (index, line) in footerLines.enumerated() {
      let baseline = h - 8 - 16 * Double(footerLines.count - 1 - index)
      out.line(
        "<text class=\"footer\" x=\"\(coordinate(w - 8))\" y=\"\(coordinate(baseline))\" font-size=\"11\""
          + " text-anchor=\"end\" fill=\"#555555\">" + PlotFormat.escaped(line) + "</text>")
    }
    out.line("</svg>")
    return out.text
  }

  /// The rate panel: the total infusion rate as a step line over the same
  /// time axis, with the new rate written at each change (up to 12).
  private func ratePanelLines(into out: inout SVGBuilder) {
    guard let panel = ratePanel, !data.rates.isEmpty else { return }
    let highest = data.rates.map(\.milligramsPerHour).filter(\.isFinite).max() ?? 0
    let top = highest > 0 ? PlotScale.niceStep(highest) : 1
    func ry(_ rate: Double) -> Double { panel.bottom - rate / top * (panel.bottom - panel.top - 8) }
    var path = ""
    var fill = "M\(coordinate(x(scale.startMinutes))) \(coordinate(ry(0)))"
    var previous: Double?
    var labels: [(x: Double, y: Double, text: String)] = []
    for (index, step) in data.rates.enumerated() {
      let from = max(step.startMinutes, scale.startMinutes)
      let to = min(
        index + 1 < data.rates.count ? data.rates[index + 1].startMinutes : scale.endMinutes, scale.endMinutes)
      guard to >= from, step.milligramsPerHour.isFinite else { continue }
      let yy = coordinate(ry(step.milligramsPerHour))
      path += previous == nil ? "M\(coordinate(x(from))) \(yy)" : "V\(yy)"
      path += "H\(coordinate(x(to)))"
      fill += "V\(yy)H\(coordinate(x(to)))"
      if step.milligramsPerHour != previous, step.milligramsPerHour > 0 {
        labels.append(
          (x(from) + 3, ry(step.milligramsPerHour) - 3, "\(ClinicalFormat.amount(step.milligramsPerHour)) mg/h"))
      }
      previous = step.milligramsPerHour
    }
    fill += "V\(coordinate(ry(0)))Z"
    out.line(
      "<path class=\"rate-fill\" d=\"\(fill)\" fill=\"\(Self.rateColour)\" fill-opacity=\"0.12\" stroke=\"none\"/>",
      "<path class=\"rate\" d=\"\(path)\" fill=\"none\" stroke=\"\(Self.rateColour)\" stroke-width=\"1.8\"/>",
      "<path class=\"rate-axes\" d=\"M\(coordinate(plotLeft)) \(coordinate(panel.top))V\(coordinate(panel.bottom))"
        + "H\(coordinate(plotRight))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>",
      "<text x=\"\(coordinate(plotLeft - 7))\" y=\"\(coordinate(ry(top) + 4))\" font-size=\"10\" text-anchor=\"end\""
        + " fill=\"#333333\">\(PlotFormat.short(top))</text>",
      "<text x=\"\(coordinate(plotLeft - 7))\" y=\"\(coordinate(ry(0) + 4))\" font-size=\"10\" text-anchor=\"end\""
        + " fill=\"#333333\">0</text>",
      "<text class=\"axis-label\" transform=\"translate(20 \(coordinate((panel.top + panel.bottom) / 2))) rotate(-90)\""
        + " font-size=\"11\" text-anchor=\"middle\" fill=\"#222222\">mg/h</text>")
    if labels.count <= 12 {
      for label in labels {
        out.line(
          "<text class=\"rate-label\" x=\"\(coordinate(label.x))\" y=\"\(coordinate(max(label.y, panel.top + 9)))\""
            + " font-size=\"10\" fill=\"\(Self.rateColour)\">\(PlotFormat.escaped(label.text))</text>")
      }
    }
  }

  /// A ring on the plasma curve where it crosses a drawn reference level,
  /// with the clock time (`h:mm`) above it.
  private func crossingMarks(into out: inout SVGBuilder) {
    let drawn = Set(scale.drawnThresholds.map(\.name))
    for crossing in data.crossings
    where drawn.contains(crossing.name) && crossing.minutes >= scale.startMinutes
      && crossing.minutes <= scale.endMinutes
    {
      let xx = x(crossing.minutes)
      let yy = y(crossing.nanogramsPerMilliliter)
      out.line(
        "<circle class=\"crossing\" cx=\"\(coordinate(xx))\" cy=\"\(coordinate(yy))\" r=\"4\" fill=\"#ffffff\""
          + " stroke=\"\(Self.thresholdTextColour)\" stroke-width=\"1.6\"/>",
        "<text class=\"crossing-label\" x=\"\(coordinate(xx))\" y=\"\(coordinate(yy - 8))\" font-size=\"10\""
          + " text-anchor=\"middle\" fill=\"\(Self.thresholdTextColour)\" stroke=\"#ffffff\" stroke-width=\"3\""
          + " paint-order=\"stroke\">\(ClinicalFormat.clock(crossing.minutes))</text>")
    }
  }

  private func legend(into out: inout SVGBuilder) {
    var left = plotLeft
    let baseline = 47.0 + Self.titleLineHeight * Double(titleLines.count - 1)
    let mid = coordinate(baseline - 4)
    func entry(_ label: String, swatch: (_ left: Double) -> String) {
      out.line(
        "<g class=\"legend\">" + swatch(left) + "<text x=\"\(coordinate(left + 30))\" y=\"\(coordinate(baseline))\""
          + " font-size=\"12\" fill=\"#222222\">\(label)</text></g>")
      left += 30 + estimatedWidth(label, fontSize: 12) + 22
    }
    func line(_ left: Double, colour: String, width: String, dashes: String?) -> String {
      "<line x1=\"\(coordinate(left))\" y1=\"\(mid)\" x2=\"\(coordinate(left + 24))\" y2=\"\(mid)\" stroke=\"\(colour)\""
        + " stroke-width=\"\(width)\"" + (dashes.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
    }
    entry("plasma (Cp)") { line($0, colour: Self.plasmaColour, width: "2.2", dashes: nil) }
    if data.effectSite != nil {
      entry("effect site (Ce)") { line($0, colour: Self.effectSiteColour, width: "2", dashes: "7 4") }
    }
    for (index, other) in data.others.enumerated() {
      let colour = Self.otherColours[index % Self.otherColours.count]
      entry(other.name) { line($0, colour: colour, width: "2", dashes: "2 3") }
    }
    if !data.infusions.isEmpty {
      entry("infusion") {
        "<rect x=\"\(coordinate($0))\" y=\"\(coordinate(baseline - 11))\" width=\"24\" height=\"13\""
          + " fill=\"\(Self.infusionColour)\" stroke=\"#b9cbe3\" stroke-width=\"1\"/>"
      }
    }
    if !data.boluses.isEmpty {
      entry("bolus") {
        "<line x1=\"\(coordinate($0 + 12))\" y1=\"\(coordinate(baseline + 1))\" x2=\"\(coordinate($0 + 12))\""
          + " y2=\"\(coordinate(baseline - 11))\" stroke=\"\(Self.bolusColour)\" stroke-width=\"2\"/>"
      }
    }
    if !scale.drawnThresholds.isEmpty {
      entry("reference level") { line($0, colour: Self.thresholdColour, width: "1.5", dashes: "6 3") }
    }
  }

  /// The mapped points of one curve, finite samples only.
  private func curvePoints(_ values: [Double]) -> [(Double, Double)] {
    var points: [(Double, Double)] = []
    points.reserveCapacity(values.count)
    let range = scale.startMinutes...scale.endMinutes
    for (time, value) in zip(data.timesMinutes, values)
    where time.isFinite && value.isFinite && range.contains(time) {
      points.append((x(time), y(scale.logarithmic ? max(value, scale.bottom) : value)))
    }
    return points
  }

  private func pointList(_ points: [(Double, Double)]) -> String {
    var text = ""
    text.reserveCapacity(points.count * 16)
    for (index, point) in points.enumerated() {
      if index > 0 { text += " " }
      text += coordinate(point.0)
      text += ","
      text += coordinate(point.1)
    }
    return text
  }

  /// An axis-aligned rectangle in px.
  struct Box {
    var minX: Double
    var maxX: Double
    var minY: Double
    var maxY: Double

    func overlaps(_ other: Box) -> Bool {
      minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    /// Whether the segment from `a` to `b` passes through the box (Liang-Barsky clipping).
    func isCrossed(from a: (Double, Double), to b: (Double, Double)) -> Bool {
      let dx = b.0 - a.0
      let dy = b.1 - a.1
      var low = 0.0
      var high = 1.0
      for (p, q) in [(-dx, a.0 - minX), (dx, maxX - a.0), (-dy, a.1 - minY), (dy, maxY - a.1)] {
        if p == 0 {
          if q < 0 { return false }
        } else {
          let r = q / p
          if p < 0 { low = max(low, r) } else { high = min(high, r) }
          if low > high { return false }
        }
      }
      return true
    }
  }

  /// The drawn reference levels from the top of the plot down, in groups
  /// whose neighbouring lines are closer than a line of label text.
  private func thresholdGroups() -> [[(name: String, nanogramsPerMilliliter: Double)]] {
    let sorted = scale.drawnThresholds.enumerated().sorted {
      ($0.element.nanogramsPerMilliliter, -$0.offset) > ($1.element.nanogramsPerMilliliter, -$1.offset)
    }.map(\.element)
    var groups: [[(name: String, nanogramsPerMilliliter: Double)]] = []
    for threshold in sorted {
      if let last = groups.last?.last,
        y(threshold.nanogramsPerMilliliter) - y(last.nanogramsPerMilliliter) < Self.thresholdFontSize + 3
      {
        groups[groups.count - 1].append(threshold)
      } else {
        groups.append([threshold])
      }
    }
    return groups
  }

  /// Where a reference-level label goes: above its line(s) at the right end,
  /// else at the left end, else below at either end, else at the first free
  /// spot along the line, scanning from the right; free means crossing no
  /// curve, no other line and no label already placed.
  private func labelPosition(
    _ label: String, aboveY: Double, belowY: Double, obstacles: [[(Double, Double)]], placed: [Box]
  ) -> (x: Double, baseline: Double, anchor: String, box: Box) {
    typealias Spot = (x: Double, baseline: Double, anchor: String, box: Box)
    let size = Self.thresholdFontSize
    let textWidth = estimatedWidth(label, fontSize: size)
    func spot(rightEdge: Double, baseline: Double) -> Spot {
      (
        rightEdge, baseline, "end",
        Box(minX: rightEdge - textWidth - 2, maxX: rightEdge + 2, minY: baseline - size + 1, maxY: baseline + 3)
      )
    }
    func leftSpot(baseline: Double) -> Spot {
      (
        plotLeft + 6, baseline, "start",
        Box(minX: plotLeft + 4, maxX: plotLeft + 8 + textWidth, minY: baseline - size + 1, maxY: baseline + 3)
      )
    }
    let baselines = [aboveY - 4, belowY + size + 2].filter { $0 - size + 1 >= plotTop - 2 && $0 + 3 <= plotBottom - 2 }
    var candidates: [Spot] = []
    for baseline in baselines {
      candidates.append(spot(rightEdge: plotRight - 4, baseline: baseline))
      candidates.append(leftSpot(baseline: baseline))
    }
    for baseline in baselines {
      var rightEdge = plotRight - 24
      while rightEdge - textWidth > plotLeft + 24 {
        candidates.append(spot(rightEdge: rightEdge, baseline: baseline))
        rightEdge -= 20
      }
    }
    let fallback = spot(rightEdge: plotRight - 4, baseline: baselines.first ?? aboveY - 4)
    func isFree(_ box: Box) -> Bool {
      if placed.contains(where: { $0.overlaps(box) }) { return false }
      for curve in obstacles {
        if curve.count == 1, let only = curve.first, box.isCrossed(from: only, to: only) { return false }
        for index in curve.indices.dropFirst() {
          let a = curve[index - 1]
          let b = curve[index]
          if max(a.0, b.0) < box.minX || min(a.0, b.0) > box.maxX { continue }
          if box.isCrossed(from: a, to: b) { return false }
        }
      }
      return true
    }
    return candidates.first { isFree($0.box) } ?? candidates.first { !placed.contains(where: $0.box.overlaps) }
      ?? fallback
  }
}

// MARK: - Scales shared with the terminal chart

/// Axis ranges, ticks and the reference levels that fit, for one ``PlotData``.
struct PlotScale {
  /// First and last output time, minutes; `end > start`.
  let startMinutes: Double
  let endMinutes: Double
  /// Minutes per unit of the time axis: 1 (min), 60 (h) for spans over
  /// 6 h, 1440 (d) for spans over 3 days.
  let unitMinutes: Double
  /// The time axis' unit: `min`, `h` or `d`.
  var unitLabel: String { unitMinutes == 1 ? "min" : unitMinutes == 60 ? "h" : "d" }
  /// Whether the time axis is labelled in hours or days (runs longer than 6 h).
  var usesHours: Bool { unitMinutes > 1 }
  /// Highest concentration drawn (top of the axis), ng/mL; positive.
  let top: Double
  /// Lowest concentration drawn (bottom of the axis), ng/mL: 0, or a power
  /// of ten on a logarithmic axis.
  let bottom: Double
  /// Whether the concentration axis is logarithmic.
  let logarithmic: Bool
  /// Spacing of the concentration ticks, ng/mL.
  let step: Double
  /// Highest plasma or effect-site concentration, ng/mL (0 without data).
  let peak: Double
  /// Reference levels within 0...top, in input order.
  let drawnThresholds: [(name: String, nanogramsPerMilliliter: Double)]
  /// Reference levels above the axis, in input order.
  let omittedThresholds: [(name: String, nanogramsPerMilliliter: Double)]

  init(_ data: PlotData, concentrationIntervals: Int) {
    let range = data.timeRange ?? -Double.infinity...Double.infinity
    let times = data.timesMinutes.filter { $0.isFinite && range.contains($0) }
    let start = data.timeRange?.lowerBound ?? times.min() ?? 0
    let end = data.timeRange?.upperBound ?? times.max() ?? start
    startMinutes = start
    endMinutes = end > start ? end : start + 1
    let span = endMinutes - startMinutes
    unitMinutes = span > 4320 ? 1440 : span > 360 ? 60 : 1

    let inside = data.timesMinutes.indices.filter { range.contains(data.timesMinutes[$0]) }
    let values =
      inside.map { data.plasma[$0] } + (data.effectSite.map { ce in inside.map { ce[$0] } } ?? [])
      + data.others.flatMap { other in inside.map { other.values[$0] } }
    let peak = max(0, values.filter(\.isFinite).max() ?? 0)
    self.peak = peak
    let levels = data.thresholds.map(\.nanogramsPerMilliliter).filter { $0.isFinite && $0 > 0 }
    var extent = max(peak, levels.filter { $0 <= 2 * peak }.max() ?? 0)
    if extent <= 0 { extent = levels.min() ?? 1 }
    let wanted = extent * 1.05
    // The 1-2-5 step that gives `concentrationIntervals` or fewer intervals, one
    // step finer when that leaves fewer than four (e.g. 0-6 in steps of 1, not 2).
    var step = PlotScale.niceStep(wanted / Double(max(1, concentrationIntervals)))
    if (wanted / step).rounded(.up) < 4 { step = PlotScale.finerStep(than: step) }
    var top = (wanted / step).rounded(.up) * step
    var bottom = 0.0
    logarithmic = data.logarithmic
    if logarithmic {
      // Decades from the lowest positive value (at most four decades below the peak) to above the extent.
      let lowest = values.filter { $0.isFinite && $0 > 0 }.min() ?? extent / 10
      top = pow(10, log10(max(wanted, 1e-12)).rounded(.up))
      bottom = min(pow(10, log10(max(lowest, top * 1e-4)).rounded(.down)), top / 10)
      step = 10
    }
    let fits = { (level: Double) in level >= bottom && level <= top }
    self.step = step
    self.top = top
    self.bottom = bottom
    drawnThresholds = data.thresholds.filter { fits($0.nanogramsPerMilliliter) }
    omittedThresholds = data.thresholds.filter { !fits($0.nanogramsPerMilliliter) }
  }

  /// Tick values from ``bottom`` to ``top``, ng/mL: every step, or every decade.
  var concentrationTicks: [Double] {
    if logarithmic {
      let decades = Int(log10(top / bottom).rounded())
      return (0...decades).map { bottom * pow(10, Double($0)) }
    }
    let count = Int((top / step).rounded())
    return (0...count).map { Double($0) * step }
  }

  /// Where `concentration` falls between ``bottom`` (0) and ``top`` (1).
  func fraction(_ concentration: Double) -> Double {
    guard logarithmic else { return concentration / top }
    guard concentration > 0 else { return 0 }
    return (log10(concentration) - log10(bottom)) / (log10(top) - log10(bottom))
  }

  /// A concentration tick label, with as many decimals as the step needs.
  func concentrationLabel(_ value: Double) -> String {
    logarithmic ? PlotFormat.short(value) : PlotFormat.fixed(value, decimals: PlotScale.decimals(for: step))
  }

  /// The smallest 1, 2 or 5 times a power of ten that is at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw.isFinite, raw > 0 else { return 1 }
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-12) {
      return factor * magnitude
    }
    return 10 * magnitude
  }

  /// The next smaller 1-2-5 step: 5 → 2, 2 → 1, 1 → 0.5.
  static func finerStep(than step: Double) -> Double {
    let magnitude = pow(10, log10(step).rounded(.down))
    let mantissa = (step / magnitude).rounded()
    return mantissa >= 5 ? 2 * magnitude : mantissa >= 2 ? magnitude : 0.5 * magnitude
  }

  /// Decimals needed to print multiples of `step` exactly (for 1-2-5 steps).
  static func decimals(for step: Double) -> Int {
    guard step.isFinite, step > 0, step < 1 else { return 0 }
    return Int((-log10(step) - 1e-9).rounded(.up))
  }

  /// Time ticks with at most `maxIntervals` intervals: minutes on clock-like
  /// steps (1, 2, 5, 10, 15, 20, 30, 60 ...), hours on 1, 2, 3, 6, 12, 24 ....
  func timeTicks(maxIntervals: Int) -> [(minutes: Double, label: String)] {
    let unit = unitMinutes
    let span = (endMinutes - startMinutes) / unit
    let limit = Double(max(1, maxIntervals))
    let candidates: [Double] =
      unit == 1440
      ? [1, 2, 7, 14, 28, 56, 91, 182, 365]
      : unit == 60
        ? [1, 2, 3, 6, 12, 24, 48, 72, 96, 120, 168, 336, 720]
        : [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360]
    let step: Double
    if span <= limit {
      step = PlotScale.niceStep(span / limit)
    } else {
      step = candidates.first { span / $0 <= limit } ?? PlotScale.niceStep(span / limit)
    }
    let first = Int((startMinutes / unit / step - 1e-9).rounded(.up))
    let last = Int((endMinutes / unit / step + 1e-9).rounded(.down))
    guard first <= last else { return [] }
    let decimals = PlotScale.decimals(for: step)
    return (first...last).map { k in
      let value = Double(k) * step
      return (minutes: value * unit, label: PlotFormat.fixed(value, decimals: decimals))
    }
  }
}

// MARK: - Text helpers

/// Collects the lines of a document.
struct SVGBuilder {
  var text = ""

  mutating func line(_ lines: String...) {
    for line in lines {
      text += line
      text += "\n"
    }
  }
}

/// Number and text formatting shared by the plot and the terminal chart.
enum PlotFormat {
  /// Escapes the five XML special characters.
  static func escaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(character)
      }
    }
    return out
  }

  /// `value` rounded to `decimals` places, printed without exponent: `0.25`, `150`.
  static func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return "0" }
    var scale = 1.0
    for _ in 0..<max(0, decimals) { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e18 else { return String(value) }
    var digits = String(UInt64(scaled))
    if decimals > 0 {
      if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
    }
    return (value < 0 && scaled != 0 ? "-" : "") + digits
  }

  /// A number as people write it: `150`, `0.5`, `1e-05`.
  static func short(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }
}

/// An SVG coordinate in px: rounded to 0.001 px, trailing zeros removed.
func coordinate(_ value: Double) -> String {
  var text = PlotFormat.fixed(value, decimals: 3)
  while text.hasSuffix("0") && text.contains(".") { text.removeLast() }
  if text.hasSuffix(".") { text.removeLast() }
  return text == "-0" ? "0" : text
}

/// `text` broken at spaces into lines no wider than `width` px at `fontSize`.
func wrapped(_ text: String, width: Double, fontSize: Double) -> [String] {
  wrappedWords(text) { estimatedWidth($0, fontSize: fontSize) <= width }
}

/// `text` broken at spaces into lines that each `fits`.
///
/// A word that does not fit alone stands on its own line; lines after the
/// first start with `continuation`. An empty text is one empty line.
func wrappedWords(_ text: String, continuation: String = "", fits: (String) -> Bool) -> [String] {
  var lines: [String] = []
  var current = ""
  for word in text.split(separator: " ") {
    let candidate = current.isEmpty ? (lines.isEmpty ? "" : continuation) + word : current + " " + word
    if !current.isEmpty, !fits(candidate) {
      lines.append(current)
      current = continuation + word
    } else {
      current = candidate
    }
  }
  if !current.isEmpty || lines.isEmpty { lines.append(current) }
  return lines
}

/// A rough width of `text` in px, for layout (DejaVu Sans is about 0.62 em per character).
func estimatedWidth(_ text: String, fontSize: Double) -> Double {
  Double(text.count) * fontSize * 0.62
}

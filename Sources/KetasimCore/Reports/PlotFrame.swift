/// The layout and the common pieces of the pictures that show several
/// curves (``OverlayPlot``, ``BandPlot``): title, legend rows, the
/// concentration panel, the rate panel under it, the time axis, warnings,
/// a note on reference levels above the axis, and the footer.
///
/// All lengths are SVG user units (px); times are minutes, concentrations
/// ng/mL, rates mg/h. From the top: the wrapped title (15 px bold, 19 px a
/// line), the legend rows (18 px each), the concentration panel, 18 px, the
/// rate panel (64 px) when there are rates, the time axis with its labels,
/// the warnings (16 px a line, whole warnings in at most
/// ``maximumWarningLines``, then a count of those left out), the note,
/// and the footer (right-aligned, wrapped, 14 px a line). When all this
/// leaves the concentration panel less than 160 px high, the picture grows.
struct PlotFrame {
  /// Width and height of the picture in px.
  let width: Int
  let height: Int
  let scale: PlotScale
  /// Edges of the concentration panel in px (y grows downwards).
  let plotLeft: Double
  let plotRight: Double
  let plotTop: Double
  let plotBottom: Double
  /// Where the time axis is drawn: under the rate panel when there is one.
  let timeAxisY: Double
  /// The rate panel's top and bottom (px), when there are rates.
  let ratePanel: (top: Double, bottom: Double)?
  let titleLines: [String]
  let warningLines: [String]
  let footerLines: [String]
  /// Baseline of the note listing the reference levels above the axis, when there are some.
  let noteBaseline: Double?
  /// Baseline of the first legend row.
  let legendBaseline: Double

  static let titleLineHeight = 19.0
  static let legendRowHeight = 18.0
  static let warningLineHeight = 16.0
  static let footerLineHeight = 14.0
  static let ratePanelHeight = 64.0
  static let maximumWarningLines = 6
  static let smallestPanel = 160.0
  /// The words every picture ends its footer with.
  static let disclaimer = "population-model estimate, not a medical device"

  /// Lays out a picture of at least `width` × `height` px.
  ///
  /// - Parameters:
  ///   - legendRows: rows of legend entries between the title and the panel.
  ///   - hasRates: whether a rate panel is drawn.
  init(
    width: Int, height: Int, scale: PlotScale, title: String, warnings: [String], footer: String?,
    legendRows: Int, hasRates: Bool
  ) {
    self.width = max(width, 240)
    self.scale = scale
    let w = Double(self.width)
    plotLeft = 72
    plotRight = w - 24
    titleLines = wrapped(title, width: w - 40, fontSize: 15)
    let extraTitle = PlotFrame.titleLineHeight * Double(titleLines.count - 1)
    legendBaseline = 47 + extraTitle
    plotTop = 44 + PlotFrame.legendRowHeight * Double(max(legendRows, 1)) + extraTitle
    // Whole warnings while they fit in the lines allowed, then how many were left out.
    let wrappedWarnings = warnings.map { wrapped("warning: " + $0, width: w - 16, fontSize: 11) }
    var lines: [String] = []
    var shown = 0
    for warning in wrappedWarnings {
      let room = shown == wrappedWarnings.count - 1 ? PlotFrame.maximumWarningLines : PlotFrame.maximumWarningLines - 1
      guard lines.count + warning.count <= room else { break }
      lines += warning
      shown += 1
    }
    if shown < warnings.count {
      let hidden = warnings.count - shown
      lines.append("… and \(hidden) more warning\(hidden == 1 ? "" : "s") (see stderr)")
    }
    warningLines = lines
    footerLines = PlotFrame.footerLines(footer, width: w - 16)
    let hasNote = !scale.omittedThresholds.isEmpty
    // The bottom stack, measured upwards from the last footer line (8 px above the bottom edge).
    let footerStack = PlotFrame.footerLineHeight * Double(footerLines.count - 1) + (hasNote ? 15 : 0)
    let below = 8 + footerStack + 64 + PlotFrame.warningLineHeight * Double(warningLines.count)
    let rateSpace = hasRates ? PlotFrame.ratePanelHeight + 18 : 0
    let needed = plotTop + PlotFrame.smallestPanel + rateSpace + below
    self.height = max(max(height, 180), Int(needed.rounded(.up)))
    let h = Double(self.height)
    let lastFooter = h - 8
    noteBaseline = hasNote ? lastFooter - PlotFrame.footerLineHeight * Double(footerLines.count - 1) - 15 : nil
    timeAxisY = h - below
    if hasRates {
      ratePanel = (timeAxisY - PlotFrame.ratePanelHeight, timeAxisY)
      plotBottom = timeAxisY - PlotFrame.ratePanelHeight - 18
    } else {
      ratePanel = nil
      plotBottom = timeAxisY
    }
  }

  /// The footer's lines: `footer` and the disclaimer, wrapped between their ` · `-separated parts (within
  /// a part only when it is too wide alone), so that the disclaimer is never split.
  static func footerLines(_ footer: String?, width: Double) -> [String] {
    let parts = (footer.map { $0.components(separatedBy: " · ") } ?? []) + [disclaimer]
    let fits = { (text: String) in estimatedWidth(text, fontSize: 11) <= width }
    var lines: [String] = []
    var current = ""
    for part in parts {
      let candidate = current.isEmpty ? part : current + " · " + part
      if fits(candidate) {
        current = candidate
        continue
      }
      if !current.isEmpty { lines.append(current + " ·") }
      let pieces = wrappedWords(part, fits: fits)
      lines += pieces.dropLast()
      current = pieces.last ?? ""
    }
    lines.append(current)
    return lines
  }

  /// The scale of several curves on `times`: the axis reaches above the highest value of any curve at any
  /// time within `timeRange`, and a logarithmic axis down to the lowest positive one.
  static func scale(
    times: [Double], curves: [[Double]], thresholds: [(name: String, nanogramsPerMilliliter: Double)],
    timeRange: ClosedRange<Double>?, logarithmic: Bool
  ) -> PlotScale {
    var upper = [Double](repeating: 0, count: times.count)
    var lower = [Double](repeating: 0, count: times.count)
    for curve in curves {
      for (index, value) in curve.enumerated() where index < times.count && value.isFinite {
        upper[index] = max(upper[index], value)
        if value > 0 { lower[index] = lower[index] > 0 ? min(lower[index], value) : value }
      }
    }
    var data = PlotData(
      title: "", timesMinutes: times, plasma: upper, effectSite: lower, thresholds: thresholds, infusions: [],
      boluses: [])
    data.timeRange = timeRange
    data.logarithmic = logarithmic
    return PlotScale(data, concentrationIntervals: 5)
  }

  /// Legend entries flowing left to right, wrapping into rows.
  ///
  /// Entries start at `left` and wrap before `right`; each is a 24 px swatch, 6 px, its label (12 px text)
  /// and 22 px. Returns, for each row, the index and left edge (px) of each entry.
  static func legendRows(_ labels: [String], left: Double, right: Double) -> [[(index: Int, x: Double)]] {
    var rows: [[(index: Int, x: Double)]] = [[]]
    var x = left
    for (index, label) in labels.enumerated() {
      let entryWidth = 30 + estimatedWidth(label, fontSize: 12) + 22
      if x + entryWidth > right, !rows[rows.count - 1].isEmpty {
        rows.append([])
        x = left
      }
      rows[rows.count - 1].append((index, x))
      x += entryWidth
    }
    return rows
  }

  /// The x of a time (minutes): the first time of the axis at ``plotLeft``, the last at ``plotRight``.
  func x(_ minutes: Double) -> Double {
    plotLeft + (minutes - scale.startMinutes) / (scale.endMinutes - scale.startMinutes) * (plotRight - plotLeft)
  }

  /// The y of a concentration (ng/mL): the bottom of the axis at ``plotBottom``, its top at ``plotTop``;
  /// on a logarithmic axis values below the bottom are drawn at the bottom.
  func y(_ concentration: Double) -> Double {
    let value = scale.logarithmic ? max(concentration, scale.bottom) : concentration
    return plotBottom - scale.fraction(value) * (plotBottom - plotTop)
  }

  /// The top of the rate axis (mg/h) for rates up to `highest`: a 1-2-5 step at least as high, 1 when all are 0.
  static func rateTop(_ highest: Double) -> Double {
    highest > 0 && highest.isFinite ? PlotScale.niceStep(highest) : 1
  }

  /// The y of a rate (mg/h) in the rate panel: 0 at its bottom, `top` 8 px below its top.
  func rateY(_ milligramsPerHour: Double, top: Double) -> Double {
    guard let panel = ratePanel else { return timeAxisY }
    return panel.bottom - milligramsPerHour / top * (panel.bottom - panel.top - 8)
  }

  /// The vertices of a step line of `steps` (start minutes, mg/h) within the time axis: at each step's
  /// start at its rate, and at its end (the next start, or the end of the axis) at the same rate.
  func stepVertices(_ steps: [(startMinutes: Double, milligramsPerHour: Double)], top: Double) -> [(Double, Double)] {
    var points: [(Double, Double)] = []
    for (index, step) in steps.enumerated() {
      let from = max(step.startMinutes, scale.startMinutes)
      let next = index + 1 < steps.count ? steps[index + 1].startMinutes : scale.endMinutes
      let to = min(next, scale.endMinutes)
      guard to >= from, step.milligramsPerHour.isFinite else { continue }
      let yy = rateY(step.milligramsPerHour, top: top)
      points.append((x(from), yy))
      points.append((x(to), yy))
    }
    return points
  }

  // MARK: - Drawing

  /// The XML declaration, the root element, the document title and the white background.
  func open(into out: inout SVGBuilder, title: String) {
    out.line(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\""
        + " font-family=\"\(ConcentrationPlot.fontFamily)\">",
      "<title>\(PlotFormat.escaped(title))</title>",
      "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>")
  }

  /// Grid lines and tick labels of both axes (under the curves).
  func grid(into out: inout SVGBuilder) {
    for (index, value) in scale.concentrationTicks.enumerated() {
      let yy = coordinate(y(value))
      if index > 0 {
        out.line(
          "<line class=\"grid\" x1=\"\(coordinate(plotLeft))\" y1=\"\(yy)\" x2=\"\(coordinate(plotRight))\" y2=\"\(yy)\""
            + " stroke=\"#e3e3e3\" stroke-width=\"1\"/>")
      }
      out.line(
        "<text x=\"\(coordinate(plotLeft - 7))\" y=\"\(coordinate(y(value) + 4))\" font-size=\"11\""
          + " text-anchor=\"end\" fill=\"#333333\">\(scale.concentrationLabel(value))</text>")
    }
    for tick in scale.timeTicks(maxIntervals: max(2, Int((plotRight - plotLeft) / 90))) {
      let xx = coordinate(x(tick.minutes))
      out.line(
        "<line class=\"grid\" x1=\"\(xx)\" y1=\"\(coordinate(plotTop))\" x2=\"\(xx)\" y2=\"\(coordinate(plotBottom))\""
          + " stroke=\"#ececec\" stroke-width=\"1\"/>",
        "<line x1=\"\(xx)\" y1=\"\(coordinate(timeAxisY))\" x2=\"\(xx)\" y2=\"\(coordinate(timeAxisY + 4))\""
          + " stroke=\"#333333\" stroke-width=\"1\"/>",
        "<text x=\"\(xx)\" y=\"\(coordinate(timeAxisY + 17))\" font-size=\"11\" text-anchor=\"middle\""
          + " fill=\"#333333\">\(tick.label)</text>")
    }
  }

  /// The axes of the concentration panel and both axis titles.
  func axes(into out: inout SVGBuilder, concentrationLabel: String) {
    out.line(
      "<path class=\"axes\" d=\"M\(coordinate(plotLeft)) \(coordinate(plotTop))V\(coordinate(plotBottom))"
        + "H\(coordinate(plotRight))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>",
      "<text class=\"axis-label\" x=\"\(coordinate((plotLeft + plotRight) / 2))\""
        + " y=\"\(coordinate(timeAxisY + 38))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222222\">"
        + "time (\(scale.unitLabel))</text>",
      "<text class=\"axis-label\" transform=\"translate(20 \(coordinate((plotTop + plotBottom) / 2))) rotate(-90)\""
        + " font-size=\"12\" text-anchor=\"middle\" fill=\"#222222\">\(PlotFormat.escaped(concentrationLabel))</text>")
  }

  /// The reference levels within the axis as dashed lines.
  func thresholdLines(into out: inout SVGBuilder) {
    for threshold in scale.drawnThresholds {
      let yy = coordinate(y(threshold.nanogramsPerMilliliter))
      out.line(
        "<line class=\"threshold\" x1=\"\(coordinate(plotLeft))\" y1=\"\(yy)\" x2=\"\(coordinate(plotRight))\""
          + " y2=\"\(yy)\" stroke=\"\(ConcentrationPlot.thresholdColour)\" stroke-width=\"1.2\""
          + " stroke-dasharray=\"6 3\"/>")
    }
  }

  /// One label per group of reference lines closer together than a line of text, with a white halo.
  ///
  /// A label goes above the group's top line at the right end, else at the left end, else below its
  /// bottom line at the right or left end: the first of these spots that crosses none of `curves`
  /// (mapped points, px) and no label already placed; the first spot when none is free.
  func thresholdLabels(into out: inout SVGBuilder, avoiding curves: [[(Double, Double)]]) {
    var groups: [[(name: String, nanogramsPerMilliliter: Double)]] = []
    for threshold in scale.drawnThresholds.sorted(by: { $0.nanogramsPerMilliliter > $1.nanogramsPerMilliliter }) {
      if let last = groups.last?.last, y(threshold.nanogramsPerMilliliter) - y(last.nanogramsPerMilliliter) < 14 {
        groups[groups.count - 1].append(threshold)
      } else {
        groups.append([threshold])
      }
    }
    var placed: [ConcentrationPlot.Box] = []
    for group in groups {
      let label =
        group.map { "\($0.name) \(PlotFormat.short($0.nanogramsPerMilliliter))" }.joined(separator: ", ") + " ng/mL"
      let textWidth = estimatedWidth(label, fontSize: 11)
      let above = y(group[0].nanogramsPerMilliliter) - 4
      let below = (group.last.map { y($0.nanogramsPerMilliliter) } ?? above) + 13
      var spots: [(x: Double, baseline: Double, anchor: String, box: ConcentrationPlot.Box)] = []
      for baseline in [above, below] where baseline - 10 >= plotTop - 2 && baseline + 3 <= plotBottom - 2 {
        spots.append(
          (
            plotRight - 4, baseline, "end",
            ConcentrationPlot.Box(
              minX: plotRight - 6 - textWidth, maxX: plotRight - 2, minY: baseline - 10, maxY: baseline + 3)
          ))
        spots.append(
          (
            plotLeft + 6, baseline, "start",
            ConcentrationPlot.Box(
              minX: plotLeft + 4, maxX: plotLeft + 8 + textWidth, minY: baseline - 10, maxY: baseline + 3)
          ))
      }
      func isFree(_ box: ConcentrationPlot.Box) -> Bool {
        if placed.contains(where: { $0.overlaps(box) }) { return false }
        for curve in curves {
          for index in curve.indices.dropFirst() {
            let (a, b) = (curve[index - 1], curve[index])
            if max(a.0, b.0) < box.minX || min(a.0, b.0) > box.maxX { continue }
            if box.isCrossed(from: a, to: b) { return false }
          }
        }
        return true
      }
      let fallback = (
        x: plotRight - 4, baseline: above, anchor: "end",
        box: ConcentrationPlot.Box(
          minX: plotRight - 6 - textWidth, maxX: plotRight - 2, minY: above - 10, maxY: above + 3)
      )
      let spot = spots.first { isFree($0.box) } ?? spots.first ?? fallback
      placed.append(spot.box)
      out.line(
        "<text class=\"threshold-label\" x=\"\(coordinate(spot.x))\" y=\"\(coordinate(spot.baseline))\" font-size=\"11\""
          + " text-anchor=\"\(spot.anchor)\" fill=\"\(ConcentrationPlot.thresholdTextColour)\" stroke=\"#ffffff\""
          + " stroke-width=\"3\" paint-order=\"stroke\">" + PlotFormat.escaped(label) + "</text>")
    }
  }

  /// The rate panel: one step line per series, with the panel's axes.
  ///
  /// Each series is drawn in its colour, dash pattern and dash offset (px); the panel has its axes, 0 and the top of the rate
  /// axis, and `mg/h`. With `fill`, the area under the first series is shaded; with `labels`, each new
  /// non-zero rate of the first series is written at its change (up to 12).
  func ratePanel(
    into out: inout SVGBuilder,
    series: [(
      steps: [(startMinutes: Double, milligramsPerHour: Double)], colour: String, dashes: String?,
      dashOffset: Double
    )],
    fill: Bool, labels: Bool
  ) {
    guard let panel = ratePanel else { return }
    let highest = series.flatMap { $0.steps.map(\.milligramsPerHour) }.filter(\.isFinite).max() ?? 0
    let top = PlotFrame.rateTop(highest)
    for (index, line) in series.enumerated() {
      let vertices = stepVertices(line.steps, top: top)
      guard !vertices.isEmpty else { continue }
      if fill, index == 0, let first = vertices.first, let last = vertices.last {
        let area = [(first.0, rateY(0, top: top))] + vertices + [(last.0, rateY(0, top: top))]
        out.line(
          "<polygon class=\"rate-fill\" points=\"\(pointList(area))\" fill=\"\(line.colour)\" fill-opacity=\"0.12\""
            + " stroke=\"none\"/>")
      }
      out.line(
        "<polyline class=\"rate\" fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"1.8\""
          + (line.dashes.map { " stroke-dasharray=\"\($0)\"" } ?? "")
          + (line.dashOffset == 0 ? "" : " stroke-dashoffset=\"\(coordinate(line.dashOffset))\"")
          + " points=\"\(pointList(vertices))\"/>")
    }
    out.line(
      "<path class=\"rate-axes\" d=\"M\(coordinate(plotLeft)) \(coordinate(panel.top))V\(coordinate(panel.bottom))"
        + "H\(coordinate(plotRight))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>",
      "<text x=\"\(coordinate(plotLeft - 7))\" y=\"\(coordinate(rateY(top, top: top) + 4))\" font-size=\"10\""
        + " text-anchor=\"end\" fill=\"#333333\">\(PlotFormat.short(top))</text>",
      "<text x=\"\(coordinate(plotLeft - 7))\" y=\"\(coordinate(rateY(0, top: top) + 4))\" font-size=\"10\""
        + " text-anchor=\"end\" fill=\"#333333\">0</text>",
      "<text class=\"axis-label\" transform=\"translate(20 \(coordinate((panel.top + panel.bottom) / 2))) rotate(-90)\""
        + " font-size=\"11\" text-anchor=\"middle\" fill=\"#222222\">mg/h</text>")
    guard labels, let first = series.first else { return }
    var marks: [(x: Double, y: Double, text: String)] = []
    var previous: Double?
    for step in first.steps where step.startMinutes >= scale.startMinutes && step.startMinutes < scale.endMinutes {
      if step.milligramsPerHour != previous, step.milligramsPerHour > 0, step.milligramsPerHour.isFinite {
        marks.append(
          (
            x(step.startMinutes) + 3, rateY(step.milligramsPerHour, top: top) - 3,
            "\(ClinicalFormat.amount(step.milligramsPerHour)) mg/h"
          ))
      }
      previous = step.milligramsPerHour
    }
    guard marks.count <= 12 else { return }
    for mark in marks {
      out.line(
        "<text class=\"rate-label\" x=\"\(coordinate(mark.x))\" y=\"\(coordinate(max(mark.y, panel.top + 9)))\""
          + " font-size=\"10\" fill=\"\(first.colour)\">\(PlotFormat.escaped(mark.text))</text>")
    }
  }

  /// The title lines, centred.
  func title(into out: inout SVGBuilder) {
    for (index, line) in titleLines.enumerated() {
      out.line(
        "<text class=\"title\" x=\"\(coordinate(Double(width) / 2))\""
          + " y=\"\(coordinate(24 + PlotFrame.titleLineHeight * Double(index)))\" font-size=\"15\" font-weight=\"bold\""
          + " text-anchor=\"middle\" fill=\"#111111\">\(PlotFormat.escaped(line))</text>")
    }
  }

  /// The warnings under the time axis, the note on reference levels above the axis, and the footer.
  func bottom(into out: inout SVGBuilder) {
    for (index, warning) in warningLines.enumerated() {
      let baseline = timeAxisY + 56 + PlotFrame.warningLineHeight * Double(index)
      out.line(
        "<text class=\"warning\" x=\"8\" y=\"\(coordinate(baseline))\" font-size=\"11\" font-weight=\"bold\""
          + " fill=\"\(ConcentrationPlot.warningColour)\">" + PlotFormat.escaped(warning) + "</text>")
    }
    if let noteBaseline {
      let list = scale.omittedThresholds.map { "\($0.name) \(PlotFormat.short($0.nanogramsPerMilliliter)) ng/mL" }
      out.line(
        "<text class=\"note\" x=\"8\" y=\"\(coordinate(noteBaseline))\" font-size=\"11\" fill=\"#555555\">"
          + PlotFormat.escaped("above the axis, not drawn: " + list.joined(separator: ", ")) + "</text>")
    }
    let last = Double(height) - 8
    for (index, line) in footerLines.enumerated() {
      let baseline = last - PlotFrame.footerLineHeight * Double(footerLines.count - 1 - index)
      out.line(
        "<text class=\"footer\" x=\"\(coordinate(Double(width) - 8))\" y=\"\(coordinate(baseline))\" font-size=\"11\""
          + " text-anchor=\"end\" fill=\"#555555\">" + PlotFormat.escaped(line) + "</text>")
    }
  }

  /// `x,y x,y ...` in px, 0.001 px.
  func pointList(_ points: [(Double, Double)]) -> String {
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
}

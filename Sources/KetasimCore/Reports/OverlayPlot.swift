/// Input of an overlay picture: several runs on one time axis.
///
/// Times are in minutes, concentrations in ng/mL; every series has one value
/// per time of ``timesMinutes``.
public struct OverlayPlotData: Sendable {
  /// One run: a label (`regimen / model`), its plasma curve and, when the
  /// model has one, its effect-site curve.
  public struct Series: Sendable {
    public var label: String
    public var plasma: [Double]
    public var effectSite: [Double]?

    public init(label: String, plasma: [Double], effectSite: [Double]?) {
      self.label = label
      self.plasma = plasma
      self.effectSite = effectSite
    }
  }

  public var title: String
  public var timesMinutes: [Double]
  public var series: [Series]
  /// Reference concentrations in ng/mL, drawn as labelled dashed lines.
  public var thresholds: [(name: String, nanogramsPerMilliliter: Double)]

  public init(
    title: String, timesMinutes: [Double], series: [Series],
    thresholds: [(name: String, nanogramsPerMilliliter: Double)]
  ) {
    self.title = title
    self.timesMinutes = timesMinutes
    self.series = series
    self.thresholds = thresholds
  }
}

/// Several concentration-time curves overlaid in one standalone SVG, for
/// comparing regimens and models side by side.
///
/// The axes follow ``ConcentrationPlot`` (same scale rules, ticks and map
/// from data to px); each series has its own colour from a colour-blind-safe
/// palette (Okabe & Ito), Cp solid and Ce dashed in the series' colour, and
/// one legend entry. After seven series the colours repeat with a dash
/// pattern. Output is deterministic.
public struct OverlayPlot {
  let data: OverlayPlotData
  public let width: Int
  public let height: Int
  let scale: PlotScale
  let legendRows: [[(index: Int, x: Double)]]
  let plotLeft: Double
  let plotRight: Double
  let plotTop: Double
  let plotBottom: Double

  /// Okabe-Ito colours without yellow (too pale on white).
  static let palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"]
  static let thresholdColour = ConcentrationPlot.thresholdColour
  static let legendFontSize = 12.0

  public init(_ data: OverlayPlotData, width: Int = 900, height: Int = 520) {
    self.data = data
    self.width = max(width, 240)
    self.height = max(height, 180)
    // The scale sees the upper envelope of every series.
    var envelope = [Double](repeating: 0, count: data.timesMinutes.count)
    for series in data.series {
      for curve in [series.plasma] + (series.effectSite.map { [$0] } ?? []) {
        for (index, value) in curve.enumerated() where index < envelope.count && value.isFinite {
          envelope[index] = max(envelope[index], value)
        }
      }
    }
    scale = PlotScale(
      PlotData(
        title: data.title, timesMinutes: data.timesMinutes, plasma: envelope, effectSite: nil,
        thresholds: data.thresholds, infusions: [], boluses: []),
      concentrationIntervals: 5)
    plotLeft = 72
    plotRight = Double(self.width) - 24
    // Legend entries flow left to right and wrap; the plot starts below them.
    var rows: [[(index: Int, x: Double)]] = [[]]
    var x = plotLeft
    for (index, series) in data.series.enumerated() {
      let entryWidth = 30 + estimatedWidth(OverlayPlot.legendLabel(series), fontSize: OverlayPlot.legendFontSize) + 22
      if x + entryWidth > plotRight, !rows[rows.count - 1].isEmpty {
        rows.append([])
        x = plotLeft
      }
      rows[rows.count - 1].append((index, x))
      x += entryWidth
    }
    legendRows = rows
    plotTop = 44 + 18 * Double(rows.count)
    plotBottom = Double(self.height) - 60
  }

  static func legendLabel(_ series: OverlayPlotData.Series) -> String {
    series.effectSite == nil ? series.label : series.label + " (Cp solid, Ce dashed)"
  }

  func x(_ minutes: Double) -> Double {
    plotLeft + (minutes - scale.startMinutes) / (scale.endMinutes - scale.startMinutes) * (plotRight - plotLeft)
  }

  func y(_ concentration: Double) -> Double {
    plotBottom - concentration / scale.top * (plotBottom - plotTop)
  }

  /// The colour and dash pattern of series `index`.
  static func style(_ index: Int) -> (colour: String, dashes: String?) {
    let round = index / palette.count
    return (palette[index % palette.count], round == 0 ? nil : ["9 3", "3 3", "12 3 3 3"][(round - 1) % 3])
  }

  /// The picture as a complete SVG document (UTF-8 text).
  public var svg: String {
    var out = SVGBuilder()
    out.line(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\""
        + " font-family=\"\(ConcentrationPlot.fontFamily)\">",
      "<title>\(PlotFormat.escaped(data.title))</title>",
      "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>")
    axes(into: &out)
    for threshold in scale.drawnThresholds {
      let yy = y(threshold.nanogramsPerMilliliter)
      out.line(
        "<line class=\"threshold\" x1=\"\(coordinate(plotLeft))\" y1=\"\(coordinate(yy))\" x2=\"\(coordinate(plotRight))\""
          + " y2=\"\(coordinate(yy))\" stroke=\"\(Self.thresholdColour)\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"/>"
      )
    }
    // One label per group of lines closer together than a line of text,
    // above the group's top line at the right end.
    var groups: [[(name: String, nanogramsPerMilliliter: Double)]] = []
    for threshold in scale.drawnThresholds.sorted(by: { $0.nanogramsPerMilliliter > $1.nanogramsPerMilliliter }) {
      if let last = groups.last?.last, y(threshold.nanogramsPerMilliliter) - y(last.nanogramsPerMilliliter) < 14 {
        groups[groups.count - 1].append(threshold)
      } else {
        groups.append([threshold])
      }
    }
    for group in groups {
      let label =
        group.map { "\($0.name) \(PlotFormat.short($0.nanogramsPerMilliliter))" }.joined(separator: ", ") + " ng/mL"
      out.line(
        "<text class=\"threshold-label\" x=\"\(coordinate(plotRight - 4))\""
          + " y=\"\(coordinate(y(group[0].nanogramsPerMilliliter) - 4))\" font-size=\"11\" text-anchor=\"end\""
          + " fill=\"\(ConcentrationPlot.thresholdTextColour)\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">"
          + PlotFormat.escaped(label) + "</text>")
    }
    for (index, series) in data.series.enumerated() {
      let style = Self.style(index)
      if let effect = series.effectSite {
        out.line(
          "<polyline class=\"ce\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"1.6\" stroke-dasharray=\"2 3\""
            + " stroke-linejoin=\"round\" points=\"\(points(effect))\"/>")
      }
      out.line(
        "<polyline class=\"cp\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"2\""
          + (style.dashes.map { " stroke-dasharray=\"\($0)\"" } ?? "")
          + " stroke-linejoin=\"round\" points=\"\(points(series.plasma))\"/>")
    }
    legend(into: &out)
    out.line(
      "<text class=\"title\" x=\"\(coordinate(Double(width) / 2))\" y=\"24\" font-size=\"15\" font-weight=\"bold\""
        + " text-anchor=\"middle\" fill=\"#111111\">\(PlotFormat.escaped(data.title))</text>",
      "<text class=\"footer\" x=\"\(coordinate(Double(width) - 8))\" y=\"\(coordinate(Double(height) - 8))\""
        + " font-size=\"11\" text-anchor=\"end\" fill=\"#555555\">population-model estimates, not a medical device</text>",
      "</svg>")
    return out.text
  }

  private func axes(into out: inout SVGBuilder) {
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
        "<text x=\"\(xx)\" y=\"\(coordinate(plotBottom + 17))\" font-size=\"11\" text-anchor=\"middle\""
          + " fill=\"#333333\">\(tick.label)</text>")
    }
    out.line(
      "<path class=\"axes\" d=\"M\(coordinate(plotLeft)) \(coordinate(plotTop))V\(coordinate(plotBottom))"
        + "H\(coordinate(plotRight))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>",
      "<text class=\"axis-label\" x=\"\(coordinate((plotLeft + plotRight) / 2))\""
        + " y=\"\(coordinate(plotBottom + 36))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222222\">"
        + "time (\(scale.unitLabel))</text>",
      "<text class=\"axis-label\" transform=\"translate(20 \(coordinate((plotTop + plotBottom) / 2))) rotate(-90)\""
        + " font-size=\"12\" text-anchor=\"middle\" fill=\"#222222\">plasma concentration (ng/mL)</text>")
  }

  private func legend(into out: inout SVGBuilder) {
    for (row, entries) in legendRows.enumerated() {
      let baseline = 47.0 + 18 * Double(row)
      for entry in entries {
        let style = Self.style(entry.index)
        let label = Self.legendLabel(data.series[entry.index])
        out.line(
          "<g class=\"legend\"><line x1=\"\(coordinate(entry.x))\" y1=\"\(coordinate(baseline - 4))\""
            + " x2=\"\(coordinate(entry.x + 24))\" y2=\"\(coordinate(baseline - 4))\" stroke=\"\(style.colour)\""
            + " stroke-width=\"2\"" + (style.dashes.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
            + "<text x=\"\(coordinate(entry.x + 30))\" y=\"\(coordinate(baseline))\" font-size=\"12\""
            + " fill=\"#222222\">\(PlotFormat.escaped(label))</text></g>")
      }
    }
  }

  /// The polyline points of one curve, finite samples only.
  private func points(_ values: [Double]) -> String {
    var text = ""
    text.reserveCapacity(values.count * 16)
    for (time, value) in zip(data.timesMinutes, values) where time.isFinite && value.isFinite {
      if !text.isEmpty { text += " " }
      text += coordinate(x(time)) + "," + coordinate(y(value))
    }
    return text
  }
}

/// Several concentration-time curves overlaid in one standalone SVG, for
/// comparing regimens and models side by side.
///
/// The axes follow ``ConcentrationPlot`` (same scale rules, ticks and map
/// from data to px, the time range and logarithmic axis of the data); each
/// series has its own colour from a colour-blind-safe palette (Okabe & Ito),
/// Cp solid and Ce dashed in the series' colour, and one legend entry. After
/// seven series the colours repeat with a dash pattern. When the series have
/// rates, a rate panel under the concentrations draws each series' infusion
/// rate (mg/h) as a step line in its colour and dash pattern. The title
/// wraps; warnings, a note on reference levels above the axis and the footer
/// (ending with the disclaimer) follow the time axis (``PlotFrame``). Output
/// is deterministic.
public struct OverlayPlot {
  let data: OverlayPlotData
  let frame: PlotFrame
  let legendRows: [[(index: Int, x: Double)]]
  /// Width and height of the picture in px; the height grows when the title, legend and warnings need it.
  public var width: Int { frame.width }
  public var height: Int { frame.height }
  var scale: PlotScale { frame.scale }

  /// Okabe-Ito colours without yellow (too pale on white).
  static let palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"]
  static let legendFontSize = 12.0

  /// Lays out a picture of `data`, `width` by `height` px (at least 240 by 180, more when needed).
  public init(_ data: OverlayPlotData, width: Int = 900, height: Int = 520) {
    self.data = data
    let scale = PlotFrame.scale(
      times: data.timesMinutes,
      curves: data.series.flatMap { [$0.plasma] + ($0.effectSite.map { [$0] } ?? []) + $0.others.map(\.values) },
      thresholds: data.thresholds, timeRange: data.timeRange, logarithmic: data.logarithmic)
    let pictureWidth = max(width, 240)
    let rows = PlotFrame.legendRows(
      data.series.map(OverlayPlot.legendLabel), left: 72, right: Double(pictureWidth) - 24)
    legendRows = rows
    frame = PlotFrame(
      width: pictureWidth, height: height, scale: scale, title: data.title, warnings: data.warnings,
      footer: data.footer, legendRows: rows.count, hasRates: data.series.contains { !$0.rates.isEmpty })
  }

  /// Dash patterns of a series' further curves (``OverlayPlotData/Series/others``), in turn, with their names.
  static let otherStyles = [(name: "dotted", dashes: "1 3"), (name: "dash-dotted", dashes: "7 3 1 3")]

  static func legendLabel(_ series: OverlayPlotData.Series) -> String {
    var parts: [String] = []
    if series.effectSite != nil { parts.append("Ce dashed") }
    parts += series.others.indices.map { "\(series.others[$0].name) \(otherStyles[$0 % otherStyles.count].name)" }
    return parts.isEmpty ? series.label : series.label + " (Cp solid, \(parts.joined(separator: ", ")))"
  }

  /// The x (px) of a time in minutes.
  func x(_ minutes: Double) -> Double { frame.x(minutes) }

  /// The y (px) of a concentration in ng/mL.
  func y(_ concentration: Double) -> Double { frame.y(concentration) }

  /// Maps a time (minutes) and a concentration (ng/mL) to SVG coordinates (px), as the curves are drawn.
  public func point(timeMinutes: Double, concentration: Double) -> (x: Double, y: Double) {
    (frame.x(timeMinutes), frame.y(concentration))
  }

  /// Maps a time (minutes) and an infusion rate (mg/h) to SVG coordinates (px) in the rate panel: 0 mg/h
  /// at the panel's bottom, the top of the rate axis (a 1-2-5 step at or above the highest rate of any
  /// series) 8 px under its top.
  public func ratePoint(timeMinutes: Double, milligramsPerHour: Double) -> (x: Double, y: Double) {
    (frame.x(timeMinutes), frame.rateY(milligramsPerHour, top: rateTop))
  }

  /// The top of the rate axis in mg/h.
  var rateTop: Double {
    PlotFrame.rateTop(data.series.flatMap { $0.rates.map(\.milligramsPerHour) }.filter(\.isFinite).max() ?? 0)
  }

  /// The rate line of each series: its rates, colour and dash pattern.
  ///
  /// Series whose rates are identical (one regimen under several models) would hide one another, so
  /// the second and later of such a group are dashed in turns: with `n` in the group, member `m > 0`
  /// draws 8 px dashes with 8·(n − 1) px gaps, offset by 8·m px, over the first drawn solid.
  var rateLines:
    [(steps: [(startMinutes: Double, milligramsPerHour: Double)], colour: String, dashes: String?, dashOffset: Double)]
  {
    let series = data.series
    func same(_ a: Int, _ b: Int) -> Bool {
      series[a].rates.count == series[b].rates.count
        && zip(series[a].rates, series[b].rates).allSatisfy { $0 == $1 }
    }
    return series.indices.map { index in
      let style = Self.style(index)
      let group = series.indices.filter { same($0, index) }
      guard group.count > 1, let member = group.firstIndex(of: index), member > 0 else {
        return (series[index].rates, style.colour, style.dashes, 0)
      }
      return (
        series[index].rates, style.colour, "8 \(8 * (group.count - 1))", -8 * Double(member)
      )
    }
  }

  /// The colour and dash pattern of series `index`.
  static func style(_ index: Int) -> (colour: String, dashes: String?) {
    let round = index / palette.count
    return (palette[index % palette.count], round == 0 ? nil : ["9 3", "3 3", "12 3 3 3"][(round - 1) % 3])
  }

  /// The picture as a complete SVG document (UTF-8 text).
  public var svg: String {
    var out = SVGBuilder()
    frame.open(into: &out, title: data.title)
    frame.grid(into: &out)
    frame.thresholdLines(into: &out)
    for (index, series) in data.series.enumerated() {
      let style = Self.style(index)
      if let effect = series.effectSite {
        out.line(
          "<polyline class=\"ce\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"1.6\" stroke-dasharray=\"2 3\""
            + " stroke-linejoin=\"round\" points=\"\(points(effect))\"/>")
      }
      for (k, other) in series.others.enumerated() {
        out.line(
          "<polyline class=\"other\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"1.6\""
            + " stroke-dasharray=\"\(Self.otherStyles[k % Self.otherStyles.count].dashes)\""
            + " stroke-linecap=\"round\" stroke-linejoin=\"round\""
            + " points=\"\(points(other.values))\"/>")
      }
      out.line(
        "<polyline class=\"cp\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"2\""
          + (style.dashes.map { " stroke-dasharray=\"\($0)\"" } ?? "")
          + " stroke-linejoin=\"round\" points=\"\(points(series.plasma))\"/>")
    }
    frame.thresholdLabels(
      into: &out,
      avoiding: data.series.flatMap { series in
        [mapped(series.plasma)] + (series.effectSite.map { [mapped($0)] } ?? [])
      })
    frame.axes(into: &out, concentrationLabel: "plasma concentration (ng/mL)")
    frame.ratePanel(into: &out, series: rateLines, fill: false, labels: data.series.count == 1)
    legend(into: &out)
    frame.title(into: &out)
    frame.bottom(into: &out)
    out.line("</svg>")
    return out.text
  }

  private func legend(into out: inout SVGBuilder) {
    for (row, entries) in legendRows.enumerated() {
      let baseline = frame.legendBaseline + PlotFrame.legendRowHeight * Double(row)
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

  /// The polyline points of one curve: finite samples within the time axis.
  private func points(_ values: [Double]) -> String { frame.pointList(mapped(values)) }

  /// The mapped points (px) of one curve: finite samples within the time axis.
  private func mapped(_ values: [Double]) -> [(Double, Double)] {
    let range = scale.startMinutes...scale.endMinutes
    var mapped: [(Double, Double)] = []
    mapped.reserveCapacity(values.count)
    for (time, value) in zip(data.timesMinutes, values) where time.isFinite && value.isFinite && range.contains(time) {
      mapped.append((frame.x(time), frame.y(value)))
    }
    return mapped
  }
}

/// The percentile bands of a population run in one standalone SVG.
///
/// The percentiles other than the 50th pair up from the outside in: the
/// lowest with the highest, the second lowest with the second highest, and
/// so on. Each pair is a shaded band (a polygon along the upper percentile
/// and back along the lower one), the outermost the lightest and each inner
/// one darker; the 50th percentile (median) is a solid line, and a
/// percentile left without a partner a thin dashed line. The axes, the
/// reference levels, the typical patient's rate panel (mg/h) and bolus
/// ticks, the wrapped title, the warnings and the footer follow ``OverlayPlot`` (see
/// ``PlotFrame``). Colours: bands #d6e4f5, #a8c4e6, #7ea6d6, #5a8ac6 from
/// the outside in, the median #1f5fa8, the rate #1e7b4f; a metabolite's
/// percentiles (``BandPlotData/others``) are dotted lines in the colours of
/// ``ConcentrationPlot``'s other curves, its median thicker. Output is
/// deterministic.
public struct BandPlot {
  let data: BandPlotData
  let frame: PlotFrame
  let legendRows: [[(index: Int, x: Double)]]
  /// Width and height of the picture in px; the height grows when the title, legend and warnings need it.
  public var width: Int { frame.width }
  public var height: Int { frame.height }
  var scale: PlotScale { frame.scale }

  static let bandColours = ["#d6e4f5", "#a8c4e6", "#7ea6d6", "#5a8ac6"]
  static let medianColour = ConcentrationPlot.plasmaColour

  /// Lays out a picture of `data`, `width` by `height` px (at least 240 by 180, more when needed).
  public init(_ data: BandPlotData, width: Int = 900, height: Int = 540) {
    self.data = data
    let scale = PlotFrame.scale(
      times: data.timesMinutes,
      curves: data.percentiles.map(\.values) + data.others.flatMap { $0.percentiles.map(\.values) }
        + [BandPlot.observedCurve(data)],
      thresholds: data.thresholds,
      timeRange: data.timeRange, logarithmic: data.logarithmic)
    let pictureWidth = max(width, 240)
    let rows = PlotFrame.legendRows(
      BandPlot.legendEntries(data, drawsThresholds: !scale.drawnThresholds.isEmpty).map(\.label), left: 72,
      right: Double(pictureWidth) - 24)
    legendRows = rows
    frame = PlotFrame(
      width: pictureWidth, height: height, scale: scale, title: data.title, warnings: data.warnings,
      footer: data.footer, legendRows: rows.count, hasRates: !data.rates.isEmpty)
  }

  /// The bands, outermost first: indices into ``BandPlotData/percentiles`` of the lower and upper percentile.
  var bands: [(lower: Int, upper: Int)] {
    let others = data.percentiles.indices.filter { data.percentiles[$0].percent != 50 }
    return (0..<others.count / 2).map { (others[$0], others[others.count - 1 - $0]) }
  }

  /// The index of the 50th percentile, if the run has it.
  var median: Int? { data.percentiles.firstIndex { $0.percent == 50 } }

  /// The percentiles without a partner (drawn as thin lines).
  var unpaired: [Int] {
    let others = data.percentiles.indices.filter { data.percentiles[$0].percent != 50 }
    return others.count % 2 == 1 ? [others[others.count / 2]] : []
  }

  /// Maps a time (minutes) and a concentration (ng/mL) to SVG coordinates (px), as the bands are drawn.
  public func point(timeMinutes: Double, concentration: Double) -> (x: Double, y: Double) {
    (frame.x(timeMinutes), frame.y(concentration))
  }

  /// Maps a time (minutes) and an infusion rate (mg/h) to SVG coordinates (px) in the rate panel.
  public func ratePoint(timeMinutes: Double, milligramsPerHour: Double) -> (x: Double, y: Double) {
    (frame.x(timeMinutes), frame.rateY(milligramsPerHour, top: rateTop))
  }

  var rateTop: Double { PlotFrame.rateTop(data.rates.map(\.milligramsPerHour).filter(\.isFinite).max() ?? 0) }

  /// `5th`, `50th`, `2.5th`, `1st`, `22nd`, `93rd`.
  static func ordinal(_ percent: Double) -> String {
    let text = PlotFormat.short(percent)
    guard percent == percent.rounded(), abs(percent) < 1e15 else { return text + "th" }
    let whole = Int(percent)
    if (11...13).contains(whole % 100) { return text + "th" }
    switch whole % 10 {
    case 1: return text + "st"
    case 2: return text + "nd"
    case 3: return text + "rd"
    default: return text + "th"
    }
  }

  /// What the legend names, in order, and how each is drawn.
  enum Swatch {
    case band(Int)
    case median, line, threshold, rate, bolus
    case other(Int, median: Bool)
    case observed
  }

  /// The colour of the observed dots.
  static let observedColour = "#b03a2e"

  /// The observed values placed at the output time nearest each (the larger where two share one), so that
  /// the concentration axis reaches every dot.
  static func observedCurve(_ data: BandPlotData) -> [Double] {
    guard !data.observed.isEmpty, !data.timesMinutes.isEmpty else { return [] }
    var curve = [Double](repeating: .nan, count: data.timesMinutes.count)
    for point in data.observed where point.minutes.isFinite && point.nanogramsPerMilliliter.isFinite {
      var low = Swift.min(data.timesMinutes.firstIndex(atOrAfter: point.minutes), data.timesMinutes.count - 1)
      if low > 0, point.minutes - data.timesMinutes[low - 1] < data.timesMinutes[low] - point.minutes { low -= 1 }
      curve[low] = curve[low].isNaN ? point.nanogramsPerMilliliter : max(curve[low], point.nanogramsPerMilliliter)
    }
    return curve
  }

  static func legendEntries(_ data: BandPlotData, drawsThresholds: Bool) -> [(label: String, swatch: Swatch)] {
    let others = data.percentiles.indices.filter { data.percentiles[$0].percent != 50 }
    var entries: [(label: String, swatch: Swatch)] = []
    if data.percentiles.contains(where: { $0.percent == 50 }) { entries.append(("median Cp", .median)) }
    for band in 0..<others.count / 2 {
      let (low, high) = (
        data.percentiles[others[band]].percent, data.percentiles[others[others.count - 1 - band]].percent
      )
      entries.append(("\(ordinal(low))–\(ordinal(high)) percentile", .band(band)))
    }
    if others.count % 2 == 1 {
      entries.append(("\(ordinal(data.percentiles[others[others.count / 2]].percent)) percentile", .line))
    }
    for (index, other) in data.others.enumerated() {
      let percents = other.percentiles.map(\.percent)
      if percents.contains(50) { entries.append(("median \(other.name)", .other(index, median: true))) }
      let outer = percents.filter { $0 != 50 }
      if let low = outer.first, let high = outer.last {
        let label = low == high ? ordinal(low) : "\(ordinal(low))–\(ordinal(high))"
        entries.append(("\(other.name) \(label) percentile", .other(index, median: false)))
      }
    }
    if !data.observed.isEmpty { entries.append(("observed DV", .observed)) }
    if drawsThresholds { entries.append(("reference level", .threshold)) }
    if !data.rates.isEmpty { entries.append(("rate, typical patient", .rate)) }
    if !data.boluses.isEmpty { entries.append(("bolus", .bolus)) }
    return entries
  }

  /// The picture as a complete SVG document (UTF-8 text).
  public var svg: String {
    var out = SVGBuilder()
    frame.open(into: &out, title: data.title)
    frame.grid(into: &out)
    for (rank, band) in bands.enumerated() {
      let upper = mapped(data.percentiles[band.upper].values)
      let lower = mapped(data.percentiles[band.lower].values)
      guard !upper.isEmpty, !lower.isEmpty else { continue }
      out.line(
        "<polygon class=\"band\" fill=\"\(Self.bandColour(rank))\" stroke=\"none\""
          + " points=\"\(frame.pointList(upper + lower.reversed()))\"/>")
    }
    frame.thresholdLines(into: &out)
    for index in unpaired {
      out.line(
        "<polyline class=\"percentile\" fill=\"none\" stroke=\"\(Self.medianColour)\" stroke-width=\"1\""
          + " stroke-dasharray=\"4 3\" stroke-linejoin=\"round\""
          + " points=\"\(frame.pointList(mapped(data.percentiles[index].values)))\"/>")
    }
    if let median {
      out.line(
        "<polyline class=\"median\" fill=\"none\" stroke=\"\(Self.medianColour)\" stroke-width=\"2.2\""
          + " stroke-linejoin=\"round\" points=\"\(frame.pointList(mapped(data.percentiles[median].values)))\"/>")
    }
    for (index, other) in data.others.enumerated() {
      let colour = Self.otherColour(index)
      for percentile in other.percentiles {
        let median = percentile.percent == 50
        out.line(
          "<polyline class=\"other\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(median ? "2" : "1")\""
            + " stroke-dasharray=\"\(median ? "2 3" : "1 3")\" stroke-linejoin=\"round\""
            + " points=\"\(frame.pointList(mapped(percentile.values)))\"/>")
      }
    }
    let range = scale.startMinutes...scale.endMinutes
    for point in data.observed
    where range.contains(point.minutes) && point.nanogramsPerMilliliter.isFinite
      && (!data.logarithmic || point.nanogramsPerMilliliter > 0)
    {
      out.line(
        "<circle class=\"observed\" cx=\"\(coordinate(frame.x(point.minutes)))\""
          + " cy=\"\(coordinate(frame.y(point.nanogramsPerMilliliter)))\" r=\"2.8\" fill=\"\(Self.observedColour)\""
          + " fill-opacity=\"0.8\" stroke=\"#ffffff\" stroke-width=\"0.6\"/>")
    }
    frame.thresholdLabels(
      into: &out,
      avoiding: (median.map { [$0] } ?? []).map { mapped(data.percentiles[$0].values) }
        + unpaired.map { mapped(data.percentiles[$0].values) })
    frame.axes(into: &out, concentrationLabel: "plasma concentration (ng/mL)")
    // The typical patient's boluses: ticks reaching below the axis, as on the single-patient picture.
    for time in data.boluses where time.isFinite && time >= scale.startMinutes && time <= scale.endMinutes {
      let xx = coordinate(frame.x(time))
      out.line(
        "<line class=\"bolus\" x1=\"\(xx)\" y1=\"\(coordinate(frame.plotBottom + 7))\" x2=\"\(xx)\""
          + " y2=\"\(coordinate(frame.plotBottom - 12))\" stroke=\"\(ConcentrationPlot.bolusColour)\" stroke-width=\"2\"/>"
      )
    }
    frame.ratePanel(into: &out, series: [(data.rates, ConcentrationPlot.rateColour, nil, 0)], fill: true, labels: true)
    legend(into: &out)
    frame.title(into: &out)
    frame.bottom(into: &out)
    out.line("</svg>")
    return out.text
  }

  /// The colour of ``BandPlotData/others`` entry `index`.
  static func otherColour(_ index: Int) -> String {
    ConcentrationPlot.otherColours[index % ConcentrationPlot.otherColours.count]
  }

  /// The fill of band `rank` (0 is the outermost).
  static func bandColour(_ rank: Int) -> String { bandColours[min(rank, bandColours.count - 1)] }

  private func legend(into out: inout SVGBuilder) {
    let entries = Self.legendEntries(data, drawsThresholds: !scale.drawnThresholds.isEmpty)
    for (row, placed) in legendRows.enumerated() {
      let baseline = frame.legendBaseline + PlotFrame.legendRowHeight * Double(row)
      let mid = coordinate(baseline - 4)
      for entry in placed {
        let (label, swatch) = entries[entry.index]
        let left = entry.x
        func line(_ colour: String, _ width: String, _ dashes: String?) -> String {
          "<line x1=\"\(coordinate(left))\" y1=\"\(mid)\" x2=\"\(coordinate(left + 24))\" y2=\"\(mid)\""
            + " stroke=\"\(colour)\" stroke-width=\"\(width)\"" + (dashes.map { " stroke-dasharray=\"\($0)\"" } ?? "")
            + "/>"
        }
        let drawn: String
        switch swatch {
        case .band(let rank):
          drawn =
            "<rect x=\"\(coordinate(left))\" y=\"\(coordinate(baseline - 11))\" width=\"24\" height=\"13\""
            + " fill=\"\(Self.bandColour(rank))\" stroke=\"#9fb5d3\" stroke-width=\"1\"/>"
        case .median: drawn = line(Self.medianColour, "2.2", nil)
        case .line: drawn = line(Self.medianColour, "1", "4 3")
        case .threshold: drawn = line(ConcentrationPlot.thresholdColour, "1.2", "6 3")
        case .rate: drawn = line(ConcentrationPlot.rateColour, "1.8", nil)
        case .other(let index, let median):
          drawn = line(Self.otherColour(index), median ? "2" : "1", median ? "2 3" : "1 3")
        case .observed:
          drawn =
            "<circle cx=\"\(coordinate(left + 12))\" cy=\"\(mid)\" r=\"3\" fill=\"\(Self.observedColour)\"/>"
        case .bolus:
          drawn =
            "<line x1=\"\(coordinate(left + 12))\" y1=\"\(coordinate(baseline + 1))\" x2=\"\(coordinate(left + 12))\""
            + " y2=\"\(coordinate(baseline - 11))\" stroke=\"\(ConcentrationPlot.bolusColour)\" stroke-width=\"2\"/>"
        }
        out.line(
          "<g class=\"legend\">" + drawn + "<text x=\"\(coordinate(left + 30))\" y=\"\(coordinate(baseline))\""
            + " font-size=\"12\" fill=\"#222222\">\(PlotFormat.escaped(label))</text></g>")
      }
    }
  }

  /// The mapped points of one percentile: finite values at times within the time axis.
  private func mapped(_ values: [Double]) -> [(Double, Double)] {
    let range = scale.startMinutes...scale.endMinutes
    var points: [(Double, Double)] = []
    points.reserveCapacity(values.count)
    for (time, value) in zip(data.timesMinutes, values) where time.isFinite && value.isFinite && range.contains(time) {
      points.append((frame.x(time), frame.y(value)))
    }
    return points
  }
}

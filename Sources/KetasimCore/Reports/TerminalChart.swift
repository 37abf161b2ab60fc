/// A compact text picture of a time course, for a terminal (stderr).
///
/// Lines, in order: the title; `ng/mL` above the concentration labels;
/// `height` rows of the chart, whose left column holds concentration labels in
/// ng/mL and whose right edge names the reference levels drawn as rows of `-`;
/// the time axis (`+` at ticks, `=` under infusions, `^` at boluses); the time
/// labels followed by their unit, `min` or `h` (hours when the run is longer
/// than 6 h); a legend; and, when some reference levels lie above the axis, a
/// note naming them. Plasma (Cp) is drawn with `*`, the effect site (Ce) with
/// `o`, where Cp wins when both fall on one cell. No line is longer than
/// `width` characters; trailing spaces are removed; plain ASCII except for
/// characters of the title and the threshold names; no terminal escapes.
/// The axes are those of ``ConcentrationPlot``: concentration from 0 to a
/// little above the peak (and the reference levels up to twice it).
package struct TerminalChart {
  /// What is drawn.
  let data: PlotData
  /// Maximum characters per line (at least 30).
  let width: Int
  /// Rows of the chart area (at least 5).
  let height: Int

  /// Lays out a chart of `data` in `width` columns with `height` chart rows.
  package init(_ data: PlotData, width: Int = 72, height: Int = 14) {
    self.data = data
    self.width = max(width, 30)
    self.height = max(height, 5)
  }

  /// The chart, lines joined by `"\n"` (no trailing newline).
  package var text: String {
    let scale = PlotScale(data, concentrationIntervals: 5)
    let rows = height

    // Concentration labels on the left.
    func row(_ concentration: Double) -> Int {
      let r = ((1 - concentration / scale.top) * Double(rows - 1)).rounded()
      return Int(min(max(r, 0), Double(rows - 1)))
    }
    var leftLabels = [String?](repeating: nil, count: rows)
    var lastRow = -1
    for value in scale.concentrationTicks.reversed() {
      let r = row(value)
      guard r > lastRow else { continue }  // two ticks on one row (very low charts): the upper one wins
      leftLabels[r] = scale.concentrationLabel(value)
      lastRow = r
    }
    let leftWidth = leftLabels.compactMap { $0?.count }.max() ?? 1

    // Reference-level labels on the right, one per row.
    var rightLabels = [String?](repeating: nil, count: rows)
    for threshold in scale.drawnThresholds {
      let r = row(threshold.nanogramsPerMilliliter)
      let label = "\(threshold.name) \(PlotFormat.short(threshold.nanogramsPerMilliliter))"
      rightLabels[r] = rightLabels[r].map { $0 + ", " + label } ?? label
    }
    let prefix = leftWidth + 2
    let longestRight = rightLabels.compactMap { $0?.count }.max().map { $0 + 1 } ?? 0
    let rightWidth = min(longestRight, width / 3)
    let columns = width - prefix - rightWidth

    // The chart area.
    var grid = [[Character]](repeating: [Character](repeating: " ", count: columns), count: rows)
    for threshold in scale.drawnThresholds {
      let r = row(threshold.nanogramsPerMilliliter)
      grid[r] = [Character](repeating: "-", count: columns)
    }
    let span = scale.endMinutes - scale.startMinutes
    func column(_ minutes: Double) -> Int {
      let c = ((minutes - scale.startMinutes) / span * Double(columns - 1)).rounded()
      return Int(min(max(c, 0), Double(columns - 1)))
    }
    func draw(_ values: [Double], glyph: Character) {
      var previous: (column: Int, row: Int)?
      for (time, value) in zip(data.timesMinutes, values) where time.isFinite && value.isFinite {
        let current = (column: column(time), row: row(value))
        let start = previous ?? current
        let steps = max(abs(current.column - start.column), abs(current.row - start.row))
        for k in 0...steps {
          let fraction = steps == 0 ? 0 : Double(k) / Double(steps)
          let c = Int((Double(start.column) + fraction * Double(current.column - start.column)).rounded())
          let r = Int((Double(start.row) + fraction * Double(current.row - start.row)).rounded())
          grid[r][c] = glyph
        }
        previous = current
      }
    }
    if let effect = data.effectSite { draw(effect, glyph: "o") }
    draw(data.plasma, glyph: "*")

    var lines: [String] = []
    lines.append(Self.truncated(data.title, to: width))
    lines.append("ng/mL")
    for r in 0..<rows {
      let label = leftLabels[r] ?? ""
      var line = String(repeating: " ", count: leftWidth - label.count) + label + " |" + String(grid[r])
      if let right = rightLabels[r], rightWidth > 1 {
        line += " " + Self.truncated(right, to: rightWidth - 1)
      }
      lines.append(line)
    }

    // Time axis: ticks, infusions, boluses.
    var axis = [Character](repeating: "-", count: columns)
    for infusion in data.infusions {
      let start = max(infusion.startMinutes, scale.startMinutes)
      let end = min(infusion.endMinutes, scale.endMinutes)
      guard start.isFinite, end.isFinite, end > start else { continue }
      let first = column(start)
      for c in first..<max(column(end), first + 1) { axis[c] = "=" }
    }
    let ticks = scale.timeTicks(maxIntervals: max(1, columns / 10))
    for tick in ticks where column(tick.minutes) > 0 { axis[column(tick.minutes)] = "+" }
    for time in data.boluses where time.isFinite && time >= scale.startMinutes && time <= scale.endMinutes {
      axis[column(time)] = "^"
    }
    lines.append(String(repeating: " ", count: leftWidth + 1) + "+" + String(axis))

    // Time labels and unit.
    var placedLabels: [(start: Int, text: String)] = []
    var end = -1
    for tick in ticks {
      let position = prefix + column(tick.minutes)
      let start = max(position - (tick.label.count - 1) / 2, 0)
      guard start > end + 1 || end < 0, start + tick.label.count <= width else { continue }
      placedLabels.append((start, tick.label))
      end = start + tick.label.count - 1
    }
    let unit = scale.unitLabel
    while let last = placedLabels.last, last.start + last.text.count + 1 + unit.count > width {
      placedLabels.removeLast()
    }
    var labelRow = [Character](repeating: " ", count: width)
    for label in placedLabels {
      for (offset, character) in label.text.enumerated() { labelRow[label.start + offset] = character }
    }
    let unitStart = placedLabels.last.map { $0.start + $0.text.count + 1 } ?? prefix
    for (offset, character) in unit.enumerated() where unitStart + offset < width {
      labelRow[unitStart + offset] = character
    }
    lines.append(String(labelRow))

    // Legend and note.
    var legend = ["* Cp plasma"]
    if data.effectSite != nil { legend.append("o Ce effect site") }
    if !data.infusions.isEmpty { legend.append("= infusion") }
    if !data.boluses.isEmpty { legend.append("^ bolus") }
    if !scale.drawnThresholds.isEmpty { legend.append("- reference level") }
    lines.append(Self.truncated(legend.joined(separator: "  "), to: width))
    if !scale.omittedThresholds.isEmpty {
      let list = scale.omittedThresholds.map { "\($0.name) \(PlotFormat.short($0.nanogramsPerMilliliter))" }
      lines.append(Self.truncated("above the axis: " + list.joined(separator: ", ") + " ng/mL", to: width))
    }
    return lines.map(Self.trimmingTrailingSpaces).joined(separator: "\n")
  }

  private static func truncated(_ text: String, to length: Int) -> String {
    guard text.count > length else { return text }
    guard length > 3 else { return String(text.prefix(length)) }
    return String(text.prefix(length - 3)) + "..."
  }

  private static func trimmingTrailingSpaces(_ line: String) -> String {
    var line = Substring(line)
    while line.last == " " { line.removeLast() }
    return String(line)
  }
}

/// The read-out of a whole population as a `metric,value,unit` CSV, built
/// from the subjects' rows (so a merge of shards gives the same table).
///
/// Rows: `model`, `subjects`, `seed`, `variability` (ω per parameter),
/// `covariates`, `doses`, `duration`; `subjects_outside_validity_range`;
/// then for plasma (`cp_`) and, with an effect site, the effect site (`ce_`):
/// `max_pXX` (ng/mL) for each requested percentile and, for each threshold
/// T, `threshold_T` (ng/mL) and `fraction_ever_above_T`.
///
/// With effect endpoints, `ID_fraction_above_c50`: the fraction of subjects
/// whose endpoint effect site rose above its C50 (half-maximal effect).
///
/// Percentiles of the peak are exact nearest-rank order statistics of the
/// subjects' exact peaks (`r = ⌈p·N/100⌉`), not binned.
///
/// Prediction intervals of the other read-outs follow each site's peak: `tmax_pXX` (min) and `auc_pXX`
/// (ng·min/mL), and after each threshold's fraction, `time_above_T_pXX` (min): nearest-rank percentiles of the
/// subjects' exact values, to within 0.2 % (``MetricDistribution``: binned, so that memory stays bounded).
public struct PopulationSummary: Sendable {
  public let layout: PopulationLayout
  private var count = 0
  private var outside = 0
  private var peaks: [[Double]]
  private var ever: [[Int]]
  private let peakColumns: [Int]
  private let everColumns: [[Int]]
  private let outsideColumn: Int
  /// Effect endpoints' `ID_ever_above_c50` (or `_level`) flag columns, with the endpoint ids and level
  /// names, and the counts.
  private let endpointColumns: [(id: String, level: String, column: Int)]
  private var reached: [Int]
  /// Per site: the columns of the time of the peak and the area, and of the time above each threshold, with
  /// their distributions.
  private let metricColumns: [(tmax: Int, auc: Int, above: [Int])]
  private var tmax: [MetricDistribution]
  private var auc: [MetricDistribution]
  private var timeAbove: [[MetricDistribution]]

  public init(layout: PopulationLayout) {
    self.layout = layout
    let columns = layout.subjectColumns
    func index(_ name: String) -> Int {
      guard let index = columns.firstIndex(of: name) else { preconditionFailure("no subjects column \(name)") }
      return index
    }
    peakColumns = layout.sites.map { index("\($0.rawValue)_max_ng_per_ml") }
    everColumns = layout.sites.map { site in layout.thresholdNames.map { index("\(site.rawValue)_ever_above_\($0)") } }
    outsideColumn = index("outside_validity_range")
    endpointColumns = columns.indices.compactMap { column in
      for level in ["c50", "level"] where columns[column].hasSuffix("_ever_above_\(level)") {
        return (String(columns[column].dropLast("_ever_above_\(level)".count)), level, column)
      }
      return nil
    }
    reached = endpointColumns.map { _ in 0 }
    metricColumns = layout.sites.map { site in
      let p = site.rawValue
      return (
        index("\(p)_tmax_min"), index("\(p)_auc_ng_min_per_ml"),
        layout.thresholdNames.map { index("\(p)_time_above_\($0)_min") }
      )
    }
    tmax = layout.sites.map { _ in MetricDistribution() }
    auc = tmax
    timeAbove = layout.sites.map { _ in layout.thresholdNames.map { _ in MetricDistribution() } }
    peaks = layout.sites.map { _ in [] }
    ever = layout.sites.map { _ in layout.thresholdNames.map { _ in 0 } }
  }

  /// Counts one subject's row.
  public mutating func add(_ row: [Double]) {
    count += 1
    if row[outsideColumn] != 0 { outside += 1 }
    for (k, endpoint) in endpointColumns.enumerated() where row[endpoint.column] != 0 { reached[k] += 1 }
    for site in peakColumns.indices {
      peaks[site].append(row[peakColumns[site]])
      tmax[site].add(row[metricColumns[site].tmax])
      auc[site].add(row[metricColumns[site].auc])
      for (t, column) in metricColumns[site].above.enumerated() { timeAbove[site][t].add(row[column]) }
      for (threshold, column) in everColumns[site].enumerated() where row[column] != 0 { ever[site][threshold] += 1 }
    }
  }

  /// Subjects counted.
  public var subjects: Int { count }

  /// Fraction of subjects ever strictly above threshold `index` at `site`
  /// (0 plasma, 1 effect site).
  public func fractionEverAbove(site: Int, threshold index: Int) -> Double {
    Double(ever[site][index]) / Double(count)
  }

  /// The exact nearest-rank `percent`-th percentile of the peaks at `site`.
  public func peakPercentile(site: Int, _ percent: Double) -> Double {
    let sorted = peaks[site].sorted()
    return PopulationSummary.nearestRank(sorted, percent)
  }

  /// `sorted[r − 1]` with `r = ⌈p·N/100⌉` clamped to `1…N`.
  static func nearestRank(_ sorted: [Double], _ percent: Double) -> Double {
    let rank = min(max(Int((percent * Double(sorted.count) / 100).rounded(.up)), 1), sorted.count)
    return sorted[rank - 1]
  }

  /// The `metric,value,unit` rows.
  public var rows: [MetricRow] {
    var rows: [MetricRow] = []
    func add(_ metric: String, _ value: String, _ unit: String) {
      rows.append(MetricRow(metric: metric, value: value, unit: unit))
    }
    add("model", layout.model, "")
    add("subjects", String(count), "")
    add("seed", String(layout.seed), "")
    add("variability", layout.variability, "omega")
    add("covariates", layout.covariates, "")
    add("doses", layout.doses, "")
    add("duration", (Double(layout.gridEndMicroseconds) / 60_000_000).description, "min")
    add("subjects_outside_validity_range", String(outside), "")
    for (index, site) in layout.sites.enumerated() {
      let p = site.rawValue
      let sorted = peaks[index].sorted()
      let percents = layout.percentiles.values
      let labels = percents.map(PercentileList.label)
      for (label, percent) in zip(labels, percents) {
        add("\(p)_max_\(label)", PopulationSummary.nearestRank(sorted, percent).description, "ng/mL")
      }
      for (label, value) in zip(labels, tmax[index].percentiles(percents)) {
        add("\(p)_tmax_\(label)", value.description, "min")
      }
      for (label, value) in zip(labels, auc[index].percentiles(percents)) {
        add("\(p)_auc_\(label)", value.description, "ng*min/mL")
      }
      for (t, name) in layout.thresholdNames.enumerated() {
        add("\(p)_threshold_\(name)", layout.thresholdValues[t].description, "ng/mL")
        add("\(p)_fraction_ever_above_\(name)", fractionEverAbove(site: index, threshold: t).description, "")
        for (label, value) in zip(labels, timeAbove[index][t].percentiles(percents)) {
          add("\(p)_time_above_\(name)_\(label)", value.description, "min")
        }
      }
    }
    for (k, endpoint) in endpointColumns.enumerated() {
      add("\(endpoint.id)_fraction_above_\(endpoint.level)", (Double(reached[k]) / Double(count)).description, "")
    }
    return rows
  }

  /// Writes ``rows`` as CSV with a `metric,value,unit` header.
  ///
  /// The typical patient's warnings (``PopulationLayout/warnings``), when the layout has them, are the last
  /// row, `warnings` (joined with `; `), as `simulate --summary` ends.
  public func write(to writer: inout CSVWriter) throws {
    var rows = self.rows
    if let warnings = layout.warnings {
      rows.append(MetricRow(metric: "warnings", value: warnings.joined(separator: "; "), unit: ""))
    }
    try rows.write(to: &writer)
  }

  /// Human lines for stderr.
  public var lines: [String] {
    var lines: [String] = []
    lines.append(
      "\(layout.model), \(count) subjects (seed \(layout.seed); variability \(layout.variability); "
        + "\(layout.covariates)): \(layout.doses)")
    for (index, site) in layout.sites.enumerated() {
      let sorted = peaks[index].sorted()
      let name = site == .plasma ? "Cp" : "Ce"
      let percentiles = layout.percentiles.values.map {
        "\(PercentileList.label($0)) \(format(PopulationSummary.nearestRank(sorted, $0)))"
      }
      var line = "peak \(name) (ng/mL): " + percentiles.joined(separator: ", ")
      let fractions = layout.thresholdNames.enumerated().map { t, threshold in
        "\(threshold) \(format(100 * fractionEverAbove(site: index, threshold: t)))%"
      }
      if !fractions.isEmpty { line += "; ever above: " + fractions.joined(separator: ", ") }
      lines.append(line)
    }
    if !endpointColumns.isEmpty {
      lines.append(
        "effect reached (its site above C50, half-maximal, or above the chosen level): "
          + endpointColumns.indices.map {
            let level = endpointColumns[$0].level == "c50" ? "" : " (level)"
            return "\(endpointColumns[$0].id)\(level) \(format(100 * Double(reached[$0]) / Double(count)))%"
          }.joined(separator: ", "))
    }
    if outside > 0 {
      lines.append("warning: \(outside) of \(count) subjects are outside \(layout.model)'s validity range")
    }
    lines.append("population-model estimates, not a medical device")
    return lines
  }

  private func format(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : rounded.description
  }
}

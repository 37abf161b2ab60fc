import Foundation

/// Replicate trials from parameter uncertainty: the same virtual population simulated again with the model's
/// typical parameters redrawn from their published standard errors, to show how much the population's read-out
/// (its median peak, the fraction ever above a level) could move because the model's estimates are themselves
/// uncertain.
///
/// **Variability and uncertainty.** Between-subject variability (ω) is real spread between patients: it is why
/// one patient peaks higher than another, and a population run's percentiles show it. Parameter uncertainty
/// (the standard error of each typical value θ) is how imprecisely the study estimated θ from its few patients:
/// it does not make patients differ, it makes the whole population's read-out uncertain. A replicate trial draws
/// θ once, then the whole population with its between-subject variability; the spread of a read-out across
/// replicates is its uncertainty.
///
/// **Draws.** Replicate *r* (from 1) redraws each parameter that publishes a relative standard error (RSE) as
/// `θᵣ = θ·(1 + RSE·z)`, `z ~ N(0, 1)` from (`seed`, *r*) only, independently for each parameter (no model
/// publishes the correlations of its estimates, a NONMEM `$COV` matrix, so none are applied; this widens or
/// narrows intervals that depend on two correlated estimates). A draw at or below zero is drawn again (at an RSE
/// of 31 %, one draw in about 1,400). Parameters without an RSE keep their value. Every replicate simulates the
/// same subjects (the same η from the same seed), so that replicates differ by θ alone.
public struct ReplicateTrials: Sendable {
  /// The model as published.
  public let model: ModelDefinition
  public let seed: UInt64
  /// The parameters that vary, with their index in the model's parameters.
  public let varying: [(index: Int, name: String, unit: String)]
  /// Each replicate's drawn θ (as published, in each parameter's unit) and read-out, in the order added.
  public private(set) var replicates: [(thetas: [Double], metrics: [MetricRow])] = []

  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` when no parameter of `model` has a published
  ///   relative standard error.
  public init(model: ModelDefinition, seed: UInt64) throws {
    self.model = model
    self.seed = seed
    varying = model.parameters.enumerated().compactMap { index, parameter in
      parameter.relativeStandardErrorPercent == nil ? nil : (index, parameter.name, parameter.unit)
    }
    guard !varying.isEmpty else {
      throw KetasimError.invalidValue(
        "replicates", "with \(model.id)",
        accepted: "a model whose file publishes standard errors of its parameters (rse_percent; flint2017)")
    }
  }

  /// The random stream of parameter `index`'s `attempt`-th draw (see ``CounterRandom``): 2³⁴ and up, apart from
  /// the etas' (below 2³³) and the residual errors' (2³³ to 2³⁴).
  static func stream(parameter index: Int, attempt: Int) -> UInt64 {
    (1 << 34) + 256 * UInt64(index) + UInt64(attempt)
  }

  /// The model of replicate `replicate` (from 1): each parameter with an RSE redrawn (see the type's notes).
  public func model(forReplicate replicate: Int) -> ModelDefinition {
    precondition(replicate >= 1, "replicates are numbered from 1")
    var drawn = model
    for (index, _, _) in varying {
      let parameter = model.parameters[index]
      let rse = (parameter.relativeStandardErrorPercent ?? 0) / 100
      var factor = 0.0
      var attempt = 0
      while factor <= 0 && attempt < 256 {
        let z = CounterRandom.normal(
          seed: seed, subject: UInt64(replicate), stream: Self.stream(parameter: index, attempt: attempt))
        factor = 1 + rse * z
        attempt += 1
      }
      // RSE below 100 % makes 256 draws at or below zero impossible in practice (p < 0.16^256).
      precondition(factor > 0, "a positive draw")
      drawn.parameters[index].value *= factor
      drawn.parameters[index].canonicalValue *= factor
    }
    return drawn
  }

  /// Records replicate `model`'s population read-out (``PopulationSummary/rows``).
  public mutating func add(_ model: ModelDefinition, summary: [MetricRow]) {
    replicates.append((varying.map { model.parameters[$0.index].value }, summary.filter(Self.varies)))
  }

  /// Whether a read-out row can change from replicate to replicate (a number that is not a setting).
  static func varies(_ row: MetricRow) -> Bool {
    guard Double(row.value) != nil else { return false }
    return !["subjects", "seed", "duration", "subjects_outside_validity_range"].contains(row.metric)
      && !row.metric.contains("_threshold_")
  }

  /// The `m`-th varying read-out of every replicate, sorted.
  private func sortedAcrossReplicates(metric m: Int) -> [Double] {
    replicates.map { Double($0.metrics[m].value) ?? .nan }.sorted()
  }

  /// The name of a column: the metric, then its unit (`cp_max_p50_ng_per_ml`, `theta_CL_L_per_h`).
  static func column(_ name: String, unit: String) -> String {
    let unit = unit.replacingOccurrences(of: "/", with: "_per_").replacingOccurrences(of: "*", with: "_")
      .replacingOccurrences(of: "mL", with: "ml")
    return unit.isEmpty ? name : "\(name)_\(unit)"
  }

  /// The uncertainty of each θ and read-out: `metric,unit,published,uncertainty_pXX...`, where `published` is
  /// the value at the published θ (`published` rows, from ``PopulationSummary/rows`` of the same population at the
  /// model as published) and each `uncertainty_pXX` the nearest-rank percentile across the replicates.
  public func writeUncertainty(published: [MetricRow], percents: [Double], to writer: inout CSVWriter) throws {
    precondition(!replicates.isEmpty, "at least one replicate")
    try writer.writeRow(
      ["metric", "unit", "published"] + percents.map { "uncertainty_\(PercentileList.label($0))" })
    for (k, parameter) in varying.enumerated() {
      let sorted = replicates.map { $0.thetas[k] }.sorted()
      try writer.writeRow(
        ["theta_\(parameter.name)", parameter.unit, model.parameters[parameter.index].value.description]
          + percents.map { PopulationSummary.nearestRank(sorted, $0).description })
    }
    let reference = published.filter(Self.varies)
    for (m, row) in reference.enumerated() {
      let sorted = sortedAcrossReplicates(metric: m)
      try writer.writeRow(
        [row.metric, row.unit, (Double(row.value) ?? .nan).description]
          + percents.map { PopulationSummary.nearestRank(sorted, $0).description })
    }
    try writer.flush()
  }

  /// One row per replicate: `replicate`, each drawn θ (`theta_NAME_UNIT`), each read-out (`METRIC_UNIT`).
  public func writeReplicates(to writer: inout CSVWriter) throws {
    guard let first = replicates.first else { return }
    try writer.writeRow(
      ["replicate"] + varying.map { Self.column("theta_\($0.name)", unit: $0.unit) }
        + first.metrics.map { Self.column($0.metric, unit: $0.unit) })
    for (r, replicate) in replicates.enumerated() {
      try writer.writeRow(
        [String(r + 1)] + replicate.thetas.map(\.description) + replicate.metrics.map(\.value))
    }
    try writer.flush()
  }

  /// Lines for stderr: the median peak's and each threshold's fraction's uncertainty interval (outermost
  /// percentiles of `percents`) against their published-θ values.
  public func lines(published: [MetricRow], percents: [Double]) -> [String] {
    guard let low = percents.first, let high = percents.last, !replicates.isEmpty else { return [] }
    let reference = published.filter(Self.varies)
    var lines = [
      "\(replicates.count) replicate trials of \(model.id) from its published standard errors "
        + "(\(varying.map { "\($0.name) \(PlausibilityLimits.text(model.parameters[$0.index].relativeStandardErrorPercent ?? 0)) %" }.joined(separator: ", "))):"
    ]
    for (m, row) in reference.enumerated()
    where row.metric == "cp_max_p50" || row.metric.hasPrefix("cp_fraction_ever_above_") {
      let sorted = sortedAcrossReplicates(metric: m)
      let (a, b) = (PopulationSummary.nearestRank(sorted, low), PopulationSummary.nearestRank(sorted, high))
      let isFraction = row.unit.isEmpty
      func text(_ value: Double) -> String {
        isFraction ? String(format: "%.1f %%", 100 * value) : String(format: "%.0f %@", value, row.unit)
      }
      lines.append(
        "  \(row.metric): \(text(Double(row.value) ?? .nan)) at the published values; \(PercentileList.label(low))-"
          + "\(PercentileList.label(high)) across replicates \(text(a)) to \(text(b))")
    }
    lines.append("uncertainty of the model's estimates, not variability between patients")
    return lines
  }
}

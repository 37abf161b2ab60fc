import Foundation

extension DatasetSimulation {
  /// The names of the columns a visual predictive check adds after the dataset's own: `PRED_ng_per_ml`, the
  /// simulated percentiles `VPC_pXX_ng_per_ml`, and `DV_percentile`.
  public func vpcColumns(_ percents: [Double]) -> [String] {
    ["PRED_ng_per_ml"] + percents.map { "VPC_\(PercentileList.label($0))_ng_per_ml" } + ["DV_percentile"]
  }

  /// A visual predictive check of the dataset against the model: `replicates` simulated copies of the whole
  /// dataset (every ID with its own doses and covariates), and for each observation record the percentiles of its
  /// simulated values beside the observed `DV`.
  ///
  /// Replicate *r* (1…`replicates`) draws ID *k* as subject number `r·N + k` (N IDs) from ``seed``, so replicates
  /// are independent of one another and of the `IPRED` draw (subject *k*); a simulated value is the individual
  /// prediction with ``residualError`` when there is one (without it the interval shows between-subject
  /// variability only, and is narrower than the data's scatter). Percentiles are exact nearest-rank order
  /// statistics of the replicates. `DV_percentile` is the fraction of the replicates at or below the observed
  /// `DV` (empty when `DV` is not a number): about uniform on (0, 1) when the model describes the data.
  ///
  /// - Parameter summary: receives, once, how many observed `DV` fall outside the outermost percentiles.
  /// - Throws: ``KetasimError`` without ``variability`` (every replicate would be the same), or for the
  ///   dataset's subjects as ``write(to:notes:)`` does.
  public func writeVPC(
    replicates: Int, percents: [Double], to writer: inout CSVWriter, summary: (String) -> Void = { _ in }
  ) throws {
    guard variability != nil else {
      throw KetasimError.invalidValue(
        "vpc", String(replicates), accepted: "a check with between-subject variability (--iiv or --ipred)")
    }
    precondition(replicates >= 1, "at least one replicate")
    let dvColumn = dataset.header.firstIndex { $0.trimmingCharacters(in: .whitespaces).uppercased() == "DV" }
    try writer.writeRow(dataset.header + vpcColumns(percents))
    let ids = dataset.table.ids
    var values = [[Double]?](repeating: nil, count: dataset.table.records.count)
    var preds = [Double?](repeating: nil, count: dataset.table.records.count)
    for (offset, id) in ids.enumerated() {
      let subject = try self.subject(id, number: offset + 1)
      let observations = subject.records.filter { dataset.table.records[$0].evid == 0 }
      let pred = try typicalPredictions(subject)
      for (k, record) in subject.records.enumerated() { preds[record] = pred[k] }
      guard !observations.isEmpty else { continue }
      var simulated = observations.map { _ in [Double]() }
      for replicate in 1...replicates {
        let number = replicate * ids.count + offset + 1
        let ipred = try individualPredictions(subject, number: number, records: observations)
        // With a residual error, the simulated observations; else the individual predictions.
        let values = residualError == nil ? ipred : self.observations(ipred, subject: number, records: observations)
        for (k, value) in values.enumerated() { simulated[k].append(value) }
      }
      for (k, record) in observations.enumerated() { values[record] = simulated[k].sorted() }
    }
    var outside = 0
    var observed = 0
    for row in dataset.rows {
      guard let record = row.record else {
        try writer.writeRow(
          prefix: CSVWriter.RowPrefix(row.fields), values: [Double?](repeating: nil, count: percents.count + 2))
        continue
      }
      var out: [Double?] = [preds[record]]
      guard let sorted = values[record] else {
        out += [Double?](repeating: nil, count: percents.count + 1)
        try writer.writeRow(prefix: CSVWriter.RowPrefix(row.fields), values: out)
        continue
      }
      let quantiles = percents.map { PopulationSummary.nearestRank(sorted, $0) }
      out += quantiles.map { Optional($0) }
      if let dvColumn, let dv = Double(row.fields[dvColumn].trimmingCharacters(in: .whitespaces)) {
        let atOrBelow = sorted.reduce(0) { $0 + ($1 <= dv ? 1 : 0) }
        out.append(Double(atOrBelow) / Double(sorted.count))
        observed += 1
        if let low = quantiles.first, let high = quantiles.last, dv < low || dv > high { outside += 1 }
      } else {
        out.append(nil)
      }
      try writer.writeRow(prefix: CSVWriter.RowPrefix(row.fields), values: out)
    }
    try writer.flush()
    if let low = percents.first, let high = percents.last, observed > 0 {
      let expected = (100 - (high - low)) / 100
      summary(
        "visual predictive check: \(outside) of \(observed) observed DV outside the simulated "
          + "\(PercentileList.label(low))-\(PercentileList.label(high)) interval "
          + "(\(String(format: "%.1f", 100 * Double(outside) / Double(observed))) %; about "
          + "\(String(format: "%.0f", 100 * expected)) % expected when the model describes the data), \(replicates) replicates"
      )
    }
  }
}

import Foundation

/// Each model's predictions next to published observations: how far a model
/// can be trusted, and in which direction it errs.
///
/// For every observation (``ObservationSet``), measurement and model, the
/// model is evaluated for the observation's patient (weight, and age where
/// published) and regimen with the exact engine, and the row holds the
/// observed value, the prediction and their ratio (predicted / observed:
/// above 1 the model over-predicts). A model is compared only with
/// observations whose patient lies inside its validity range; the other
/// pairs are listed in ``omissions`` with the reason.
///
/// How each quantity is predicted:
///
/// - **Concentration at a time**: the central-compartment concentration of a
///   ``Simulation`` of the regimen at that time.
/// - **AUC from zero to infinity**: `total dose / CL`, exactly. In a linear
///   model with elimination only from the central compartment, everything
///   given is eventually eliminated, and the elimination rate is `CL·C(t)`;
///   so `CL·∫₀^∞ C dt = dose`, whatever the timing of the doses and however
///   many peripheral compartments there are. This needs no truncation of the
///   curve and no quadrature. With doses in mg and CL in L/min the AUC is in
///   mg·min/L; ×1000/60 gives ng·h/mL (= µg·h/L).
/// - **Steady state**: the regimen's single constant-rate infusion repeated
///   back to back for ever, by ``SteadyState`` with the interval equal to the
///   infusion's duration; for a linear model this is `rate / CL`.
///
/// Predictions use the typical patient of each model (no between-subject
/// variability), with doses as mg of ketamine base.
package struct ValidationTable: Sendable {
  /// One model against one published measurement.
  package struct Row: Sendable {
    package var modelID: String
    package var modelSampling: ModelDefinition.SamplingSite
    package var observation: ObservationSet.Observation
    package var measurement: ObservationSet.Measurement
    /// The prediction in ng/mL (concentrations) or ng·h/mL (AUC), the unit
    /// of ``ObservationSet/Measurement/canonicalValue``.
    package var predicted: Double
    /// Caveats of this comparison (drug form, sampling site, population,
    /// data the model was fitted to).
    package var notes: [String]

    /// Predicted / observed.
    package var ratio: Double { predicted / measurement.canonicalValue }

    /// The prediction in the observation's published unit.
    package var predictedInPublishedUnit: Double {
      predicted * measurement.value / measurement.canonicalValue
    }
  }

  /// A model not compared with an observation, and why.
  package struct Omission: Sendable {
    package var modelID: String
    package var observationID: String
    package var reasons: [String]
  }

  /// Rows in observation order, then measurement order, then model order.
  package let rows: [Row]
  /// Pairs left out because the observation's patient is outside the model's
  /// validity range.
  package let omissions: [Omission]
  /// S-ketamine models, left out: the observations are of racemic ketamine, and an S-ketamine model
  /// describes one enantiomer (their metabolite anchors are the subject of a later check).
  package let sKetamineModels: [String]

  /// Computes the table.
  ///
  /// - Parameters:
  ///   - models: the models to check, in the order the rows should list them.
  ///   - observations: the published data.
  /// - Throws: ``KetasimError`` when a model's parameters are invalid for an
  ///   observation's patient or a regimen cannot be scheduled.
  package init(models allModels: [ModelDefinition], observations: ObservationSet) throws {
    sKetamineModels = allModels.filter(\.isSKetamine).map(\.id)
    let models = allModels.filter { !$0.isSKetamine }
    var rows: [Row] = []
    var omissions: [Omission] = []
    for observation in observations.observations {
      let patient = try observation.patient()
      let schedule = try observation.schedule()
      var compared: [(ModelDefinition, PKParameters)] = []
      for model in models {
        let warnings = model.validityWarnings(for: patient)
        if warnings.isEmpty {
          compared.append((model, try model.parameters(for: patient)))
        } else {
          omissions.append(Omission(modelID: model.id, observationID: observation.id, reasons: warnings))
        }
      }
      for measurement in observation.measurements {
        for (model, parameters) in compared {
          rows.append(
            Row(
              modelID: model.id, modelSampling: model.sampling, observation: observation, measurement: measurement,
              predicted: try ValidationTable.predict(measurement.quantity, parameters: parameters, schedule: schedule),
              notes: ValidationTable.caveats(model: model, observation: observation)))
        }
      }
    }
    self.rows = rows
    self.omissions = omissions
  }

  /// The model's prediction of `quantity` for `schedule`, in ng/mL or
  /// ng·h/mL (see the type's discussion for the method of each quantity).
  ///
  /// - Throws: ``KetasimError`` for a steady state whose schedule is not one
  ///   constant-rate infusion starting at time zero.
  package static func predict(
    _ quantity: ObservationSet.Quantity, parameters: PKParameters, schedule: DosingSchedule
  ) throws -> Double {
    let disposition = Disposition(parameters)
    switch quantity {
    case .concentration(let time):
      let simulation = Simulation(disposition: disposition, schedule: schedule)
      return simulation.states(at: [time]).map(disposition.plasma.nanogramsPerMilliliter)[0]
    case .areaToInfinity:
      return schedule.totalMilligrams / parameters.clearance * 1000 / 60
    case .steadyState:
      guard schedule.doses.count == 1, case .infusion(_, let start, let duration) = schedule.doses[0],
        start == .zero
      else {
        throw KetasimError.invalidValue(
          "steady-state regimen", "\(schedule.doses.count) administrations",
          accepted: "one constant-rate infusion from time 0")
      }
      let steady = try SteadyState(of: schedule.doses, every: duration, disposition: disposition)
      return disposition.plasma.nanogramsPerMilliliter(steady.state)
    }
  }

  private static func caveats(model: ModelDefinition, observation: ObservationSet.Observation) -> [String] {
    var notes: [String] = []
    if model.drug != observation.drug.rawValue {
      notes.append("\(observation.drug.rawValue) data, \(model.drug) model: not like for like")
    }
    switch (model.sampling, observation.sampling) {
    case (.arterial, .venous): notes.append("arterial model vs venous sample")
    case (.venous, .arterial): notes.append("venous model vs arterial sample")
    default: break
    }
    if observation.population == .adults, model.ageRange.maximum < 18 {
      notes.append("paediatric model applied to adults")
    }
    if observation.fittedModels.contains(model.id) {
      notes.append("model fitted to these data (not independent)")
    }
    return notes
  }

  // MARK: - CSV

  /// The CSV header: units in the names; `time_min` is empty for an AUC or a
  /// steady state, and of the two value pairs only the one that fits the
  /// quantity is filled.
  package static let csvHeader = [
    "model", "model_sampling", "observation", "observation_drug", "observation_sampling", "population", "regimen",
    "weight_kg", "weight_assumed", "quantity", "time_min", "observed_ng_per_ml", "predicted_ng_per_ml",
    "observed_auc_ng_h_per_ml", "predicted_auc_ng_h_per_ml", "ratio_predicted_to_observed", "note", "source",
  ]

  /// The header and one row per comparison, numbers in shortest round-trip
  /// form.
  package var csvRows: [[String]] {
    [ValidationTable.csvHeader]
      + rows.map { row in
        let observation = row.observation
        let measurement = row.measurement
        var time = ""
        if case .concentration(let at) = measurement.quantity { time = at.minutes.description }
        let isArea = measurement.quantity == .areaToInfinity
        let observed = measurement.canonicalValue.description
        let predicted = row.predicted.description
        return [
          row.modelID, row.modelSampling.rawValue, observation.id, observation.drug.rawValue,
          observation.sampling.rawValue, observation.population.rawValue, observation.regimenText,
          observation.weightKilograms.description, observation.weightIsAssumed ? "true" : "false",
          measurement.quantity.key, time, isArea ? "" : observed, isArea ? "" : predicted, isArea ? observed : "",
          isArea ? predicted : "", row.ratio.description, row.notes.joined(separator: "; "), observation.source,
        ]
      }
  }

  /// Writes ``csvRows`` to `writer` and flushes it.
  package func writeCSV(to writer: inout CSVWriter) throws {
    for row in csvRows { try writer.writeRow(row) }
    try writer.flush()
  }

  // MARK: - Text

  /// The table for people: one block per observation (regimen, patient,
  /// what was measured, source), then one line per model with its
  /// prediction in the published unit (3 significant digits), the ratio
  /// and the caveats.
  package var text: String {
    var lines = [
      "Model predictions against published observations (typical patient of each model, no variability).",
      "ratio = predicted / observed: above 1 the model over-predicts, below 1 it under-predicts.",
      "Population-model estimates for previewing and teaching, not a medical device.",
    ]
    var index = 0
    while index < rows.count {
      let observation = rows[index].observation
      var end = index
      while end < rows.count, rows[end].observation.id == observation.id { end += 1 }
      lines.append("")
      lines.append(contentsOf: ValidationTable.header(of: observation))
      var start = index
      while start < end {
        let measurement = rows[start].measurement
        var stop = start
        while stop < end, rows[stop].measurement.quantity == measurement.quantity { stop += 1 }
        lines.append(contentsOf: ValidationTable.block(rows[start..<stop]))
        start = stop
      }
      let left = omissions.filter { $0.observationID == observation.id }
      if !left.isEmpty {
        lines.append(
          "  not compared (outside the model's validity range): " + left.map(\.modelID).joined(separator: ", "))
      }
      index = end
    }
    if !sKetamineModels.isEmpty {
      lines.append("")
      lines.append(
        "Not compared: \(sKetamineModels.joined(separator: ", ")) (S-ketamine models; these observations are of "
          + "racemic ketamine).")
    }
    return lines.joined(separator: "\n")
  }

  private static func header(of observation: ObservationSet.Observation) -> [String] {
    let weight = "\(ValidationTable.plain(observation.weightKilograms)) kg"
    let age = observation.ageYears.map { ", \(ValidationTable.plain($0)) y" } ?? ""
    let held = observation.measurements.contains { $0.quantity == .steadyState } ? " (held to steady state)" : ""
    var lines = ["\(observation.id)  \(observation.title)"]
    lines.append(
      "  regimen:  \(observation.regimenText)\(held); patient \(weight)"
        + "\(observation.weightIsAssumed ? " (assumed)" : "")\(age), \(observation.population.rawValue)")
    lines.append(
      "  data:     \(observation.drug.rawValue), sampling \(observation.sampling.rawValue); \(observation.subjects)")
    lines.append("  source:   \(observation.source)")
    return lines
  }

  private static func block(_ rows: ArraySlice<Row>) -> [String] {
    let measurement = rows.first!.measurement
    let what: String
    switch measurement.quantity {
    case .concentration(let time): what = "Cp at \(ValidationTable.plain(time.minutes)) min"
    case .areaToInfinity: what = "AUC 0-inf"
    case .steadyState: what = "Css"
    }
    var lines = [
      "",
      "  \(what): observed \(ValidationTable.plain(measurement.value)) \(measurement.unit)",
      "    (\(measurement.statistic))",
      "    " + "model".padded(14) + "predicted".padded(14) + "ratio".padded(7) + "sampling model/data".padded(21)
        + "note",
    ]
    for row in rows {
      let predicted = ValidationTable.significant(row.predictedInPublishedUnit) + " " + measurement.unit
      let sampling = "\(row.modelSampling.rawValue)/\(row.observation.sampling.rawValue)"
      let line =
        "    " + row.modelID.padded(14) + predicted.padded(14) + String(format: "%.2f", row.ratio).padded(7)
        + sampling.padded(21) + row.notes.joined(separator: "; ")
      lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
    }
    return lines
  }

  /// `value` with three significant digits (`177`, `78.0`, `2.15`, `0.533`).
  static func significant(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return "\(value)" }
    let decimals = max(0, 2 - Int(floor(log10(abs(value)))))
    return String(format: "%.\(decimals)f", value)
  }

  /// A published number without a trailing `.0` (`185`, `2.21`, `0.75`).
  static func plain(_ value: Double) -> String {
    let text = value.description
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
}

extension String {
  fileprivate func padded(_ width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}

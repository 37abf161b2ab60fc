import Foundation

/// Each model's predictions next to published observations: how far a model
/// can be trusted, and in which direction it errs.
///
/// For every observation (``ObservationSet``), measurement and model, the
/// model is evaluated for the observation's patient (weight, and age where
/// published) and regimen with the exact engine, and the row holds the
/// observed value, the prediction and their ratio (predicted / observed:
/// above 1 the model over-predicts). Pairs that are not compared are listed
/// in ``omissions`` with the reason:
///
/// - **Drug**: racemic models are not compared with S-ketamine data, and
///   S-ketamine models are compared with racemic data only when the
///   observation states the S fraction of the dose (then the model is given
///   that fraction and its concentration is divided by it, which assumes the
///   R enantiomer behaves like the S one).
/// - **Validity range**: the observation's patient lies outside the model's
///   weight or age range, unless the observation names the model among its
///   ``ObservationSet/Observation/extrapolatedModels`` (then the row is shown
///   and marked as extrapolated).
/// - **Analyte**: the measurement is of a metabolite the model does not
///   describe.
///
/// How each quantity is predicted:
///
/// - **Concentration at a time**: the concentration (central compartment,
///   or the metabolite's observation) of an exact simulation of the regimen
///   at that time.
/// - **Peak over a window**: the model's own maximum from time zero to the
///   window's end and its time, found exactly on the solution
///   (``CurveReadout``'s method), not on a grid.
/// - **AUC from zero to infinity**: `total dose / CL`, exactly. In a linear
///   model with elimination only from the central compartment, everything
///   given is eventually eliminated, and the elimination rate is `CL·C(t)`;
///   so `CL·∫₀^∞ C dt = dose`, whatever the timing of the doses and however
///   many peripheral compartments there are. This needs no truncation of the
///   curve and no quadrature. With doses in mg and CL in L/min the AUC is in
///   mg·min/L; ×1000/60 gives ng·h/mL (= µg·h/L). Mammillary models only.
/// - **Steady state**: the regimen's single constant-rate infusion repeated
///   back to back for ever, by ``SteadyState`` with the interval equal to the
///   infusion's duration; for a linear model this is `rate / CL`. Mammillary
///   models only.
///
/// Predictions use the typical patient of each model (no between-subject
/// variability), with doses as mg of the drug given (ketamine base).
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
    /// For a peak: when the model reaches it (min).
    package var predictedPeakTime: Double? = nil
    /// The measurement's position in its observation.
    package var measurementIndex = 0

    /// Predicted / observed.
    package var ratio: Double { predicted / measurement.canonicalValue }

    /// The prediction in the observation's published unit.
    package var predictedInPublishedUnit: Double {
      predicted * measurement.value / measurement.canonicalValue
    }
  }

  /// A model not compared with an observation, and why.
  package struct Omission: Sendable {
    /// Why a pair is left out.
    package enum Kind: Sendable, Equatable {
      /// The observation's patient is outside the model's validity range.
      case validityRange
      /// Racemic model and S-ketamine data, or S-ketamine model and racemic data without a stated S fraction.
      case drug
      /// The model does not describe a measured metabolite.
      case analyte
    }

    package var modelID: String
    package var observationID: String
    package var reasons: [String]
    package var kind: Kind = .validityRange
  }

  /// Rows in observation order, then measurement order, then model order.
  package let rows: [Row]
  /// Pairs left out, with the reason.
  package let omissions: [Omission]
  /// The observations, in file order (an observation may have no rows).
  package let observations: [ObservationSet.Observation]

  /// Computes the table.
  ///
  /// - Parameters:
  ///   - models: the models to check, in the order the rows should list them.
  ///   - observations: the published data.
  /// - Throws: ``KetasimError`` when a model's parameters are invalid for an
  ///   observation's patient, a regimen cannot be scheduled, or an AUC or
  ///   steady state is asked of a general structure.
  package init(models: [ModelDefinition], observations: ObservationSet) throws {
    var rows: [Row] = []
    var omissions: [Omission] = []
    for observation in observations.observations {
      let patient = try observation.patient()
      let schedule = try observation.schedule()
      var compared: [(model: ModelDefinition, predictor: Predictor, notes: [String])] = []
      for model in models {
        if let reason = ValidationTable.drugMismatch(model: model, observation: observation) {
          omissions.append(
            Omission(modelID: model.id, observationID: observation.id, reasons: [reason], kind: .drug))
          continue
        }
        let warnings = model.validityWarnings(for: patient)
        var notes: [String] = []
        if !warnings.isEmpty {
          guard observation.extrapolatedModels.contains(model.id) else {
            omissions.append(Omission(modelID: model.id, observationID: observation.id, reasons: warnings))
            continue
          }
          notes.append(ValidationTable.extrapolation(model: model, patient: patient))
        }
        let fraction = model.isSKetamine ? observation.sFraction ?? 1 : 1
        compared.append((model, try Predictor(model: model, patient: patient, fraction: fraction), notes))
      }
      for entry in compared {
        let missing = observation.measurements.map(\.analyte).filter { !entry.predictor.describes($0) }
        guard let first = missing.first else { continue }
        omissions.append(
          Omission(
            modelID: entry.model.id, observationID: observation.id,
            reasons: ["\(entry.model.id) has no \(first.key) observation"], kind: .analyte))
      }
      for (index, measurement) in observation.measurements.enumerated() {
        for (model, predictor, notes) in compared where predictor.describes(measurement.analyte) {
          let (value, time) = try predictor.predict(measurement, schedule: schedule)
          rows.append(
            Row(
              modelID: model.id, modelSampling: model.sampling, observation: observation, measurement: measurement,
              predicted: value, notes: ValidationTable.caveats(model: model, observation: observation) + notes,
              predictedPeakTime: time, measurementIndex: index))
        }
      }
    }
    self.rows = rows
    self.omissions = omissions
    self.observations = observations.observations
  }

  /// Why `model` is not compared with `observation`'s drug, or `nil` when it is.
  private static func drugMismatch(model: ModelDefinition, observation: ObservationSet.Observation) -> String? {
    switch (model.isSKetamine, observation.drug) {
    case (false, .sKetamine): return "S-ketamine data, racemic model"
    case (true, .racemic) where observation.sFraction == nil:
      return "racemic data without a stated S fraction, S-ketamine model"
    default: return nil
    }
  }

  /// The note of a row whose patient lies outside the model's validity range.
  private static func extrapolation(model: ModelDefinition, patient: Patient) -> String {
    var ranges: [String] = []
    if !model.weightRange.contains(patient.weightKilograms) {
      ranges.append("\(plain(model.weightRange.minimum))-\(plain(model.weightRange.maximum)) kg")
    }
    if let age = patient.ageYears, !model.ageRange.contains(age) {
      ranges.append("\(plain(model.ageRange.minimum))-\(plain(model.ageRange.maximum)) y")
    }
    return "extrapolated beyond its validity range (\(ranges.joined(separator: ", ")))"
  }

  /// One model for one patient, ready to predict any measurement.
  private enum Predictor {
    case mammillary(PKParameters)
    /// A general structure given `fraction` of each dose; its concentrations are divided by `fraction`.
    case general(GeneralDisposition, fraction: Double)

    init(model: ModelDefinition, patient: Patient, fraction: Double) throws {
      switch try model.individual(for: patient, inputFraction: fraction) {
      case .mammillary(let parameters): self = .mammillary(parameters)
      case .general(let structure): self = .general(GeneralDisposition(structure), fraction: fraction)
      }
    }

    /// The model's observation of `analyte` in ng/mL, if it has one.
    func observation(of analyte: ObservationSet.Analyte) -> Observation? {
      switch (self, analyte) {
      case (.mammillary(let parameters), .parent): return Disposition(parameters).plasma
      case (.mammillary, .metabolite): return nil
      case (.general(let disposition, _), _):
        let site = analyte == .parent ? Observation.Site.plasma : Observation.Site(rawValue: analyte.key)
        return disposition.observations.first { $0.site == site && $0.unit == .nanogramsPerMillilitre }
      }
    }

    func describes(_ analyte: ObservationSet.Analyte) -> Bool { observation(of: analyte) != nil }

    /// The prediction (ng/mL or ng·h/mL) and, for a peak, its time (min).
    func predict(_ measurement: ObservationSet.Measurement, schedule: DosingSchedule) throws -> (Double, Double?) {
      guard let observation = observation(of: measurement.analyte) else {
        preconditionFailure("a prediction of '\(measurement.analyte.key)' needs a model that reports it")
      }
      switch self {
      case .mammillary(let parameters):
        guard case .peak(let until) = measurement.quantity else {
          return (try ValidationTable.predict(measurement.quantity, parameters: parameters, schedule: schedule), nil)
        }
        let simulation = Simulation(disposition: Disposition(parameters), schedule: schedule)
        let peak = ExactCurve(simulation, observation: observation, through: until).maximum()
        return (peak.value, peak.time)
      case .general(let disposition, let fraction):
        let simulation = ExactSimulation(disposition: disposition, schedule: schedule)
        switch measurement.quantity {
        case .concentration(let time):
          return (observation.nanogramsPerMilliliter(simulation.states(at: [time])[0]) / fraction, nil)
        case .peak(let until):
          let peak = ExactCurve(simulation, observation: observation, through: until).maximum()
          return (peak.value / fraction, peak.time)
        case .areaToInfinity, .steadyState:
          throw KetasimError.invalidValue(
            "validation quantity", "\(measurement.quantity.key) for a general compartment structure",
            accepted: "cp or peak (AUC and steady state are computed for mammillary models only)")
        }
      }
    }
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
    case .peak(let until):
      let simulation = Simulation(disposition: disposition, schedule: schedule)
      return ExactCurve(simulation, observation: disposition.plasma, through: until).maximum().value
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
    // Other drug mismatches are not compared at all (``drugMismatch``).
    if model.isSKetamine, observation.drug == .racemic, let fraction = observation.sFraction {
      notes.append("S fraction \(plain(fraction)) of the dose given, result / \(plain(fraction)) (R assumed like S)")
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

  /// The CSV header, with units in the names.
  ///
  /// `time_min` is filled for a concentration at a time only, and of the two
  /// value pairs only the one that fits the quantity. Values are ng/mL of the analyte
  /// (`parent`, the drug given, or a metabolite such as `nk`) whatever unit
  /// was published; the last three columns are filled for a peak only.
  package static let csvHeader = [
    "model", "model_sampling", "observation", "observation_drug", "observation_sampling", "population", "regimen",
    "weight_kg", "weight_assumed", "quantity", "time_min", "observed_ng_per_ml", "predicted_ng_per_ml",
    "observed_auc_ng_h_per_ml", "predicted_auc_ng_h_per_ml", "ratio_predicted_to_observed", "note", "source",
    "analyte", "peak_until_min", "observed_peak_time_min", "predicted_peak_time_min",
  ]

  /// The header and one row per comparison, numbers in shortest round-trip
  /// form.
  package var csvRows: [[String]] {
    [ValidationTable.csvHeader]
      + rows.map { row in
        let observation = row.observation
        let measurement = row.measurement
        var (time, until) = ("", "")
        switch measurement.quantity {
        case .concentration(let at): time = at.minutes.description
        case .peak(let end): until = end.minutes.description
        case .areaToInfinity, .steadyState: break
        }
        let isArea = measurement.quantity == .areaToInfinity
        let observed = measurement.canonicalValue.description
        let predicted = row.predicted.description
        return [
          row.modelID, row.modelSampling.rawValue, observation.id, observation.drug.rawValue,
          observation.sampling.rawValue, observation.population.rawValue, observation.regimenText,
          observation.weightKilograms.description, observation.weightIsAssumed ? "true" : "false",
          measurement.quantity.key, time, isArea ? "" : observed, isArea ? "" : predicted, isArea ? observed : "",
          isArea ? predicted : "", row.ratio.description, row.notes.joined(separator: "; "), observation.source,
          measurement.analyte.key, until, measurement.observedPeakTime?.minutes.description ?? "",
          row.predictedPeakTime?.description ?? "",
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
  /// and the caveats; the models left out of each observation, and at the
  /// end the drug mismatches.
  package var text: String {
    var lines = [
      "Model predictions against published observations (typical patient of each model, no variability).",
      "ratio = predicted / observed: above 1 the model over-predicts, below 1 it under-predicts.",
      "Population-model estimates for previewing and teaching, not a medical device.",
    ]
    for observation in observations {
      let own = rows.filter { $0.observation.id == observation.id }
      let left = omissions.filter { $0.observationID == observation.id }
      guard !own.isEmpty || left.contains(where: { $0.kind != .drug }) else { continue }
      lines.append("")
      lines.append(contentsOf: ValidationTable.header(of: observation))
      for index in observation.measurements.indices {
        let block = own.filter { $0.measurementIndex == index }
        if !block.isEmpty { lines.append(contentsOf: ValidationTable.block(block)) }
      }
      let outside = left.filter { $0.kind == .validityRange }
      if !outside.isEmpty {
        lines.append(
          "  not compared (outside the model's validity range): " + outside.map(\.modelID).joined(separator: ", "))
      }
      let analytes = left.filter { $0.kind == .analyte }
      if !analytes.isEmpty {
        let names = Set(observation.measurements.map(\.analyte.key)).subtracting(["parent"]).sorted()
        lines.append(
          "  not compared (the model has no \(names.joined(separator: " or ")) observation): "
            + analytes.map(\.modelID).joined(separator: ", "))
      }
    }
    let mismatches = omissions.filter { $0.kind == .drug }
    for (drug, models) in [(ObservationSet.DrugForm.racemic, "S-ketamine"), (.sKetamine, "racemic")] {
      let pairs = mismatches.filter { omission in
        observations.first { $0.id == omission.observationID }?.drug == drug
      }
      guard !pairs.isEmpty else { continue }
      var ids: [String] = []
      var data: [String] = []
      for pair in pairs {
        if !ids.contains(pair.modelID) { ids.append(pair.modelID) }
        if !data.contains(pair.observationID) { data.append(pair.observationID) }
      }
      let why =
        drug == .racemic
        ? "racemic data without a stated S fraction" : "S-ketamine data; a racemic model describes both enantiomers"
      lines.append("")
      lines.append(
        "Not compared: \(ids.joined(separator: ", ")) (\(models) models) with \(data.joined(separator: ", ")) (\(why))."
      )
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
    if let fraction = observation.sFraction {
      lines.append(
        "  S models: given \(plain(fraction)) of each dose (the S enantiomer), concentrations divided by "
          + "\(plain(fraction)) to compare with the racemic sum: an assumption that R behaves like S")
    }
    lines.append("  source:   \(observation.source)")
    return lines
  }

  private static func block(_ rows: [Row]) -> [String] {
    let measurement = rows[0].measurement
    // The model column fits the block's longest id and two spaces.
    let modelWidth = max(14, (rows.map(\.modelID.count).max() ?? 0) + 2)
    let analyte: String
    switch measurement.analyte {
    case .parent: analyte = rows[0].observation.drug == .sKetamine ? "Cp (S-ketamine)" : "Cp"
    case .metabolite(let name):
      let full = ObservationSet.Analyte.metabolites.first { $0.key == name }?.value ?? name
      analyte = "\(name.uppercased()) (\(rows[0].observation.drug == .sKetamine ? "S-" : "")\(full))"
    }
    var observedAt = ""
    let what: String
    switch measurement.quantity {
    case .concentration(let time): what = "\(analyte) at \(ValidationTable.plain(time.minutes)) min"
    case .peak(let until):
      what = "Peak \(analyte) over 0-\(ValidationTable.plain(until.minutes)) min"
      observedAt = measurement.observedPeakTime.map { " at \(ValidationTable.plain($0.minutes)) min" } ?? ""
    case .areaToInfinity: what = "AUC 0-inf"
    case .steadyState: what = "Css"
    }
    var lines = [
      "",
      "  \(what): observed \(ValidationTable.plain(measurement.value)) \(measurement.unit)\(observedAt)",
      "    (\(measurement.statistic))",
      "    " + "model".padded(modelWidth) + "predicted".padded(14) + "ratio".padded(7)
        + "sampling model/data".padded(21)
        + "note",
    ]
    for row in rows {
      let predicted = ValidationTable.significant(row.predictedInPublishedUnit) + " " + measurement.unit
      let sampling = "\(row.modelSampling.rawValue)/\(row.observation.sampling.rawValue)"
      let peak = row.predictedPeakTime.map { ["model peak at \(String(format: "%.0f", $0)) min"] } ?? []
      let line =
        "    " + row.modelID.padded(modelWidth) + predicted.padded(14) + String(format: "%.2f", row.ratio).padded(7)
        + sampling.padded(21) + (peak + row.notes).joined(separator: "; ")
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

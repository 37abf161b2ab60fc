/// Every warning about one run, computed in one place so that each front end
/// (the CSV run, `--summary`, `--plot`, `--chart`, `compare`, `population`
/// for its typical patient, `tci`) shows the same messages.
///
/// In order: the patient outside the model's validity range, the model's
/// own cautions (a known bias, a published effect left out), doses above
/// the guideline and label limits (``DoseWarnings``), dosing that runs past
/// the end of the simulated time, and a predicted plasma or effect-site peak
/// above the `anesthesia` threshold (when that threshold is in use). They
/// inform; they never block a run.
public struct RunWarnings: Sendable, Equatable {
  /// The messages, without a `warning:` prefix.
  public let messages: [String]

  /// The warnings of `simulation` over `[0, end]` for `patient` given `model`.
  @_specialize(where System == Disposition)
  @_specialize(where System == GeneralDisposition)
  public init<System>(
    simulation: ExactSimulation<System>, end: ClockTime, model: ModelDefinition, patient: Patient,
    thresholds: [NamedThreshold]
  ) {
    var peaks: [(site: CurveReadout.Site, time: Double, value: Double)] = []
    if thresholds.contains(where: { $0.name == RunWarnings.anesthesia }) {
      var sites: [CurveReadout.Site] = [.plasma]
      if simulation.disposition.observation(.effectSite) != nil { sites.append(.effectSite) }
      for site in sites {
        let (time, value) = ExactCurve(simulation, site: site, through: end).maximum()
        peaks.append((site, time, value))
      }
    }
    self.init(simulation: simulation, end: end, model: model, patient: patient, thresholds: thresholds, peaks: peaks)
  }

  /// The warnings given the peaks of the read-out already computed.
  init<System>(
    simulation: ExactSimulation<System>, end: ClockTime, model: ModelDefinition, patient: Patient,
    thresholds: [NamedThreshold], peaks: [(site: CurveReadout.Site, time: Double, value: Double)]
  ) {
    var messages = model.validityWarnings(for: patient) + model.cautions
    messages += DoseWarnings.check(simulation.schedule, weightKilograms: patient.weightKilograms)
    messages += DoseWarnings.check(simulation.schedule, through: end)
    messages += DoseWarnings.overlaps(simulation.schedule, weightKilograms: patient.weightKilograms)
    if let level = thresholds.first(where: { $0.name == RunWarnings.anesthesia }) {
      for peak in peaks {
        messages += DoseWarnings.check(peak: peak.value, at: peak.time, site: peak.site, anesthesia: level)
      }
    }
    self.messages = messages
  }

  /// The threshold whose crossing by a peak is warned about.
  static let anesthesia = "anesthesia"
}

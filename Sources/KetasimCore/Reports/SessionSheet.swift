/// The session sheet: one run read out in plain language for the clinician
/// at the chair, with clinically rounded numbers (``ClinicalFormat``).
///
/// It says who the patient is, which model (its full name and where it was
/// sampled), what is given (mg, mg/kg, mg/h and mL/h with a syringe), the
/// peak and when, for each reference level when plasma and the effect site
/// are above it (start, end, time above), how long after the last dose
/// plasma falls below the awakening and analgesia levels, the warnings and
/// the disclaimer. For a series it adds one line per session: peak, time
/// above each level, and the trough just before the next session.
///
/// Every number comes from the exact read-out (``CurveReadout``); the sheet
/// only rounds. Render it with ``text``, ``markdown`` or ``html``.
public struct SessionSheet: Sendable {
  /// One reference level and the time each site spends above it.
  public struct Level: Sendable {
    public var threshold: NamedThreshold
    public var plasma: CurveReadout.ThresholdTimes
    public var effectSite: CurveReadout.ThresholdTimes?
  }

  /// An effect endpoint's read-out: its site above its level (C50, half-maximal effect, unless an effect
  /// level was chosen), its peak and the effect there.
  public struct Effect: Sendable {
    public var endpoint: ScenarioSubject.Endpoint
    /// The times above the level, when the endpoint has one.
    public var above: CurveReadout.ThresholdTimes?
    /// Peak (ng/mL) of its site and the time (min).
    public var peak: Double
    public var peakTime: Double
  }

  /// A metabolite's peak.
  public struct Metabolite: Sendable {
    public var name: String
    /// Peak (ng/mL) and its time (min).
    public var peak: Double
    public var peakTime: Double
  }

  /// One session of a series.
  public struct Session: Sendable {
    /// When it starts and when the next one starts (or the run ends), min.
    public var start: Double
    public var end: Double
    /// Plasma peak in the session (ng/mL) and its time (min).
    public var peak: Double
    public var peakTime: Double
    /// Minutes plasma is above each level within the session, in level order.
    public var minutesAbove: [Double]
    /// Plasma just before the next session starts (ng/mL); nil for the last.
    public var trough: Double?
  }

  /// When plasma falls below a level after the last administration ends
  /// (only when it ends within the run).
  public struct Recovery: Sendable {
    public var threshold: NamedThreshold
    /// Minutes after the end of the last administration.
    public var minutesAfter: Double
    /// The end of the last administration (min).
    public var after: Double
  }

  public let model: ModelDefinition
  public let patient: Patient
  /// The administrations that start within the run (mg, min).
  public let doses: [Dose]
  /// The amount given within the run (mg).
  public let milligramsGiven: Double
  /// Syringe strength (mg/mL), if any.
  public let syringe: Double?
  /// Minutes simulated.
  public let duration: Double
  public let plasma: CurveReadout
  public let effectSite: CurveReadout?
  public let levels: [Level]
  /// The effect endpoints asked for (``ScenarioSubject/endpoints``).
  public let effects: [Effect]
  /// Metabolites the model reports in ng/mL (norketamine of the S-ketamine models).
  public let metabolites: [Metabolite]
  public let recovery: [Recovery]
  /// Sessions, when the doses form more than one (see ``sessions(of:end:)``).
  public let sessions: [Session]
  public let warnings: [String]

  /// The sentence every sheet carries.
  public static let disclaimer =
    "Population-model estimate for previewing and teaching: the typical patient of a published study, not this "
    + "patient. Not a medical device; it does not replace clinical judgement, monitoring or local protocols."

  /// A gap between administrations of at least this long (min) starts a new
  /// session.
  public static let sessionGapMinutes = 360.0

  /// Reads out `simulation` over `[0, end]` for `patient` given `model`.
  public init<System>(
    simulation: ExactSimulation<System>, end: ClockTime, model: ModelDefinition, patient: Patient,
    thresholds: [NamedThreshold], syringe: Double?, endpoints: [ScenarioSubject.Endpoint] = []
  ) {
    self.model = model
    self.patient = patient
    self.doses = simulation.schedule.doses.filter { $0.start <= end }
    self.milligramsGiven = simulation.schedule.milligramsGiven(through: end)
    self.syringe = syringe
    self.duration = end.minutes
    let plasmaCurve = ExactCurve(simulation, site: .plasma, through: end)
    let plasma = CurveReadout(plasmaCurve, site: .plasma, thresholds: thresholds)
    let effectSite = simulation.disposition.observation(.effectSite).map { _ in
      CurveReadout(ExactCurve(simulation, site: .effectSite, through: end), site: .effectSite, thresholds: thresholds)
    }
    self.plasma = plasma
    self.effectSite = effectSite
    levels = thresholds.indices.map { k in
      Level(threshold: thresholds[k], plasma: plasma.thresholds[k], effectSite: effectSite?.thresholds[k])
    }
    effects = endpoints.compactMap { endpoint in
      simulation.disposition.observation(endpoint.site).map { observation in
        let curve = ExactCurve(simulation, observation: observation, through: end)
        let peak = curve.maximum()
        return Effect(
          endpoint: endpoint,
          above: endpoint.level.map { curve.timesAbove($0) },
          peak: peak.value, peakTime: peak.time)
      }
    }
    let endpointSites = Set(endpoints.map(\.site))
    metabolites = simulation.disposition.observations.filter {
      !$0.site.isParent && !endpointSites.contains($0.site) && $0.unit == .nanogramsPerMillilitre
    }.map { observation in
      let peak = ExactCurve(simulation, observation: observation, through: end).maximum()
      return Metabolite(name: observation.site.rawValue, peak: peak.value, peakTime: peak.time)
    }
    let stop = simulation.schedule.end
    recovery =
      stop > end
      ? []
      : ["awakening", "analgesia"].compactMap { name in
        thresholds.first { $0.name == name }.map {
          Recovery(
            threshold: $0, minutesAfter: plasmaCurve.minutesUntilBelow($0.nanogramsPerMilliliter, after: stop),
            after: stop.minutes)
        }
      }
    let bounds = SessionSheet.sessions(of: simulation.schedule, end: end.minutes)
    sessions =
      bounds.count < 2
      ? []
      : bounds.indices.map { k in
        let (start, stop) = bounds[k]
        let window = plasmaCurve.extremes(from: start, to: stop)
        let above = thresholds.map { plasmaCurve.minutesAbove($0.nanogramsPerMilliliter, from: start, to: stop) }
        let trough = k + 1 < bounds.count ? plasmaCurve.extremes(from: stop, to: stop).minimum.value : nil
        return Session(
          start: start, end: stop, peak: window.maximum.value, peakTime: window.maximum.time, minutesAbove: above,
          trough: trough)
      }
    var peaks: [(site: CurveReadout.Site, time: Double, value: Double)] = [
      (.plasma, plasma.timeOfMaximum, plasma.maximum)
    ]
    if let effectSite { peaks.append((.effectSite, effectSite.timeOfMaximum, effectSite.maximum)) }
    warnings =
      RunWarnings(
        simulation: simulation, end: end, model: model, patient: patient, thresholds: thresholds, peaks: peaks
      ).messages
  }

  /// The sessions of `schedule` within `[0, end]` minutes: runs of
  /// administrations with no gap of ``sessionGapMinutes`` or more, each
  /// lasting until the next one starts (the last until `end`).
  static func sessions(of schedule: DosingSchedule, end: Double) -> [(start: Double, end: Double)] {
    var starts: [Double] = []
    var lastEnd = -Double.infinity
    for dose in schedule.doses.sorted(by: { $0.start < $1.start }) where dose.start.minutes <= end {
      if dose.start.minutes - lastEnd >= sessionGapMinutes { starts.append(dose.start.minutes) }
      lastEnd = max(lastEnd, dose.end.minutes)
    }
    return starts.indices.map { (starts[$0], $0 + 1 < starts.count ? starts[$0 + 1] : end) }
  }
}

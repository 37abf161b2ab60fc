/// A dosing protocol before it is resolved for a patient: sessions of named
/// steps, with what the protocol says about the patient, the model and the
/// output.
///
/// A regimen comes from a regimen file (``init(yaml:file:syringeOverride:)``,
/// format in `Models/regimens/README.md`), from a NONMEM-style event table
/// (``EventTable/regimen(id:)``) or from dose specs
/// (``init(id:name:doses:)``). Doses stay weight-based until
/// ``doses(forWeight:)`` or ``schedule(forWeight:)`` resolves them, so one
/// regimen serves patients of any weight.
///
/// Everything except the sessions is a default: the command line lets the
/// user override the patient, the model, the output grid, the syringe and
/// the thresholds.
///
/// Steady state (NONMEM `SS=1`) enters through ``steadyState``: each entry is
/// a dose given at time zero and, by assumption, every `interval` since long
/// before; ``simulation(for:weightKilograms:)`` starts from the exact steady
/// state (``SteadyState``) and ``schedule(forWeight:)`` includes what the
/// earlier doses still give after time zero.
public struct Regimen: Sendable, Equatable {
  /// The patient the protocol is written for, where it says.
  public struct PatientDefaults: Sendable, Equatable {
    public var weightKilograms: Double?
    public var ageYears: Double?

    public init(weightKilograms: Double? = nil, ageYears: Double? = nil) {
      self.weightKilograms = weightKilograms
      self.ageYears = ageYears
    }
  }

  /// Output settings of the protocol, where it says.
  public struct Output: Sendable, Equatable {
    /// How long to simulate.
    public var duration: ClockTime?
    /// Output time step.
    public var step: ClockTime?
    /// Sampling times (a study's blood samples, an event table's `EVID 0`
    /// records), in increasing order.
    public var times: [ClockTime]

    public init(duration: ClockTime? = nil, step: ClockTime? = nil, times: [ClockTime] = []) {
      self.duration = duration
      self.step = step
      self.times = times
    }
  }

  /// A dose given at time zero and every `interval` before it since long
  /// ago (NONMEM `SS=1`, or `SS=2` for a second one added to the first).
  public struct SteadyStateDose: Sendable, Equatable {
    /// One administration starting at time zero, without repetition.
    public var dose: DoseSpec
    public var interval: ClockTime

    public init(dose: DoseSpec, interval: ClockTime) {
      precondition(dose.start == .zero && dose.repeats == nil, "a steady-state dose starts at zero and does not repeat")
      precondition(interval > .zero, "a steady-state interval must be positive")
      self.dose = dose
      self.interval = interval
    }
  }

  /// Short name: the file name without extension for files.
  public var id: String
  /// Human-readable title.
  public var name: String
  /// What the protocol is and where it is used.
  public var summary: String
  /// Where the protocol comes from (citations with verification tags).
  public var sources: [String]
  public var patient: PatientDefaults
  /// A catalogue model id or a model file path, if the protocol names one.
  public var model: String?
  /// What the protocol gives (racemic ketamine or esketamine), if it says; `--drug` replaces it.
  public var drug: Drug?
  /// The form the amounts were stated in (already converted to base).
  public var salt: KetamineSalt
  /// Syringe strength in mg of base per mL (for mL doses and mL/h columns).
  public var syringeMilligramsPerMilliliter: Double?
  public var output: Output
  /// Threshold overrides, `NAME=VALUE` (ng/mL) or `NAME=off`, applied before
  /// the user's own.
  public var thresholdOverrides: [String]
  public var sessions: [RegimenSession]
  public var steadyState: [SteadyStateDose]
  /// Changes to running infusions (``RateChange``), made in time order on
  /// the sessions' doses; set with ``changing(_:)``.
  public private(set) var changes: [RateChange] = []

  public init(
    id: String, name: String, summary: String = "", sources: [String] = [], patient: PatientDefaults = .init(),
    model: String? = nil, salt: KetamineSalt = .base, syringeMilligramsPerMilliliter: Double? = nil,
    output: Output = .init(), thresholdOverrides: [String] = [], sessions: [RegimenSession],
    steadyState: [SteadyStateDose] = []
  ) {
    self.id = id
    self.name = name
    self.summary = summary
    self.sources = sources
    self.patient = patient
    self.model = model
    self.salt = salt
    self.syringeMilligramsPerMilliliter = syringeMilligramsPerMilliliter
    self.output = output
    self.thresholdOverrides = thresholdOverrides
    self.sessions = sessions
    self.steadyState = steadyState
  }

  /// A regimen of dose specs given from time zero (the `--dose` options).
  public init(id: String, name: String, doses: [DoseSpec]) {
    self.init(
      id: id, name: name,
      sessions: doses.isEmpty
        ? [] : [RegimenSession(name: name, steps: doses.map { RegimenStep(name: $0.text, doses: [$0]) })])
  }

  /// Every administration from time zero on, for a patient of
  /// `weightKilograms`: the sessions', and the steady-state doses given at
  /// zero (not what earlier steady-state doses still give; see
  /// ``schedule(forWeight:)``).
  public func doses(forWeight weightKilograms: Double) -> [Dose] {
    sessionDoses(forWeight: weightKilograms) + steadyState.flatMap { $0.dose.doses(forWeight: weightKilograms) }
  }

  /// The sessions' administrations for a patient of `weightKilograms`, with
  /// ``changes`` made.
  public func sessionDoses(forWeight weightKilograms: Double) -> [Dose] {
    changes.sorted { $0.time < $1.time }.reduce(sessions.flatMap { $0.doses(forWeight: weightKilograms) }) {
      $1.apply(to: $0, weightKilograms: weightKilograms)
    }
  }

  /// This regimen with `changes` added to its own.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:)`` for a change to
  ///   a new rate, without a duration, at a time when nothing is running.
  public func changing(_ changes: [RateChange]) throws -> Regimen {
    var result = self
    result.changes += changes
    var doses = sessions.flatMap { $0.doses(forWeight: 1) }
    for change in result.changes.sorted(by: { $0.time < $1.time }) {
      try change.check(against: doses)
      doses = change.apply(to: doses, weightKilograms: 1)
    }
    return result
  }

  /// The input from time zero on: ``doses(forWeight:)`` plus the parts of
  /// steady-state doses given before zero that still run at or after it.
  ///
  /// - Throws: ``KetasimError`` when a resolved dose is not valid (a
  ///   negative time, a non-finite amount).
  public func schedule(forWeight weightKilograms: Double) throws -> DosingSchedule {
    var doses = doses(forWeight: weightKilograms)
    for entry in steadyState {
      doses += SteadyState.carryOver(of: entry.dose.doses(forWeight: weightKilograms), every: entry.interval)
    }
    return try DosingSchedule(doses)
  }

  /// Whether any dose is at steady state from time zero.
  public var hasSteadyState: Bool { !steadyState.isEmpty }

  /// The state just before time zero: zero, or the sum of the steady states.
  public func initialState(disposition: Disposition, weightKilograms: Double) throws -> SIMD4<Double> {
    var state = SIMD4<Double>.zero
    for entry in steadyState {
      state +=
        try SteadyState(
          of: entry.dose.doses(forWeight: weightKilograms), every: entry.interval, disposition: disposition
        ).state
    }
    return state
  }

  /// The exact simulation of this regimen for one patient: the schedule of
  /// ``schedule(forWeight:)`` from the state of ``initialState(disposition:weightKilograms:)``.
  public func simulation(for parameters: PKParameters, weightKilograms: Double) throws -> Simulation {
    let disposition = Disposition(parameters)
    return Simulation(
      disposition: disposition, schedule: try schedule(forWeight: weightKilograms),
      initialState: try initialState(disposition: disposition, weightKilograms: weightKilograms))
  }

  /// The end of the last administration (independent of body weight).
  public var lastAdministrationEnd: ClockTime {
    let ends =
      doses(forWeight: 1).map(\.end)
      + steadyState.flatMap { entry in
        SteadyState.carryOver(of: entry.dose.doses(forWeight: 1), every: entry.interval).map(\.end)
      }
    return ends.max() ?? .zero
  }

  /// How long to simulate when neither the protocol nor the user says: 4 h
  /// after the end of the last administration, or to the last sampling time
  /// if that is later.
  public var defaultDuration: ClockTime {
    if let duration = output.duration { return duration }
    let washout = ClockTime.hours(4)
    return max(lastAdministrationEnd + washout, output.times.last ?? .zero)
  }

  /// This regimen with the sessions, steady-state doses and sampling times
  /// of `other` added; the other settings are this regimen's, or `other`'s
  /// where this one has none.
  public func adding(_ other: Regimen) -> Regimen {
    var result = self
    result.sessions += other.sessions
    result.steadyState += other.steadyState
    result.changes += other.changes
    result.output.times = (output.times + other.output.times).sorted()
    result.output.duration = output.duration ?? other.output.duration
    result.output.step = output.step ?? other.output.step
    result.patient.weightKilograms = patient.weightKilograms ?? other.patient.weightKilograms
    result.patient.ageYears = patient.ageYears ?? other.patient.ageYears
    result.model = model ?? other.model
    result.drug = drug ?? other.drug
    result.syringeMilligramsPerMilliliter = syringeMilligramsPerMilliliter ?? other.syringeMilligramsPerMilliliter
    result.thresholdOverrides = other.thresholdOverrides + thresholdOverrides
    result.sources += other.sources
    return result
  }
}

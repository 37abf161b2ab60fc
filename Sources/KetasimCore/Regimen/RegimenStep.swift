/// One named part of a session: a dose (bolus, infusion, repeated top-ups)
/// or a run of consecutive infusion rates (rate changes).
///
/// Times of the doses are relative to the start of the session that holds
/// the step.
public struct RegimenStep: Sendable, Equatable {
  /// The step's name, for people and error messages (`induction`, `top-up`).
  public var name: String
  /// The administrations: one spec for a dose, several consecutive rate
  /// specs for rate changes (each starting where the previous one ends).
  public var doses: [DoseSpec]

  public init(name: String, doses: [DoseSpec]) {
    self.name = name
    self.doses = doses
  }

  /// A step of consecutive rates, the first starting at `start`: each spec
  /// must be a rate with a duration (`5 mg/h for 24 h`) and no start time
  /// or repetition of its own.
  ///
  /// - Throws: ``KetasimError/invalidDose(_:reason:remedy:)`` naming the spec that
  ///   is not a plain rate for a duration.
  public init(name: String, rates: [DoseSpec], start: ClockTime) throws {
    var time = start
    var doses: [DoseSpec] = []
    for var spec in rates {
      guard case .rate = spec.quantity, let duration = spec.duration, spec.start == .zero, spec.repeats == nil else {
        throw KetasimError.invalidDose(
          spec.text,
          reason: "a rate change must be a rate for a duration, such as '10 mg/h for 24 h', without 'at' or 'every'")
      }
      spec.start = time
      time = time + duration
      guard time <= ClockTime.limit else {
        throw KetasimError.invalidDose(spec.text, reason: "the rate changes end more than 100 years after the start")
      }
      doses.append(spec)
    }
    self.init(name: name, doses: doses)
  }
}

/// Bounds on what a clinical preview can mean: patients and doses far
/// outside clinical use are refused unless the user confirms them.
///
/// These are guards against typos ('0.5 mg/kg/min for 40 min' where mg/kg/h
/// was meant, '700 kg'), not
/// dosing advice: every default lies well beyond the largest value in the
/// published clinical sources (for example 7 mg/kg/h for
/// refractory ICU cases, 2 mg/kg induction boluses, 4.5 mg/kg cumulative
/// in emergency sedation), so that no published regimen is refused. Values
/// merely outside a model's validity range only warn
/// (``ModelDefinition/validityWarnings(for:)``).
public struct PlausibilityLimits: Sendable, Equatable {
  /// Heaviest patient simulated without confirmation (kg).
  public var largestWeightKilograms = 350.0
  /// Lightest patient simulated without confirmation (kg): a preterm neonate.
  public var smallestWeightKilograms = 0.4
  /// Oldest patient simulated without confirmation (years).
  public var oldestAgeYears = 120.0
  /// Largest single bolus (mg/kg): more than three times the top of the
  /// Ketalar label's IV induction range (4.5 mg/kg).
  ///
  /// Infusions are bounded by their rate instead, since multi-day infusions legitimately total far more than any bolus.
  public var largestDoseMilligramsPerKilogram = 15.0
  /// Largest amount given within any one hour (mg/kg), boluses and
  /// infusions together.
  ///
  /// A sustained rate is bounded by this (15 mg/kg/h is more than twice
  /// the ICU maximum of 7 mg/kg/h), but a short fast infusion is not: a
  /// target-controlled infusion fills the central compartment at several
  /// hundred mg/kg/h for seconds, which is a bolus in all but name. The
  /// typo this catches is a rate in mg/kg/min typed for mg/kg/h: '0.5
  /// mg/kg/min for 40 min' (the antidepressant dose) gives 20 mg/kg in
  /// 40 min; any such typo of 0.25 mg/kg/h or more held for an hour does.
  public var largestHourlyMilligramsPerKilogram = 15.0
  /// Largest total over the whole schedule (mg/kg): ten days at the ICU
  /// maximum of 7 mg/kg/h is 1,680 mg/kg.
  public var largestTotalMilligramsPerKilogram = 2000.0

  /// Highest target concentration (ng/mL) for target-controlled infusion:
  /// almost three times the anaesthesia maintenance level of 2.2 µg/mL
  /// (Idvall 1979).
  public var largestTargetNanogramsPerMilliliter = 6000.0

  /// The default limits.
  public init() {}

  /// Throws ``KetasimError/implausible(_:_:reason:)`` for the first patient
  /// value outside the limits.
  public func check(_ patient: Patient) throws {
    let weight = patient.weightKilograms
    if weight > largestWeightKilograms {
      throw KetasimError.implausible(
        "weight", "\(Self.text(weight)) kg", reason: "above \(Self.text(largestWeightKilograms)) kg")
    }
    if weight < smallestWeightKilograms {
      throw KetasimError.implausible(
        "weight", "\(Self.text(weight)) kg", reason: "below \(Self.text(smallestWeightKilograms)) kg")
    }
    if let age = patient.ageYears, age > oldestAgeYears {
      throw KetasimError.implausible(
        "age", "\(Self.text(age)) years", reason: "above \(Self.text(oldestAgeYears)) years")
    }
  }

  /// Throws ``KetasimError/implausible(_:_:reason:)`` for the first bolus,
  /// hourly amount or total outside the limits, for a patient of
  /// `weightKilograms`.
  public func check(_ schedule: DosingSchedule, weightKilograms: Double) throws {
    precondition(weightKilograms > 0, "the weight was validated when the patient was made")
    for case .bolus(let milligrams, let time) in schedule.doses {
      let perKilogram = milligrams / weightKilograms
      if perKilogram > largestDoseMilligramsPerKilogram {
        throw KetasimError.implausible(
          "a bolus of", "\(Self.text(milligrams)) mg (\(Self.text(perKilogram)) mg/kg) at \(time)",
          reason: "above \(Self.text(largestDoseMilligramsPerKilogram)) mg/kg in one bolus")
      }
    }
    let window = ClockTime(minutes: 60)
    if let busiest = schedule.busiestWindow(of: window) {
      let perKilogram = busiest.milligrams / weightKilograms
      if perKilogram > largestHourlyMilligramsPerKilogram * (1 + 1e-12) {
        throw KetasimError.implausible(
          "dosing of", "\(Self.text(perKilogram)) mg/kg within one hour from \(busiest.start)",
          reason: "above \(Self.text(largestHourlyMilligramsPerKilogram)) mg/kg in any hour")
      }
    }
    let total = schedule.totalMilligrams / weightKilograms
    if total > largestTotalMilligramsPerKilogram {
      throw KetasimError.implausible(
        "a total of", "\(Self.text(total)) mg/kg",
        reason: "above \(Self.text(largestTotalMilligramsPerKilogram)) mg/kg over the schedule")
    }
  }

  /// Up to four significant digits, no trailing zeros.
  static func text(_ value: Double) -> String {
    var text = String(format: "%.4g", value)
    if text.contains("."), !text.contains("e") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }
}

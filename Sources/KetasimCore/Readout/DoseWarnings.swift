/// Warnings about a dosing profile and its predicted levels.
///
/// They inform; they never block a run.
///
/// Dose limits and their sources (published clinical regimens):
/// - bolus above 0.35 mg/kg: the ASRA/AAPM/ASA consensus guidelines on
///   ketamine for acute pain (Schwenk et al., Reg Anesth Pain Med
///   2018;43:456) and chronic pain (Cohen et al., same journal 2018) cap
///   analgesic boluses at 0.35 mg/kg;
/// - bolus above 4.5 mg/kg: above the IV induction range of 1–4.5 mg/kg in
///   the Ketalar label;
/// - infusion above 1 mg/kg/h: Schwenk 2018 advises infusions generally not
///   above 1 mg/kg/h in settings without intensive monitoring.
public enum DoseWarnings {
  /// Analgesic bolus limit (mg/kg).
  public static let analgesicBolusLimit = 0.35
  /// Upper end of the label's IV induction dose range (mg/kg).
  public static let inductionBolusLimit = 4.5
  /// Infusion rate limit without intensive monitoring (mg/kg/h).
  public static let monitoredInfusionLimit = 1.0

  /// Warnings for `schedule` given to a patient of `weightKilograms`.
  ///
  /// Overlapping infusions are summed: the limit applies to the total rate.
  public static func check(_ schedule: DosingSchedule, weightKilograms: Double) -> [String] {
    var warnings: [String] = []
    for case .bolus(let amount, let time) in schedule.doses {
      let perKilogram = amount / weightKilograms
      if perKilogram > inductionBolusLimit {
        warnings.append(
          "bolus of \(format(perKilogram)) mg/kg at \(format(time.minutes)) min is above the Ketalar label's "
            + "induction range (1-4.5 mg/kg)")
      } else if perKilogram > analgesicBolusLimit {
        warnings.append(
          "bolus of \(format(perKilogram)) mg/kg at \(format(time.minutes)) min is above the 0.35 mg/kg "
            + "analgesic bolus limit of the 2018 ASRA/AAPM/ASA ketamine guidelines (an anaesthetic or sedation dose)")
      }
    }
    if let fastest = schedule.breakpoints.max(by: { $0.rateAfter < $1.rateAfter }) {
      let perKilogramPerHour = fastest.rateAfter * 60 / weightKilograms
      if perKilogramPerHour > monitoredInfusionLimit {
        warnings.append(
          "infusion rate reaches \(format(perKilogramPerHour)) mg/kg/h at \(format(fastest.time.minutes)) min, "
            + "above the 1 mg/kg/h that the 2018 ASRA/AAPM/ASA acute-pain guideline allows without intensive "
            + "monitoring")
      }
    }
    return warnings
  }

  /// A note when infusions overlap, since their rates add: a second dose
  /// typed while one runs is given on top of it, not instead of it (use a
  /// ``RateChange`` to change the running rate).
  public static func overlaps(_ schedule: DosingSchedule, weightKilograms: Double) -> [String] {
    let infusions = schedule.doses.filter { $0.end > $0.start }
    var first: (from: ClockTime, to: ClockTime)?
    var highest = 0.0
    for point in schedule.breakpoints {
      let running = infusions.filter { $0.start <= point.time && $0.end > point.time }
      guard running.count > 1 else { continue }
      let until = running.map(\.end).min() ?? point.time
      if first == nil { first = (point.time, until) }
      highest = max(highest, point.rateAfter)
    }
    guard let first else { return [] }
    return [
      "infusions overlap from \(format(first.from.minutes)) min to \(format(first.to.minutes)) min and their rates "
        + "add up (to \(format(highest * 60)) mg/h, \(format(highest * 60 / weightKilograms)) mg/kg/h at most); "
        + "to change a running infusion instead, use a change such as 'at 20 min to 0.3 mg/kg/h'"
    ]
  }

  /// A warning when dosing continues past `end`, the end of the simulated
  /// time: '0.5 mg/kg over 40 h' typed for '40 min' then shows only the
  /// first hours of a much longer infusion, which the user should be told.
  public static func check(_ schedule: DosingSchedule, through end: ClockTime) -> [String] {
    guard schedule.end > end else { return [] }
    return [
      "dosing continues until \(format(schedule.end.minutes)) min, past the end of the simulated time "
        + "(\(format(end.minutes)) min): \(format(schedule.milligramsGiven(through: end))) of "
        + "\(format(schedule.totalMilligrams)) mg are given within it; lengthen the duration to see the rest"
    ]
  }

  /// A warning when a peak of `site` (ng/mL, at `time` minutes) exceeds the
  /// `anesthesia` threshold.
  static func check(peak: Double, at time: Double, site: CurveReadout.Site, anesthesia: NamedThreshold) -> [String] {
    guard peak > anesthesia.nanogramsPerMilliliter else { return [] }
    let name = site == .plasma ? "plasma" : "effect-site"
    return [
      "predicted \(name) peak \(format(peak)) ng/mL at \(format(time)) min is above "
        + "the anaesthesia threshold (\(format(anesthesia.nanogramsPerMilliliter)) ng/mL)"
    ]
  }

  static func format(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
  }
}

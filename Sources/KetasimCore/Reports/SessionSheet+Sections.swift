extension SessionSheet {
  /// One part of the sheet: a heading and its lines, in reading order.
  public struct Section: Sendable, Equatable {
    public var heading: String
    public var lines: [String]
  }

  /// The sheet's content, shared by ``text``, ``markdown`` and ``html``.
  public var sections: [Section] {
    var result = [
      Section(heading: "Patient", lines: [patientLine]),
      Section(heading: "Model", lines: [modelLine]),
      Section(heading: "Given", lines: givenLines),
      Section(heading: "Peak", lines: peakLines),
      Section(
        heading: "Levels",
        lines: levels.sorted { $0.threshold.nanogramsPerMilliliter < $1.threshold.nanogramsPerMilliliter }.map(
          levelLine)),
    ]
    if !effects.isEmpty { result.append(Section(heading: "Effects", lines: effects.map(effectLine))) }
    if !metabolites.isEmpty { result.append(Section(heading: "Metabolite", lines: metabolites.map(metaboliteLine))) }
    if !recovery.isEmpty { result.append(Section(heading: "After the last dose", lines: recoveryLines)) }
    if !sessions.isEmpty { result.append(Section(heading: "Sessions", lines: sessionLines)) }
    result.append(Section(heading: "Warnings", lines: warnings.isEmpty ? ["none"] : warnings))
    return result
  }

  var patientLine: String {
    let age = patient.ageYears.map { ", \(ClinicalFormat.amount($0)) years" } ?? ""
    return "\(ClinicalFormat.amount(patient.weightKilograms)) kg\(age)"
  }

  var modelLine: String {
    let sampling: String
    switch model.sampling {
    case .arterial: sampling = "arterial plasma"
    case .venous: sampling = "venous plasma"
    case .unknown: sampling = "sampling site not reported"
    }
    return "\(model.name) (\(model.id)), \(sampling)"
  }

  /// `41 mg (0.5 mg/kg)`, with the volume when there is a syringe.
  func amountText(_ milligrams: Double) -> String {
    let volume = syringe.map { ", \(ClinicalFormat.amount(milligrams / $0)) mL" } ?? ""
    return "\(ClinicalFormat.amount(milligrams)) mg (\(ClinicalFormat.amount(milligrams / patient.weightKilograms))"
      + " mg/kg\(volume))"
  }

  /// Start times listed for a repeated administration before the rest are counted.
  static let listedStarts = 4

  /// One line per kind of administration (a bolus or an infusion of one
  /// amount and length), with the times it is given.
  var givenLines: [String] {
    var groups: [(dose: Dose, starts: [Double])] = []
    for dose in doses {
      let shape = dose.shifted(by: .zero - dose.start)
      if let index = groups.firstIndex(where: { $0.dose == shape }) {
        groups[index].starts.append(dose.start.minutes)
      } else {
        groups.append((shape, [dose.start.minutes]))
      }
    }
    var lines = groups.map { group -> String in
      var times = group.starts.prefix(Self.listedStarts).map(ClinicalFormat.clock).joined(separator: ", ")
      if group.starts.count > Self.listedStarts { times += " ... (\(group.starts.count) times)" }
      switch group.dose {
      case .bolus(let amount, _):
        return "\(amountText(amount)) bolus at \(times)"
      case .infusion(let rate, _, let length):
        let perHour = rate * 60
        let pump = syringe.map { ", \(ClinicalFormat.amount(perHour / $0)) mL/h" } ?? ""
        return "\(amountText(group.dose.milligrams)) over \(ClinicalFormat.duration(length.minutes)) from "
          + "\(times): \(ClinicalFormat.amount(perHour)) mg/h "
          + "(\(ClinicalFormat.amount(perHour / patient.weightKilograms)) mg/kg/h\(pump))"
      }
    }
    lines.append("in all \(amountText(milligramsGiven)) within the \(ClinicalFormat.duration(duration)) simulated")
    return lines
  }

  var peakLines: [String] {
    var lines = [
      "plasma \(ClinicalFormat.concentration(plasma.maximum)) ng/mL at \(ClinicalFormat.clock(plasma.timeOfMaximum))"
    ]
    if let effectSite {
      lines.append(
        "effect site \(ClinicalFormat.concentration(effectSite.maximum)) ng/mL at "
          + "\(ClinicalFormat.clock(effectSite.timeOfMaximum))")
    }
    return lines
  }

  /// `plasma from 0:31 to 0:47 (16 min)`, or `plasma not reached`.
  func above(_ times: CurveReadout.ThresholdTimes, site: String) -> String {
    guard let first = times.firstAbove, let last = times.lastAbove else { return "\(site) never above" }
    let until =
      last >= duration ? "still above at the end (\(ClinicalFormat.clock(last)))" : "to \(ClinicalFormat.clock(last))"
    let span = last - first
    let total =
      abs(span - times.minutesAbove) < 0.5
      ? ClinicalFormat.duration(times.minutesAbove) : "\(ClinicalFormat.duration(times.minutesAbove)) above in all"
    return "\(site) from \(ClinicalFormat.clock(first)) \(until) (\(total))"
  }

  func levelLine(_ level: Level) -> String {
    let name = level.threshold.name.prefix(1).uppercased() + level.threshold.name.dropFirst()
    var parts = [above(level.plasma, site: "plasma")]
    if let effect = level.effectSite { parts.append(above(effect, site: "effect site")) }
    return "\(name) (\(ClinicalFormat.concentration(level.threshold.nanogramsPerMilliliter)) ng/mL): "
      + parts.joined(separator: "; ")
  }

  /// `dissociation (half-maximal at 242 ng/mL in its effect site): from 0:31 to 0:52 (21 min); effect-site
  /// peak 301 ng/mL at 0:44`, with the effect at the peak where the relation gives it.
  func effectLine(_ effect: Effect) -> String {
    let subject = effect.endpoint
    let site = subject.endpoint.ke0PerMinute == nil ? "plasma" : "its effect site"
    let siteName = subject.endpoint.ke0PerMinute == nil ? "plasma" : "effect-site"
    var head = subject.endpoint.id
    if let level = subject.level?.nanogramsPerMilliliter {
      let what =
        subject.effectLevel.map { "\(ClinicalFormat.concentration($0)) \(subject.endpoint.effectUnit ?? "")" }
        ?? "half-maximal"
      head += " (\(what) at \(ClinicalFormat.concentration(level)) ng/mL in \(site))"
    }
    var peak =
      "\(siteName) peak \(ClinicalFormat.concentration(effect.peak)) ng/mL at \(ClinicalFormat.clock(effect.peakTime))"
    let effects = subject.effects(at: effect.peak).map(ClinicalFormat.concentration)
    if !effects.isEmpty {
      peak += ", effect \(effects.joined(separator: " to ")) \(subject.endpoint.effectUnit ?? "")"
    }
    guard let above = effect.above else { return "\(head): \(peak)" }
    guard above.firstAbove != nil else { return "\(head): never reached; \(peak)" }
    return "\(head): \(self.above(above, site: subject.effectLevel == nil ? "above half" : "above")); \(peak)"
  }

  /// `nk peak 58 ng/mL at 1:45`.
  func metaboliteLine(_ metabolite: Metabolite) -> String {
    "\(metabolite.name) peak \(ClinicalFormat.concentration(metabolite.peak)) ng/mL at "
      + ClinicalFormat.clock(metabolite.peakTime)
  }

  var recoveryLines: [String] {
    recovery.map { item in
      let level =
        "\(item.threshold.name) (\(ClinicalFormat.concentration(item.threshold.nanogramsPerMilliliter)) ng/mL)"
      guard item.minutesAfter > 0 else { return "plasma is below \(level) when the last dose ends" }
      return "plasma falls below \(level) \(ClinicalFormat.duration(item.minutesAfter)) after the last dose ends, "
        + "at \(ClinicalFormat.clock(item.after + item.minutesAfter))"
    }
  }

  var sessionLines: [String] {
    sessions.enumerated().map { index, session in
      var text =
        "\(index + 1). \(ClinicalFormat.clock(session.start)): peak \(ClinicalFormat.concentration(session.peak)) "
        + "ng/mL at \(ClinicalFormat.clock(session.peakTime))"
      for (level, minutes) in zip(levels, session.minutesAbove) where minutes > 0 {
        text += ", \(ClinicalFormat.duration(minutes)) above \(level.threshold.name)"
      }
      if let trough = session.trough {
        text += "; trough before the next \(ClinicalFormat.concentration(trough)) ng/mL"
      }
      return text
    }
  }
}

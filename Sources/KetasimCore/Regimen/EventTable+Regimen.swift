import Foundation

extension EventTable {
  /// The doses and observation times of one subject as a ``Regimen``.
  ///
  /// Each dose record becomes a step (named `FILE:LINE`): a bolus when
  /// `RATE` is 0 and there is no `DUR`; an infusion at `RATE` for
  /// `AMT/RATE`, or of `AMT` over `DUR`; repeated `ADDL` more times `II`
  /// apart. A record with `SS` 1 or 2 (at time 0) becomes a steady-state
  /// dose of interval `II`, its `ADDL` doses following from `II` on.
  /// `EVID 0` times become the regimen's sampling times; `EVID 2` records
  /// are ignored. The subject's `WT` and `AGE` become the regimen's patient;
  /// they must not change within the subject (``DatasetSimulation`` simulates
  /// covariates that change, and resets; a regimen has one patient).
  ///
  /// - Parameter id: the subject; may be nil when the table has one.
  /// - Throws: ``KetasimError/invalidData(_:reason:remedy:)`` when the table
  ///   has several subjects and `id` is nil, when `id` is not in it, or
  ///   for a record whose `RATE` and `DUR` disagree.
  public func regimen(id: String? = nil) throws -> Regimen {
    let ids = self.ids
    let chosen: String
    if let id {
      guard ids.contains(id) else {
        throw KetasimError.invalidData(file, reason: "no subject with ID \(id); the IDs are \(Self.list(ids))")
      }
      chosen = id
    } else {
      guard ids.count <= 1 else {
        throw KetasimError.invalidData(
          file, reason: "\(ids.count) subjects (IDs \(Self.list(ids)))", remedy: .chooseSubject)
      }
      chosen = ids.first ?? "1"
    }
    var steps: [RegimenStep] = []
    var steadyState: [Regimen.SteadyStateDose] = []
    var times: [ClockTime] = []
    var sawFirstSteadyState = false
    var patient = Regimen.PatientDefaults()
    for record in records where record.id == chosen {
      try Self.note(record.weightKilograms, in: &patient.weightKilograms, "WT", "kg", at: "\(file):\(record.line)")
      try Self.note(record.ageYears, in: &patient.ageYears, "AGE", "years", at: "\(file):\(record.line)")
      let location = "\(file):\(record.line)"
      switch record.evid {
      case 0:
        times.append(record.time)
      case 3, 4:
        throw KetasimError.invalidData(
          location,
          reason: "EVID '\(record.evid)': resets (EVID 3 and 4) are simulated by 'ketasim dataset' only; expected 0 "
            + "(observation), 1 (dose) or 2 (other) here")
      case 1 where record.amount > 0:
        let single = try Self.dose(record, location: location)
        if record.steadyState > 0 {
          if record.steadyState == 1 {
            guard !sawFirstSteadyState else {
              throw KetasimError.invalidData(
                location, reason: "SS 1 '1': a second SS=1 record would reset the first; use SS=2 to add to it")
            }
            sawFirstSteadyState = true
          }
          steadyState.append(Regimen.SteadyStateDose(dose: single, interval: record.interval))
          if record.additional > 0 {
            var following = single
            following.start = record.interval
            following.repeats = (record.interval, record.additional)
            steps.append(RegimenStep(name: location, doses: [following]))
          }
        } else {
          var spec = single
          spec.start = record.time
          if record.additional > 0 { spec.repeats = (record.interval, record.additional + 1) }
          steps.append(RegimenStep(name: location, doses: [spec]))
        }
      default:
        break
      }
    }
    let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    let label = ids.count > 1 ? "\(stem) ID \(chosen)" : stem
    var regimen = Regimen(
      id: label, name: label, summary: "NONMEM-style event table \(file)",
      output: Regimen.Output(times: times.sorted()),
      sessions: steps.isEmpty ? [] : [RegimenSession(name: label, steps: steps)], steadyState: steadyState)
    regimen.patient = patient
    return regimen
  }

  /// Keeps the first value of a covariate; a different later value is refused.
  private static func note(
    _ value: Double?, in kept: inout Double?, _ column: String, _ unit: String, at location: String
  ) throws {
    guard let value else { return }
    guard let first = kept else {
      kept = value
      return
    }
    guard value == first else {
      throw KetasimError.invalidData(
        location,
        reason:
          "\(column) '\(PlausibilityLimits.text(value))': the subject's \(column) was \(PlausibilityLimits.text(first)) \(unit) on an "
          + "earlier record; expected one \(column) per subject here ('ketasim dataset' simulates covariates that change)"
      )
    }
  }

  /// One administration of `record` at time zero, without repetition.
  private static func dose(_ record: Record, location: String) throws -> DoseSpec {
    let text = "AMT \(record.amount) mg" + (record.rate > 0 ? " RATE \(record.rate * 60) mg/h" : "")
    if record.rate > 0 {
      let minutes = record.amount / record.rate
      guard let length = ClockTime(validatingMinutes: minutes), length > .zero, length <= ClockTime.limit else {
        throw KetasimError.invalidData(
          location, reason: "AMT/RATE gives an infusion of \(minutes) min; expected a positive length up to 100 years")
      }
      if let duration = record.duration {
        guard abs(duration.minutes - minutes) <= 1e-6 * max(minutes, 1) else {
          throw KetasimError.invalidData(
            location,
            reason: "DUR (\(duration.minutes) min) disagrees with AMT/RATE (\(minutes) min); give one of RATE and DUR")
        }
      }
      return DoseSpec(
        text: text, quantity: .rate(milligramsPerMinute: record.rate, perKilogram: false), duration: length,
        start: .zero, repeats: nil)
    }
    return DoseSpec(
      text: text, quantity: .amount(milligrams: record.amount, perKilogram: false), duration: record.duration,
      start: .zero, repeats: nil)
  }

  private static func list(_ ids: [String]) -> String {
    ids.count <= 10 ? ids.joined(separator: ", ") : ids.prefix(10).joined(separator: ", ") + ", ..."
  }

  /// The doses of `regimen` for a patient of `weightKilograms` as records of
  /// subject 1: one row per administration (times and amounts resolved, so
  /// per-kg doses become mg), steady-state doses as `SS` rows at time zero,
  /// then an `EVID 0` row per sampling time; sorted by time, doses first.
  public init(regimen: Regimen, weightKilograms: Double, file: String = "export") {
    var records: [Record] = []
    let record = Self.record(for:)
    for (index, entry) in regimen.steadyState.enumerated() {
      for dose in entry.dose.doses(forWeight: weightKilograms) {
        var row = record(dose)
        row.interval = entry.interval
        row.steadyState = index == 0 ? 1 : 2
        records.append(row)
      }
    }
    records += regimen.sessionDoses(forWeight: weightKilograms).map(record)
    records += regimen.output.times.map { Record(time: $0, evid: 0) }
    let ordered = records.enumerated().sorted {
      ($0.element.time, $0.element.evid == 0 ? 1 : 0, $0.offset) < (
        $1.element.time, $1.element.evid == 0 ? 1 : 0, $1.offset
      )
    }
    self.init(file: file, records: ordered.map(\.element))
  }

  /// The doses of `schedule` as records of subject 1, one row per
  /// administration, sorted by time (a computed schedule, such as a
  /// target-controlled infusion's, exported for replay).
  public init(schedule: DosingSchedule, file: String = "export") {
    let records = schedule.doses.enumerated()
      .sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
      .map { Self.record(for: $0.element) }
    self.init(file: file, records: records)
  }

  /// One dosing record (`EVID 1`): a bolus, or an infusion as its amount
  /// and rate.
  private static func record(for dose: Dose) -> Record {
    switch dose {
    case .bolus(let amount, let time):
      return Record(time: time, evid: 1, amount: amount)
    case .infusion(let rate, let start, _):
      return Record(time: start, evid: 1, amount: dose.milligrams, rate: rate)
    }
  }
}

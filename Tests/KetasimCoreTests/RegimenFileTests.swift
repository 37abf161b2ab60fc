import Foundation
import KetasimCore
import Testing

/// Regimen files: what they resolve to (worked out by hand), and errors with
/// file, line and column.
@Suite struct RegimenFileTests {
  static let minute: Int64 = 60_000_000
  static let hour = 60 * minute
  static let day = 24 * hour

  /// The parts of an ``KetasimError/invalidData(_:reason:)``.
  static func inputFileError(_ error: (any Error)?) -> (file: String, line: Int?, column: Int?, reason: String)? {
    guard let error = error as? KetasimError, case .file? = error.origin, error.kind == .data else { return nil }
    // The message after `location: ` (a bad value inside the file keeps its own problem).
    let location = error.origin?.description ?? ""
    let reason = String(error.description.dropFirst(location.count + 2))
    let parts = location.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    if parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) {
      return (parts.dropLast(2).joined(separator: ":"), line, column, reason)
    }
    if parts.count == 2, let line = Int(parts[1]) { return (parts[0], line, nil, reason) }
    return (location, nil, nil, reason)
  }

  @Test func fullFileResolvesToTheHandComputedDoses() throws {
    let text = """
      id: series-test
      name: "A test series"
      description: "two sessions"
      sources: ["a book [V]"]
      patient: {weight_kg: 82, age_years: 45}
      model: domino1984
      syringe: 10 mg/mL
      output: {duration: 10 d, step: 10 min, times: [2 h, 40 min]}
      thresholds: {dissociation: 200, anesthesia: off}
      sessions:
        - name: loading
          at: [0 h, 2 d]
          steps:
            - name: bolus
              dose: 0.25 mg/kg
            - name: infusion
              at: 5 min
              dose: 12 mL/h for 1 h
        - name: maintenance
          at: 7 d
          every: 24 h
          times: 2
          steps:
            - name: infusion
              dose: 0.5 mg/kg over 40 min at 30 min
      """
    let regimen = try Regimen(yaml: text, file: "series.yaml")
    #expect(regimen.id == "series-test")
    #expect(regimen.name == "A test series")
    #expect(regimen.summary == "two sessions")
    #expect(regimen.sources == ["a book [V]"])
    #expect(regimen.patient == Regimen.PatientDefaults(weightKilograms: 82, ageYears: 45))
    #expect(regimen.model == "domino1984")
    #expect(regimen.syringeMilligramsPerMilliliter == 10)
    #expect(regimen.output.duration?.microseconds == 10 * Self.day)
    #expect(regimen.output.step?.microseconds == 10 * Self.minute)
    #expect(regimen.output.times.map(\.microseconds) == [40 * Self.minute, 2 * Self.hour])
    #expect(regimen.thresholdOverrides == ["dissociation=200", "anesthesia=off"])
    #expect(regimen.sessions.map(\.name) == ["loading", "maintenance"])
    #expect(regimen.sessions[1].startTimes.map(\.microseconds) == [7 * Self.day, 8 * Self.day])

    // At 82 kg: 0.25 mg/kg = 20.5 mg; 12 mL/h x 10 mg/mL = 120 mg/h = 2 mg/min
    // for 1 h from 5 min; 0.5 mg/kg over 40 min = 41 mg at 1.025 mg/min.
    let doses = try regimen.schedule(forWeight: 82).doses
    let expected: [Dose] = [
      .bolus(milligrams: 20.5, at: ClockTime(microseconds: 0)),
      .infusion(
        milligramsPerMinute: 2, start: ClockTime(microseconds: 5 * Self.minute),
        duration: ClockTime(microseconds: Self.hour)),
      .bolus(milligrams: 20.5, at: ClockTime(microseconds: 2 * Self.day)),
      .infusion(
        milligramsPerMinute: 2, start: ClockTime(microseconds: 2 * Self.day + 5 * Self.minute),
        duration: ClockTime(microseconds: Self.hour)),
      .infusion(
        milligramsPerMinute: 1.025, start: ClockTime(microseconds: 7 * Self.day + 30 * Self.minute),
        duration: ClockTime(microseconds: 40 * Self.minute)),
      .infusion(
        milligramsPerMinute: 1.025, start: ClockTime(microseconds: 8 * Self.day + 30 * Self.minute),
        duration: ClockTime(microseconds: 40 * Self.minute)),
    ]
    #expect(doses.count == expected.count)
    for (actual, wanted) in zip(doses, expected) {
      #expect(actual.start == wanted.start && actual.end == wanted.end, "\(actual) vs \(wanted)")
      #expect(abs(actual.milligrams - wanted.milligrams) <= 1e-12 * wanted.milligrams, "\(actual) vs \(wanted)")
    }
    // 2 x (20.5 + 120) + 2 x 41 = 363 mg.
    #expect(abs(try regimen.schedule(forWeight: 82).totalMilligrams - 363) < 1e-9)
  }

  @Test func rateChangesFollowOneAnother() throws {
    let text = """
      steps:
        - name: titration
          at: 30 min
          rates: [5 mg/h for 24 h, 10 mg/h for 24 h, 20 mg/h for 52 h]
      """
    let regimen = try Regimen(yaml: text, file: "dahan.yaml")
    #expect(regimen.id == "dahan")
    let doses = regimen.doses(forWeight: 70)
    #expect(
      doses.map(\.start.microseconds) == [
        30 * Self.minute, 30 * Self.minute + Self.day, 30 * Self.minute + 2 * Self.day,
      ])
    #expect(doses.map(\.end.microseconds).last == 30 * Self.minute + 2 * Self.day + 52 * Self.hour)
    // 5 x 24 + 10 x 24 + 20 x 52 = 1400 mg: the 100-h CRPS infusion.
    #expect(abs(doses.reduce(0) { $0 + $1.milligrams } - 1400) < 1e-9)
    let schedule = try regimen.schedule(forWeight: 70)
    #expect(schedule.rate(after: ClockTime(microseconds: 30 * Self.minute + Self.day)) == 10.0 / 60)
  }

  @Test func saltHClConvertsEveryAmountButNotTheSyringe() throws {
    let text = """
      salt: hcl
      syringe: 10
      steps:
        - dose: 57.65 mg over 1 h
        - dose: 5 mL at 2 h
      """
    let doses = try Regimen(yaml: text, file: "hcl.yaml").doses(forWeight: 70)
    // 57.65 mg HCl x 237.73 / 274.19 = 49.984 mg base; 5 mL x 10 mg/mL = 50 mg.
    #expect(abs(doses[0].milligrams - 57.65 * 237.73 / 274.19) < 1e-12)
    #expect(doses[1].milligrams == 50)
  }

  @Test func aSyringeOverrideReplacesTheFilesSyringe() throws {
    let text = "syringe: 10\nsteps:\n  - dose: 6 mL/h for 1 h\n"
    #expect(try Regimen(yaml: text, file: "r.yaml").doses(forWeight: 70)[0].milligrams == 60)
    let overridden = try Regimen(yaml: text, file: "r.yaml", syringeOverride: 50)
    #expect(overridden.doses(forWeight: 70)[0].milligrams == 300)
    #expect(overridden.syringeMilligramsPerMilliliter == 50)
  }

  @Test func jsonIsAccepted() throws {
    let text = """
      {"id": "json-test", "patient": {"weight_kg": 60},
       "steps": [{"name": "infusion", "dose": "0.5 mg/kg over 40 min"}]}
      """
    let regimen = try Regimen(yaml: text, file: "r.json")
    #expect(regimen.id == "json-test")
    // 0.5 mg/kg x 60 kg = 30 mg.
    #expect(try regimen.schedule(forWeight: regimen.patient.weightKilograms!).totalMilligrams == 30)
  }

  @Test func defaultDurationIsFourHoursAfterTheLastDoseOrTheLastSample() throws {
    let plain = try Regimen(yaml: "steps:\n  - dose: 1 mg/kg over 2 h at 1 h\n", file: "r.yaml")
    #expect(plain.defaultDuration.microseconds == 7 * Self.hour)
    let sampled = try Regimen(
      yaml: "output: {times: [1 d]}\nsteps:\n  - dose: 1 mg/kg\n", file: "r.yaml")
    #expect(sampled.defaultDuration.microseconds == Self.day)
    let fixed = try Regimen(yaml: "output: {duration: 90 min}\nsteps:\n  - dose: 1 mg/kg\n", file: "r.yaml")
    #expect(fixed.defaultDuration.microseconds == 90 * Self.minute)
  }

  // MARK: - Errors with file, line and column

  struct Rejection: Sendable, CustomTestStringConvertible {
    var text: String
    var line: Int
    var column: Int
    var mentions: [String]
    var testDescription: String { mentions.joined(separator: ", ") }
  }

  static let rejections: [Rejection] = [
    // An unknown key, named with the accepted ones.
    Rejection(
      text: "steps:\n  - dose: 1 mg\npatiant: {weight_kg: 70}\n", line: 3, column: 1, mentions: ["patiant", "patient"]),
    // A dose spec that does not parse: the spec's own reason, at the spec.
    Rejection(
      text: "steps:\n  - name: a\n    dose: 1 mg/kx\n", line: 3, column: 11, mentions: ["mg/kx", "invalid dose"]),
    // A time without a known unit.
    Rejection(
      text: "sessions:\n  - at: 2 fortnights\n    steps:\n      - dose: 1 mg\n", line: 2, column: 9,
      mentions: ["fortnights", "s, min, h or d"]),
    // 'every' without 'times'.
    Rejection(
      text: "sessions:\n  - every: 1 d\n    steps:\n      - dose: 1 mg\n", line: 2, column: 12, mentions: ["times"]),
    // A step with neither dose nor rates.
    Rejection(text: "steps:\n  - name: empty\n", line: 2, column: 5, mentions: ["dose", "rates"]),
    // A rate change that is not a rate for a duration, at that entry.
    Rejection(
      text: "steps:\n  - rates:\n      - 5 mg/h for 1 h\n      - 10 mg\n", line: 4, column: 9,
      mentions: ["10 mg", "rate for a duration"]),
    // A bad salt, a bad syringe, a bad weight.
    Rejection(text: "salt: sulfate\nsteps:\n  - dose: 1 mg\n", line: 1, column: 7, mentions: ["hcl"]),
    Rejection(text: "syringe: ten\nsteps:\n  - dose: 1 mg\n", line: 1, column: 10, mentions: ["mg/mL"]),
    Rejection(
      text: "patient: {weight_kg: -3}\nsteps:\n  - dose: 1 mg\n", line: 1, column: 22, mentions: ["positive"]),
    // mL without a syringe.
    Rejection(text: "steps:\n  - dose: 5 mL\n", line: 2, column: 11, mentions: ["syringe"]),
    // Sessions repeated past 100 years (would overflow the microsecond clock).
    Rejection(
      text: "sessions:\n  - every: 36000 d\n    times: 100000\n    steps:\n      - dose: 1 mg\n", line: 3, column: 12,
      mentions: ["100 years"]),
    // No doses at all.
    Rejection(text: "name: nothing\n", line: 1, column: 1, mentions: ["steps", "sessions"]),
    // YAML syntax.
    Rejection(text: "steps:\n  - dose: [1 mg\n", line: 3, column: 1, mentions: ["YAML"]),
    // JSON: an unknown key inside a flow mapping, at the key.
    Rejection(
      text: "{\"steps\": [{\"dose\": \"1 mg\"}],\n \"speed\": 3}\n", line: 2, column: 2, mentions: ["speed"]),
    // JSON: a missing comma.
    Rejection(text: "{\"steps\": [{\"dose\": \"1 mg\"}]\n \"name\": \"x\"}\n", line: 2, column: 2, mentions: ["YAML"]),
  ]

  @Test(arguments: rejections)
  func errorsNameFileLineAndColumn(_ rejection: Rejection) throws {
    let error = #expect(throws: KetasimError.self) { try Regimen(yaml: rejection.text, file: "dir/bad.yaml") }
    let parts = try #require(Self.inputFileError(error), "got \(String(describing: error))")
    #expect(parts.file == "dir/bad.yaml")
    #expect(parts.line == rejection.line, "\(parts)")
    #expect(parts.column == rejection.column, "\(parts)")
    for mention in rejection.mentions {
      #expect(parts.reason.contains(mention), "reason '\(parts.reason)' should mention '\(mention)'")
    }
    #expect(!(error?.description.contains("\n") ?? true))
  }
}

/// A regimen file's `drug:` key: what the protocol gives, used when `--drug` is not.
@Suite struct RegimenDrugTests {
  static let text = """
    name: "Esketamine infusion"
    model: perezruixo2021
    drug: esketamine
    steps:
      - dose: 0.4 mg/kg over 40 min
    """

  @Test func theFilesDrugLetsAnSKetamineModelRunAndTheRequestReplacesIt() throws {
    let regimen = try Regimen(yaml: Self.text, file: "esk.yaml")
    #expect(regimen.drug == .esketamine)
    let source = DosingSource(regimen: regimen, isFile: true)
    // The same scenario with --drug esketamine and no file drug: identical doses and input fraction.
    var bare = regimen
    bare.drug = nil
    var explicit = ScenarioRequest()
    explicit.drug = .esketamine
    let fromFile = try ScenarioRequest().resolve([source])
    let fromFlag = try explicit.resolve([DosingSource(regimen: bare, isFile: true)])
    #expect(fromFile.subject.inputFraction == 1 && fromFile.schedule == fromFlag.schedule)
    #expect(fromFile.subject.definition.cautions == fromFlag.subject.definition.cautions)
    // Without the key the S-ketamine model asks for the drug; --drug racemic against the file is said.
    #expect(throws: KetasimError.self) { try ScenarioRequest().resolve([DosingSource(regimen: bare, isFile: true)]) }
    var racemic = ScenarioRequest()
    racemic.drug = .racemic
    racemic.sFraction = 0.5
    let replaced = try racemic.resolve([source])
    #expect(replaced.subject.inputFraction == 0.5)
    #expect(replaced.notes.contains { $0.contains("--drug racemic replaces the drug of") && $0.contains("esketamine") })
  }

  @Test func anUnknownDrugNamesTheLineAndWhatIsAccepted() {
    let text = Self.text.replacingOccurrences(of: "drug: esketamine", with: "drug: arketamine")
    do {
      _ = try Regimen(yaml: text, file: "esk.yaml")
      Issue.record("arketamine accepted")
    } catch {
      #expect("\(error)".hasPrefix("esk.yaml:3:"), "\(error)")
      #expect("\(error)".contains("'racemic'") && "\(error)".contains("'esketamine'"))
    }
  }
}

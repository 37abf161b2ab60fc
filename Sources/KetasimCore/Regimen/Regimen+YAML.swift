import Foundation

extension Regimen {
  /// Keys of a regimen file (format: `Models/regimens/README.md`).
  static let fileKeys = [
    "id", "name", "description", "sources", "patient", "model", "drug", "salt", "syringe", "output", "thresholds",
    "steps",
    "sessions", "changes",
  ]

  /// Reads a regimen file (YAML, or JSON, which is YAML too).
  ///
  /// Every error names `file:line:column` and what is accepted there:
  /// unknown keys, times without a unit, dose specs that do not parse (with
  /// the spec's own reason), a session repeated without a count.
  ///
  /// - Parameters:
  ///   - text: the file's contents.
  ///   - file: the name used in error messages and, without its extension,
  ///     the default ``id``.
  ///   - syringeOverride: a syringe strength (mg/mL) that replaces the
  ///     file's own, for mL doses and the mL/h column.
  /// - Throws: ``KetasimError/invalidData(_:reason:remedy:)``.
  public init(yaml text: String, file: String, syringeOverride: Double? = nil) throws {
    try self.init(parsing: try YAMLNode.parse(text, file: file), file: file, syringeOverride: syringeOverride)
  }

  private init(parsing root: YAMLNode, file: String, syringeOverride: Double?) throws {
    let map = try root.mapping(allowing: Regimen.fileKeys)
    let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    let id = try map["id"]?.string() ?? stem
    if let node = map["id"] {
      guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") })
      else { throw node.failure("id '\(id)' must be lowercase letters, digits, '-' or '_'") }
    }
    var salt = KetamineSalt.base
    if let node = map["salt"] {
      guard let named = KetamineSalt(named: try node.string()) else {
        throw node.failure("expected salt 'base' (the default) or 'hcl' (amounts stated as ketamine hydrochloride)")
      }
      salt = named
    }
    let syringe = try syringeOverride ?? map["syringe"].map(Regimen.readSyringe)
    let context = StepContext(salt: salt, syringe: syringe)

    var sessions: [RegimenSession] = []
    switch (map["steps"], map["sessions"]) {
    case (let steps?, nil):
      sessions = [RegimenSession(name: id, steps: try Regimen.readSteps(steps, context))]
    case (nil, let list?):
      let nodes = try list.sequence()
      guard !nodes.isEmpty else { throw list.failure("expected at least one session") }
      for (index, node) in nodes.enumerated() {
        sessions.append(try Regimen.readSession(node, number: index + 1, context))
      }
    case (_?, let list?):
      throw list.failure("give either 'steps' (one session at time zero) or 'sessions', not both")
    case (nil, nil):
      throw root.failure("missing 'steps' or 'sessions': a regimen needs at least one dose")
    }

    self.init(
      id: id, name: try map["name"]?.string() ?? id, summary: try map["description"]?.string() ?? "",
      sources: try map["sources"]?.sequence().map { try $0.string() } ?? [],
      patient: try map["patient"].map(Regimen.readPatient) ?? .init(),
      model: try map["model"]?.string(), salt: salt, syringeMilligramsPerMilliliter: syringe,
      output: try map["output"].map(Regimen.readOutput) ?? .init(),
      thresholdOverrides: try map["thresholds"].map(Regimen.readThresholds) ?? [], sessions: sessions)
    if let node = map["drug"] {
      guard let named = Drug(rawValue: try node.string()) else {
        throw node.failure(
          "expected drug 'racemic' (racemic ketamine, the default) or 'esketamine' (S-ketamine)")
      }
      drug = named
    }
    if let list = map["changes"] {
      let nodes = try list.sequence()
      let changes = try nodes.map { node in
        do {
          return try RateChange(parsing: try node.string(), salt: salt, syringeMilligramsPerMilliliter: syringe)
        } catch let error as KetasimError {
          throw node.failure(error.description)
        }
      }
      do {
        self = try changing(changes)
      } catch let error as KetasimError {
        throw list.failure(error.description)
      }
    }
  }

  /// How dose specs of this file are read.
  private struct StepContext {
    var salt: KetamineSalt
    var syringe: Double?

    /// The spec in `node`, with a parse error placed at the node.
    func spec(_ node: YAMLNode) throws -> DoseSpec {
      let text = try node.string()
      do {
        return try DoseSpec(parsing: text, salt: salt, syringeMilligramsPerMilliliter: syringe)
      } catch let error as KetasimError {
        throw error.placed(at: node.origin)
      }
    }

    /// The spec or `then` chain in `node` (see ``DoseSpec/chain(parsing:salt:syringeMilligramsPerMilliliter:)``).
    func chain(_ node: YAMLNode) throws -> [DoseSpec] {
      let text = try node.string()
      do {
        return try DoseSpec.chain(parsing: text, salt: salt, syringeMilligramsPerMilliliter: syringe)
      } catch let error as KetasimError {
        throw node.failure(error.description)
      }
    }
  }

  private static func readSession(_ node: YAMLNode, number: Int, _ context: StepContext) throws -> RegimenSession {
    let map = try node.mapping(allowing: ["name", "at", "every", "times", "steps"])
    let name = try map["name"]?.string() ?? "session \(number)"
    var starts: [ClockTime] = [.zero]
    if let at = map["at"] {
      if case .sequence = at.node {
        starts = try at.sequence().map { try readTime($0, "session start") }
        guard !starts.isEmpty else { throw at.failure("expected at least one start time") }
      } else {
        starts = [try readTime(at, "session start")]
      }
    }
    var repeats: RegimenSession.Repeats?
    switch (map["every"], map["times"]) {
    case (let every?, let times?):
      let interval = try readTime(every, "interval")
      guard interval > .zero else { throw every.failure("expected a positive interval, such as 28 d") }
      let count = try times.number()
      guard count >= 1, count <= 100_000, count == count.rounded() else {
        throw times.failure("expected a whole number of sessions from 1 to 100000 (the first included)")
      }
      guard starts.allSatisfy({ ClockTime.fits($0, interval, times: Int(count) - 1) }) else {
        throw times.failure("the sessions would run past 100 years; expected the last within 100 years")
      }
      repeats = RegimenSession.Repeats(interval: interval, count: Int(count))
    case (let every?, nil):
      throw every.failure("'every' needs 'times' (how many sessions in all), such as 'times: 6'")
    case (nil, let times?):
      throw times.failure("'times' needs 'every' (the interval between sessions), such as 'every: 28 d'")
    case (nil, nil):
      break
    }
    return RegimenSession(
      name: name, starts: starts, repeats: repeats, steps: try readSteps(try map.required("steps"), context))
  }

  private static func readSteps(_ node: YAMLNode, _ context: StepContext) throws -> [RegimenStep] {
    let nodes = try node.sequence()
    guard !nodes.isEmpty else { throw node.failure("expected at least one step") }
    return try nodes.enumerated().map { index, node in
      let map = try node.mapping(allowing: ["name", "dose", "rates", "at"])
      let name = try map["name"]?.string() ?? "step \(index + 1)"
      let offset = try map["at"].map { try readTime($0, "step start") } ?? .zero
      switch (map["dose"], map["rates"]) {
      case (let dose?, nil):
        let specs = try context.chain(dose).map { spec in
          var spec = spec
          spec.start = spec.start + offset
          return spec
        }
        return RegimenStep(name: name, doses: specs)
      case (nil, let rates?):
        let nodes = try rates.sequence()
        guard !nodes.isEmpty else { throw rates.failure("expected at least one rate, such as '5 mg/h for 24 h'") }
        let specs = try nodes.map { try context.spec($0) }
        do {
          return try RegimenStep(name: name, rates: specs, start: offset)
        } catch let error as KetasimError {
          guard case .invalidDose(let text, _) = error.problem, let index = specs.firstIndex(where: { $0.text == text })
          else { throw error.placed(at: rates.origin) }
          throw error.placed(at: nodes[index].origin)
        }
      case (_?, let rates?):
        throw rates.failure("give either 'dose' or 'rates' in a step, not both")
      case (nil, nil):
        throw node.failure("a step needs 'dose' (such as '0.5 mg/kg over 40 min') or 'rates' (a list of rate changes)")
      }
    }
  }

  private static func readPatient(_ node: YAMLNode) throws -> PatientDefaults {
    let map = try node.mapping(allowing: ["weight_kg", "age_years"])
    var patient = PatientDefaults()
    if let weight = map["weight_kg"] {
      let value = try weight.positiveNumber()
      guard value <= Patient.largestWeight else { throw weight.failure("expected a weight up to 1000 kg") }
      patient.weightKilograms = value
    }
    if let age = map["age_years"] {
      let value = try age.number()
      guard value >= 0, value <= 150 else { throw age.failure("expected an age from 0 to 150 years") }
      patient.ageYears = value
    }
    return patient
  }

  private static func readOutput(_ node: YAMLNode) throws -> Output {
    let map = try node.mapping(allowing: ["duration", "step", "times"])
    var output = Output()
    if let duration = map["duration"] {
      output.duration = try readTime(duration, "duration")
      guard output.duration! > .zero else { throw duration.failure("expected a positive duration, such as 12 d") }
    }
    if let step = map["step"] {
      output.step = try readTime(step, "step")
      guard output.step! > .zero else { throw step.failure("expected a positive output step, such as 10 min") }
    }
    output.times = try map["times"]?.sequence().map { try readTime($0, "sampling time") }.sorted() ?? []
    return output
  }

  private static func readThresholds(_ node: YAMLNode) throws -> [String] {
    guard case .mapping(let mapping) = node.node else {
      throw node.failure("expected a mapping of threshold names to ng/mL values or 'off', such as 'dissociation: 200'")
    }
    return try mapping.map { key, value in
      let valueNode = YAMLNode(node: value, file: node.file)
      let text = try valueNode.string()
      guard text.lowercased() == "off" || (Double(text).map { $0.isFinite && $0 > 0 } ?? false) else {
        throw valueNode.failure("expected a positive concentration in ng/mL or 'off'")
      }
      return "\(key.string ?? "")=\(text)"
    }
  }

  /// A syringe strength: a number (mg/mL) or `N mg/mL`.
  private static func readSyringe(_ node: YAMLNode) throws -> Double {
    let text = try node.string().trimmingCharacters(in: .whitespaces)
    let number = text.lowercased().hasSuffix("mg/ml") ? String(text.dropLast(5)) : text
    guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
      throw node.failure("expected a syringe strength in mg of base per mL, such as 10 or '10 mg/mL'")
    }
    return value
  }

  /// A time: a number and s, min, h or d, or a bare number of minutes.
  private static func readTime(_ node: YAMLNode, _ what: String) throws -> ClockTime {
    let text = try node.string()
    do {
      return try ClockTime(parsingDuration: text, what: what)
    } catch let error as KetasimError {
      throw error.placed(at: node.origin)
    }
  }
}

import Foundation

extension ScenarioRequest {
  /// The endpoint of `request` (`ID`, or `ID@LEVEL` with an effect level in the endpoint's unit) on the scale
  /// of `model`.
  ///
  /// - Throws: ``KetasimError`` for an unknown id, a bad level, or a racemic relation asked of an S-ketamine
  ///   model (what R-ketamine contributes to it is unknown).
  static func endpoint(_ request: String, in effects: [EffectEndpoint], sModel: Bool, model: String) throws
    -> ScenarioSubject.Endpoint
  {
    let parts = request.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let endpoint = try ModelCatalog.effect(id: parts[0], in: effects)
    var level: Double?
    if parts.count == 2 {
      guard let value = Double(parts[1]), value.isFinite else {
        throw KetasimError.invalidValue(
          "--effect \(parts[0])@LEVEL", parts[1], accepted: "a number in \(endpoint.effectUnit ?? "the effect's unit")")
      }
      level = value
    }
    guard !(sModel && !endpoint.isSKetamineBasis) else {
      throw KetasimError.invalidValue(
        "--effect", parts[0],
        accepted: "an endpoint estimated on S-ketamine: \(endpoint.id) relates racemic ketamine concentrations and "
          + "\(model) is an S-ketamine model")
    }
    return try ScenarioSubject.Endpoint(endpoint, sModel: sModel, effectLevel: level)
  }

  /// What every output using `endpoint` on `model` says: its parameters, where it acts, what its onset and
  /// offset mean, the range it was observed over, and, for unchecked parameters, that they are unverified.
  static func cautions(for subject: ScenarioSubject.Endpoint, model: String) -> [String] {
    let endpoint = subject.endpoint
    let drug = endpoint.isSKetamineBasis ? "S-ketamine" : "racemic"
    var line = "\(endpoint.id): \(endpoint.name)"
    if let c50 = endpoint.c50NanogramsPerMilliliter, let scaled = subject.c50NanogramsPerMilliliter {
      line += ", C50 \(short(c50)) ng/mL \(drug)"
      if subject.basisFraction != 1 { line += " applied as \(short(scaled)) ng/mL racemic (the S half assumed to act)" }
    }
    if let ke0 = endpoint.ke0PerMinute {
      line += ", t1/2ke0 \(short(log(2) / ke0)) min fitted with its own PK (an approximation on \(model))"
    } else if let note = endpoint.plasmaNote {
      line += ", applied to plasma: \(note)"
    }
    let concentration = endpoint.ke0PerMinute == nil ? "Cp" : "Ce"
    switch (subject.level?.nanogramsPerMilliliter, subject.effectLevel) {
    case (let level?, let effect?):
      line +=
        "; onset and offset are \(concentration) crossing \(short(level)) ng/mL, where the effect reaches "
        + "\(short(effect)) \(endpoint.effectUnit ?? "")"
    case (.some, nil):
      line += "; onset and offset are \(concentration) crossing C50 (half-maximal effect)"
    case (nil, _):
      line += "; no onset or offset: the relation has no C50"
    }
    if let range = endpoint.studiedRange {
      line +=
        "; observed over \(short(range.lowerBound))-\(short(range.upperBound)) ng/mL \(drug) only, beyond it "
        + "the relation is extrapolated"
    }
    var lines = [line]
    if let unverified = endpoint.unverified { lines.append("\(endpoint.id) is UNVERIFIED: \(unverified)") }
    return lines
  }
}

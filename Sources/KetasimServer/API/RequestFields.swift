import Foundation

/// A request body whose field names are checked before decoding: a field
/// the API does not know is refused, not ignored, so that a misspelt
/// `weigthKilograms` is not silently replaced by the default weight.
protocol RequestFields: Decodable {
  /// The field names the body accepts.
  static var fields: Set<String> { get }
  /// The fields that hold another checked body (or a list of them).
  static var nested: [String: any RequestFields.Type] { get }
}

extension RequestFields {
  static var nested: [String: any RequestFields.Type] { [:] }

  /// Throws ``RequestProblem`` naming the first field of `json` (at `path`)
  /// that the body does not accept; values of other types are left to the
  /// decoder.
  static func checkFields(_ json: Any, path: String = "") throws {
    guard let object = json as? [String: Any] else { return }
    for key in object.keys.sorted() where !fields.contains(key) {
      throw RequestProblem(
        "unknown field '\(path)\(key)': expected \(fields.sorted().joined(separator: ", ")), as /openapi.json "
          + "describes")
    }
    for (key, type) in nested {
      if let list = object[key] as? [Any] {
        for (index, item) in list.enumerated() { try type.checkFields(item, path: "\(path)\(key)[\(index)].") }
      } else if let value = object[key] {
        try type.checkFields(value, path: "\(path)\(key).")
      }
    }
  }
}

extension ScenarioBody: RequestFields {
  static let fields: Set<String> = [
    "model", "weightKilograms", "ageYears", "drug", "doses", "changes", "regimens", "duration", "step",
    "ke0PerMinute", "thresholds", "effects", "syringeMilligramsPerMilliliter", "label",
  ]
}

extension ComparisonBody: RequestFields {
  static let fields: Set<String> = ["profiles", "logarithmic"]
  static var nested: [String: any RequestFields.Type] { ["profiles": ScenarioBody.self] }
}

extension PopulationBody: RequestFields {
  static let fields: Set<String> = ["scenario", "subjects", "seed", "iiv", "percentiles"]
  static var nested: [String: any RequestFields.Type] { ["scenario": ScenarioBody.self] }
}

extension TCIBody: RequestFields {
  static let fields: Set<String> = ["scenario", "targets", "site", "period", "maximumRate"]
  static var nested: [String: any RequestFields.Type] { ["scenario": ScenarioBody.self] }
}

import Foundation
import Testing

/// Helpers of the regimen, event-table and compare suites.
enum RegimenSupport {
  /// Splits CSV text into rows of fields, honouring double quotes (RFC 4180).
  static func rows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(text)[...]
    while let character = characters.popFirst() {
      if quoted {
        if character == "\"" {
          if characters.first == "\"" {
            field.append("\"")
            characters.removeFirst()
          } else {
            quoted = false
          }
        } else {
          field.append(character)
        }
      } else if character == "\"" {
        quoted = true
      } else if character == "," {
        row.append(field)
        field = ""
      } else if character == "\n" {
        row.append(field)
        rows.append(row)
        row = []
        field = ""
      } else {
        field.append(character)
      }
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows
  }

  /// A `metric,value,unit` summary as a dictionary from column name
  /// (`metric_unit`, the compare command's naming) to the value text.
  static func summary(_ text: String) -> [String: String] {
    var values: [String: String] = [:]
    for row in rows(text).dropFirst() where row.count == 3 {
      values[columnName(metric: row[0], unit: row[2])] = row[1]
    }
    return values
  }

  /// The column naming documented for `ketasim compare`: metric, then the
  /// unit with `/` as `_per_`, `*` as `_`, and `1/x` as `per_x`.
  static func columnName(metric: String, unit: String) -> String {
    guard !unit.isEmpty else { return metric }
    var suffix = unit.lowercased()
    if suffix.hasPrefix("1/") { suffix = "per_" + suffix.dropFirst(2) }
    suffix = suffix.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "_per_")
    suffix = suffix.split(separator: "*", omittingEmptySubsequences: false).joined(separator: "_")
    return metric + "_" + suffix
  }

  /// `value` and `reference` agree to `digits` significant figures (as a
  /// published table printed them).
  static func agree(_ value: Double, _ reference: Double, digits: Int) -> Bool {
    let magnitude = floor(log10(abs(reference)))
    let unit = pow(10, magnitude - Double(digits - 1))
    return abs(value - reference) <= 0.5 * unit + 1e-9 * abs(reference)
  }

  /// A 1-compartment model file with the nmtests parameters of mrgsolve/nmtests
  /// R7-R9 (CL 1.1 L/h, V 20 L, fixed: not weight scaled).
  static let nmtestsModel = """
    id: nmtests
    name: "nmtests 1-compartment (mrgsolve/nmtests 1001)"
    drug: racemic ketamine
    compartments: 1
    sampling: unknown
    sampling_note: "Test fixture."
    population: "None; the NONMEM comparison model of mrgsolve/nmtests."
    citation: "mrgsolve/nmtests, dosing/1001.ctl: CL 1.1 L/h, V 20 L."
    scaling: "Fixed."
    parameters:
      V1: {value: 20, unit: L, source: "nmtests 1001.ctl THETA(2)", verification: "[S]"}
      CL: {value: 1.1, unit: L/h, source: "nmtests 1001.ctl THETA(1)", verification: "[S]"}
    validity:
      weight_kg: {min: 1, max: 500, source: "test"}
      age_years: {min: 0, max: 120, source: "test"}
    notes:
      - "Test fixture."

    """
}

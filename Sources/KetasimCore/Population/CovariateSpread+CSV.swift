import Foundation
import SwiftCSV

extension CovariateSpread {
  /// Accepted header names of the weight (kg) and age (years) columns.
  public static let weightColumns = ["weight_kg", "weight"]
  public static let ageColumns = ["age_years", "age"]

  /// Reads a patients table from a CSV file.
  ///
  /// The file has a header row, a weight column (`weight_kg` or `weight`,
  /// kg) and optionally an age column (`age_years` or `age`, years) and a
  /// `sex` column (`female`, `male`, `F` or `M`); other columns are ignored. Parsed with SwiftCSV (quoted fields, CRLF line
  /// ends).
  ///
  /// - Throws: ``KetasimError/unreadable(_:reason:)`` when the file cannot
  ///   be read, ``KetasimError/invalidData(_:reason:remedy:)`` naming the
  ///   line of a missing column, an empty table or a bad value.
  public static func patientsTable(path: String) throws -> CovariateSpread {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KetasimError.unreadable(path, reason: "cannot read the patients table (missing or not readable)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw KetasimError.invalidData(path, reason: "not UTF-8 text; expected a CSV patients table")
    }
    return try patientsTable(csv: text, name: path)
  }

  /// Parses a patients table from CSV text; `name` labels errors.
  public static func patientsTable(csv text: String, name: String) throws -> CovariateSpread {
    let table: EnumeratedCSV
    do {
      table = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
    } catch {
      throw KetasimError.invalidData(name, reason: "not valid CSV (\(error))")
    }
    let header = table.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard let weightIndex = header.firstIndex(where: { weightColumns.contains($0) }) else {
      throw KetasimError.invalidData(
        "\(name):1", reason: "no weight column; expected a header with weight_kg (and optionally age_years)")
    }
    let ageIndex = header.firstIndex { ageColumns.contains($0) }
    let sexIndex = header.firstIndex { $0 == "sex" }
    var patients: [Patient] = []
    for (offset, row) in table.rows.enumerated() {
      let line = offset + 2
      if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
      func field(_ index: Int) -> String {
        index < row.count ? row[index].trimmingCharacters(in: .whitespaces) : ""
      }
      func number(_ index: Int, _ what: String) throws -> Double {
        let field = field(index)
        guard let value = Double(field), value.isFinite else {
          throw KetasimError.invalidData(
            "\(name):\(line)", reason: "\(what) '\(field)' is not a number")
        }
        return value
      }
      let weight = try number(weightIndex, "weight")
      let age = try ageIndex.map { try number($0, "age") }
      do {
        let sex = try sexIndex.map(field).flatMap { $0.isEmpty ? nil : try Sex(parsing: $0) }
        patients.append(try Patient(weightKilograms: weight, ageYears: age, sex: sex))
      } catch let error as KetasimError {
        // Quote the field as written ('-3', not '-3.0').
        guard case .invalidValue(let what, let value, _) = error.problem else { throw error }
        let typed =
          what == "weight" ? field(weightIndex) : what == "sex" ? value : ageIndex.map(field) ?? value
        throw error.withValue(typed).placed(at: .file(name, line: line))
      }
    }
    guard !patients.isEmpty else {
      throw KetasimError.invalidData(name, reason: "no patients; expected at least one row after the header")
    }
    return .table(patients)
  }
}

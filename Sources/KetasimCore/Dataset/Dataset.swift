import Foundation
import SwiftCSV

/// A NONMEM-style dataset as written: its header and every data row's fields, text for text, beside the event
/// table (``EventTable``) they make.
///
/// Rows keep their fields exactly as read (numbers are not reformatted, unknown columns such as `DV`, `MDV`,
/// `SEX` or a study's own are kept), so that ``DatasetSimulation`` can hand every row back unchanged with the
/// model's predictions beside it. Comment rows (a first field starting with `#`, or `C` in a `C` column) after
/// the header are kept too, with no record.
public struct Dataset: Sendable {
  /// One data row after the header.
  public struct Row: Sendable, Equatable {
    /// The fields as written, padded with empty fields to the header's width.
    public var fields: [String]
    /// Line in the file (1-based).
    public var line: Int
    /// Index into ``Dataset/table``'s records; nil for a comment row.
    public var record: Int?
  }

  /// Where the dataset came from, for messages.
  public let file: String
  /// The header's column names as written.
  public let header: [String]
  /// The rows after the header, in file order.
  public let rows: [Row]
  /// The doses, observations and covariates the rows give.
  public let table: EventTable
  /// The unit of `TIME`, `DUR` and `II`.
  public let timeUnit: EventTable.TimeUnit

  /// Reads a dataset from comma-separated text.
  ///
  /// - Parameters:
  ///   - file: the name used in messages (`file:line`).
  ///   - timeUnit: the unit of `TIME`, `DUR` and `II`, and of `RATE`'s time base.
  /// - Throws: ``KetasimError`` for text that is not CSV or a record ``EventTable`` does not accept, naming the
  ///   line.
  public init(csv text: String, file: String, timeUnit: EventTable.TimeUnit = .hours) throws {
    table = try EventTable(csv: text, file: file, timeUnit: timeUnit)
    self.timeUnit = timeUnit
    var fields: [[String]] = []
    do {
      let csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
      try csv.enumerateAsArray(startAt: 0, rowLimit: nil) { fields.append($0) }
    } catch {
      // EventTable read the same text without a CSV error.
      throw KetasimError.invalidData(file, reason: "not valid CSV")
    }
    let headerIndex = try EventTable.headerIndex(of: fields, file: file)
    header = fields[headerIndex]
    var recordOfLine: [Int: Int] = [:]
    for (index, record) in table.records.enumerated() { recordOfLine[record.line] = index }
    var rows: [Row] = []
    for index in (headerIndex + 1)..<fields.count {
      var row = fields[index]
      // A blank line is not a row (SwiftCSV gives it one empty field).
      if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
      guard row.count <= header.count else {
        throw KetasimError.invalidData(
          "\(file):\(index + 1)", reason: "\(row.count) fields; the header has \(header.count)")
      }
      row += Array(repeating: "", count: header.count - row.count)
      rows.append(Row(fields: row, line: index + 1, record: recordOfLine[index + 1]))
    }
    self.file = file
    self.rows = rows
  }

  /// Reads the dataset at `path` (see ``init(csv:file:timeUnit:)``).
  public init(contentsOf path: String, timeUnit: EventTable.TimeUnit = .hours) throws {
    let text = try RegimenCatalog.readText(at: path, what: "dataset", expected: "a readable CSV file")
    try self.init(csv: text, file: path, timeUnit: timeUnit)
  }
}

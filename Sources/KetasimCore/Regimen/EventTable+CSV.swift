import Foundation
import SwiftCSV

extension EventTable {
  /// Column names written by ``write(to:timeUnit:)``, in order.
  public static let exportColumns = ["ID", "TIME", "AMT", "RATE", "EVID", "CMT", "II", "ADDL", "SS"]

  /// Reads an event table from comma-separated text (parsed with SwiftCSV).
  ///
  /// - Parameters:
  ///   - file: the name used in error messages (`file:line`).
  ///   - timeUnit: the unit of `TIME`, `DUR`, `II` and of `RATE`'s time base.
  /// - Throws: ``KetasimError/invalidData(_:reason:remedy:)`` naming the line
  ///   and column of the first value that is not accepted.
  public init(csv text: String, file: String, timeUnit: TimeUnit = .hours) throws {
    var rows: [[String]] = []
    do {
      let csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
      try csv.enumerateAsArray(startAt: 0, rowLimit: nil) { rows.append($0) }
    } catch let error as CSVParseError {
      let message: String
      switch error {
      case .generic(let text), .quotation(let text): message = text
      }
      throw KetasimError.invalidData(file, reason: "not valid CSV: \(message)")
    }
    let isComment = EventTable.isBlankOrComment
    let headerIndex = try EventTable.headerIndex(of: rows, file: file)
    let header = rows[headerIndex].map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
    var columns: [String: Int] = [:]
    for (index, name) in header.enumerated() where !name.isEmpty {
      guard columns[name] == nil else {
        throw KetasimError.invalidData("\(file):\(headerIndex + 1)", reason: "column \(name) appears twice")
      }
      columns[name] = index
    }
    for required in ["TIME", "AMT"] where columns[required] == nil {
      throw KetasimError.invalidData(
        "\(file):\(headerIndex + 1)",
        reason: "no \(required) column; expected a header with at least TIME and AMT (and ID, RATE, EVID, II, ADDL, SS)"
      )
    }
    var records: [Record] = []
    for index in (headerIndex + 1)..<rows.count where !isComment(rows[index]) {
      var row = FieldReader(fields: rows[index], columns: columns, location: "\(file):\(index + 1)")
      if row.text("C").uppercased() == "C" { continue }
      records.append(try row.record(line: index + 1, timeUnit: timeUnit))
    }
    let unused = header.filter { !$0.isEmpty && !EventTable.knownColumns.contains($0) }
    self.init(file: file, records: records, unusedColumns: unused)
  }

  /// Whether a row of fields is blank or a comment (its first field starts with `#`).
  static func isBlankOrComment(_ row: [String]) -> Bool {
    let first = row.first?.trimmingCharacters(in: .whitespaces) ?? ""
    return first.hasPrefix("#") || row.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
  }

  /// The index of the header: the first row that is neither blank nor a comment.
  ///
  /// - Throws: ``KetasimError/invalidData(_:reason:remedy:)`` when there is none.
  static func headerIndex(of rows: [[String]], file: String) throws -> Int {
    guard let index = rows.firstIndex(where: { !isBlankOrComment($0) }) else {
      throw KetasimError.invalidData(file, reason: "no header row; expected columns such as ID,TIME,AMT,RATE,EVID")
    }
    return index
  }

  /// Reads the event table at `path` (see ``init(csv:file:timeUnit:)``).
  public init(contentsOf path: String, timeUnit: TimeUnit = .hours) throws {
    let text = try RegimenCatalog.readText(at: path, what: "event table", expected: "a readable CSV file")
    try self.init(csv: text, file: path, timeUnit: timeUnit)
  }

  /// Writes the header ``exportColumns`` and one row per record, with times
  /// in `timeUnit`, amounts in mg and rates in mg per `timeUnit`.
  public func write(to writer: inout CSVWriter, timeUnit: TimeUnit = .hours) throws {
    try writer.writeRow(EventTable.exportColumns)
    let unit = timeUnit.minutes
    for record in records {
      let rate = record.rate > 0 ? record.rate * unit : record.rate
      try writer.writeRow([
        record.id, (record.time.minutes / unit).description, record.amount.description, rate.description,
        String(record.evid), "1", (record.interval.minutes / unit).description, String(record.additional),
        String(record.steadyState),
      ])
    }
    try writer.flush()
  }
}

/// Reads the fields of one data row by column name, with errors that name
/// the line and the column.
private struct FieldReader {
  let fields: [String]
  let columns: [String: Int]
  let location: String

  /// The trimmed text of `column`, or empty when the column or field is missing.
  func text(_ column: String) -> String {
    guard let index = columns[column], index < fields.count else { return "" }
    return fields[index].trimmingCharacters(in: .whitespaces)
  }

  func fail(_ column: String, _ reason: String) -> KetasimError {
    .invalidData(location, reason: "\(column) '\(text(column))': \(reason)")
  }

  /// The number in `column`; empty and `.` read as zero (NONMEM's convention).
  func number(_ column: String) throws -> Double {
    let value = text(column)
    if value.isEmpty || value == "." { return 0 }
    guard let number = Double(value), number.isFinite else { throw fail(column, "expected a number") }
    return number
  }

  /// A covariate: nil when the column or field is missing, empty or `.`.
  func covariate(_ column: String, _ accepted: String) throws -> Double? {
    let value = text(column)
    if value.isEmpty || value == "." { return nil }
    guard let number = Double(value), number.isFinite, column == "AGE" ? number >= 0 : number > 0 else {
      throw fail(column, "expected \(accepted)")
    }
    return number
  }

  func wholeNumber(_ column: String, in range: ClosedRange<Int>, _ accepted: String) throws -> Int {
    let value = try number(column)
    guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
      throw fail(column, "expected \(accepted)")
    }
    return Int(value)
  }

  func time(_ column: String, _ unit: EventTable.TimeUnit) throws -> ClockTime {
    let value = try number(column)
    guard value >= 0, let time = ClockTime(validatingMinutes: value * unit.minutes), time <= ClockTime.limit else {
      throw fail(column, "expected a time from 0 up to 100 years, in \(unit == .hours ? "hours" : "minutes")")
    }
    return time
  }

  mutating func record(line: Int, timeUnit: EventTable.TimeUnit) throws -> EventTable.Record {
    var id = text("ID")
    if let number = Double(id), number == number.rounded(), abs(number) < 1e15 { id = String(Int64(number)) }
    if id.isEmpty || id == "." { id = "1" }
    let time = try time("TIME", timeUnit)
    let weight = try covariate("WT", "a body weight in kg above 0")
    let age = try covariate("AGE", "an age in years, 0 or more")
    let amount = try number("AMT")
    // The dose-spec parser's bound against overflow (1e9 mg), far above any clinical dose.
    guard amount >= 0, amount <= QuantityScanner.largestAmount else {
      throw fail("AMT", "expected an amount from 0 to 1e9 mg")
    }
    let evid =
      columns["EVID"] == nil || text("EVID").isEmpty
      ? (amount > 0 ? 1 : 0)
      : try wholeNumber(
        "EVID", in: 0...4, "0 (observation), 1 (dose), 2 (other), 3 (reset) or 4 (reset and dose)")
    var record = EventTable.Record(id: id, time: time, evid: evid, line: line)
    record.weightKilograms = weight
    record.ageYears = age
    let sex = text("SEX")
    record.sexCode = sex.isEmpty || sex == "." ? nil : sex
    guard evid == 1 || evid == 4 else {
      if evid == 0, columns["CMT"] != nil {
        let cmt = try wholeNumber("CMT", in: 0...99, "the compartment observed, from 1 (plasma) to 99")
        record.observedCompartment = max(cmt, 1)
      }
      return record
    }
    record.amount = amount
    let cmt = text("CMT")
    guard cmt.isEmpty || cmt == "." || cmt == "0" || cmt == "1" || Double(cmt) == 1 || Double(cmt) == 0 else {
      throw fail("CMT", "ketasim doses into the central compartment only; expected 1 (or empty)")
    }
    let rate = try number("RATE")
    if rate == -1 {
      throw fail("RATE", "modelled rates (RATE -1) are not supported; give the rate in mg/\(timeUnit.rawValue)")
    }
    guard rate >= 0 || rate == -2 else {
      throw fail("RATE", "expected 0 (bolus), a rate in mg/\(timeUnit.rawValue), or -2 (length from DUR)")
    }
    guard rate / timeUnit.minutes <= QuantityScanner.largestAmount else {
      throw fail("RATE", "expected a rate of at most 1e9 mg/min")
    }
    record.rate = rate > 0 ? rate / timeUnit.minutes : rate
    if columns["DUR"] != nil, try number("DUR") != 0 {
      record.duration = try self.time("DUR", timeUnit)
    }
    if rate == -2, record.duration == nil {
      throw fail("RATE", "RATE -2 needs a positive DUR (the infusion length)")
    }
    record.interval = try self.time("II", timeUnit)
    record.additional = try wholeNumber("ADDL", in: 0...100_000, "a whole number of additional doses from 0 to 100000")
    record.steadyState = try wholeNumber("SS", in: 0...2, "0, 1 (steady state) or 2 (steady state added)")
    if record.additional > 0, record.interval == .zero {
      throw fail("II", "ADDL \(record.additional) needs a positive II (the interval between doses)")
    }
    guard ClockTime.fits(time, record.interval, times: record.additional) else {
      throw fail("ADDL", "the additional doses would run past 100 years; expected them within 100 years")
    }
    if record.steadyState > 0 {
      guard record.interval > .zero else { throw fail("II", "SS \(record.steadyState) needs a positive II") }
      guard amount > 0 else {
        throw fail("AMT", "a steady-state constant infusion (SS with AMT 0) is not supported; give AMT, RATE and II")
      }
      guard time == .zero else {
        throw fail("TIME", "steady state (SS \(record.steadyState)) is supported at time 0 only")
      }
    }
    return record
  }
}

import Foundation

/// Writes CSV rows into a byte buffer and hands full buffers to a sink.
///
/// Numbers are written in Swift's shortest round-trip form (`177.24318847384626`,
/// `1e-05`): every digit needed to recover the exact `Double`, which is more
/// than the six significant digits the output promises, and identical for
/// identical values. With ``significantDigits`` they are rounded to that many
/// significant digits instead (`%.Ng`: `177.2`, `1e-05`).
public struct CSVWriter {
  /// Significant digits of numbers, 1 to 17; nil for every digit (the default).
  public var significantDigits: Int? {
    didSet {
      precondition(significantDigits.map { (1...17).contains($0) } ?? true, "significant digits must be 1 to 17")
    }
  }
  private var buffer: [UInt8] = []
  private let sink: ([UInt8]) throws -> Void
  private let flushThreshold = 1 << 16

  /// - Parameter sink: receives the bytes, in order, in chunks of about 64 KiB.
  public init(sink: @escaping ([UInt8]) throws -> Void) {
    self.sink = sink
    buffer.reserveCapacity(flushThreshold + 1024)
  }

  /// Writes one row; fields that contain a comma, quote or newline are quoted.
  public mutating func writeRow(_ fields: [String]) throws {
    for (index, field) in fields.enumerated() {
      if index > 0 { buffer.append(UInt8(ascii: ",")) }
      CSVWriter.append(field: field, to: &buffer)
    }
    try endRow()
  }

  /// Writes one row of numbers; the columns from `flagsFrom` on are 0/1
  /// flags, written as `0` (for 0) or `1` (anything else).
  public mutating func writeRow(_ values: [Double], flagsFrom: Int? = nil) throws {
    append(values, from: 0, flagsFrom: flagsFrom, inFull: false)
    try endRow()
  }

  /// Writes one row of a table whose first column numbers its rows: `values[0]` as an integer, then the others
  /// in full (shortest round-trip, whatever ``significantDigits``), the columns from `flagsFrom` on as 0/1 flags.
  mutating func writeRow(numbered values: [Double], flagsFrom: Int) throws {
    precondition(!values.isEmpty, "a numbered row has its number")
    buffer.append(contentsOf: String(Int(values[0])).utf8)
    append(values, from: 1, flagsFrom: flagsFrom, inFull: true)
    try endRow()
  }

  /// Appends the fields `values[start...]` of a row, each after a comma but the row's first: the columns from
  /// `flagsFrom` on as 0/1 flags, the others as numbers (``append(number:inFull:)``).
  private mutating func append(_ values: [Double], from start: Int, flagsFrom: Int?, inFull: Bool) {
    for index in start..<values.count {
      if index > 0 { buffer.append(UInt8(ascii: ",")) }
      if let flagsFrom, index >= flagsFrom {
        buffer.append(values[index] == 0 ? UInt8(ascii: "0") : UInt8(ascii: "1"))
      } else {
        append(number: values[index], inFull: inFull)
      }
    }
  }

  /// Appends `value` in full (shortest round-trip), or rounded to ``significantDigits`` unless `inFull`.
  private mutating func append(number value: Double, inFull: Bool = false) {
    if let significantDigits, value.isFinite, !inFull {
      buffer.append(contentsOf: String(format: "%.\(significantDigits)g", value).utf8)
    } else {
      buffer.append(contentsOf: value.description.utf8)
    }
  }

  /// Leading text fields shared by many rows, quoted once (see
  /// ``writeRow(prefix:values:)``).
  public struct RowPrefix: Sendable {
    let bytes: [UInt8]

    /// The fields, each quoted when it contains a comma, quote or newline.
    public init(_ fields: [String]) {
      var bytes: [UInt8] = []
      for field in fields {
        CSVWriter.append(field: field, to: &bytes)
        bytes.append(UInt8(ascii: ","))
      }
      self.bytes = bytes
    }
  }

  /// Writes `prefix`'s text fields then numbers, where `nil` is an empty field.
  public mutating func writeRow(prefix: RowPrefix, values: [Double?]) throws {
    buffer.append(contentsOf: prefix.bytes)
    for (index, value) in values.enumerated() {
      if index > 0 { buffer.append(UInt8(ascii: ",")) }
      if let value { append(number: value) }
    }
    try endRow()
  }

  /// Appends `field`, quoted (quotes doubled) when one of its bytes is a comma, quote, line feed or CR.
  ///
  /// The bytes are scanned, not the characters: cheaper, and a CR LF, one character, is quoted too.
  private static func append(field: String, to buffer: inout [UInt8]) {
    if field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
      buffer.append(UInt8(ascii: "\""))
      buffer.append(contentsOf: field.replacingOccurrences(of: "\"", with: "\"\"").utf8)
      buffer.append(UInt8(ascii: "\""))
    } else {
      buffer.append(contentsOf: field.utf8)
    }
  }

  private mutating func endRow() throws {
    buffer.append(UInt8(ascii: "\n"))
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Hands everything buffered to the sink.
  public mutating func flush() throws {
    guard !buffer.isEmpty else { return }
    try sink(buffer)
    buffer.removeAll(keepingCapacity: true)
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
  }
}

import Foundation

/// How much work and memory one request may take, checked before the work
/// starts so that a typo ('--step 1 ms', '--subjects 1e9') fails at once
/// with the remedy that raises the limit, instead of filling the disk or
/// exhausting memory hours later.
///
/// The defaults are far above every documented use: the longest example
/// regimen (six months at a 1-min grid) writes 0.26 million rows, and the
/// largest benchmark population (10,000 subjects × 8,641 times) is
/// 8.6 × 10⁷ subject-times.
package struct ResourceLimits: Sendable, Equatable {
  /// Largest number of CSV rows in one output (`--max-rows`).
  ///
  /// 20 million rows of a time course are about 1 GB of CSV.
  package var maximumRows = 20_000_000
  /// Largest number of subjects × output times in a population run
  /// (`--max-subject-times`).
  ///
  /// 2 × 10¹⁰ is about a minute of compute per core on the tiled kernel.
  package var maximumSubjectTimes = 20_000_000_000
  /// Largest estimated resident memory in bytes (`--max-memory`).
  package var maximumMemoryBytes = 4 << 30

  /// The default limits.
  package init() {}

  /// Estimated memory of an SVG picture of `points` curve points (bytes).
  ///
  /// That is the sampled values and the SVG text held before it is written.
  package static func plotMemory(points: Int) -> Int {
    points.multipliedReportingOverflow(by: 160).partialValue
  }

  /// Throws ``KetasimError/tooLarge(_:needed:limit:raising:)`` when `rows`
  /// exceeds ``maximumRows``.
  package func check(rows: Int, of what: String) throws {
    guard rows <= maximumRows else {
      throw KetasimError.tooLarge(
        what, needed: "\(Self.grouped(rows)) rows", limit: "\(Self.grouped(maximumRows)) rows", raising: .rows)
    }
  }

  /// Throws when `subjects × times` exceeds ``maximumSubjectTimes``.
  package func check(subjects: Int, times: Int) throws {
    let (product, overflow) = subjects.multipliedReportingOverflow(by: times)
    guard !overflow, product <= maximumSubjectTimes else {
      throw KetasimError.tooLarge(
        "the population run (\(Self.grouped(subjects)) subjects × \(Self.grouped(times)) times)",
        needed: overflow ? "more subject-times than can be counted" : "\(Self.grouped(product)) subject-times",
        limit: "\(Self.grouped(maximumSubjectTimes))", raising: .subjectTimes)
    }
  }

  /// Throws when `bytes` exceeds ``maximumMemoryBytes``.
  package func check(memory bytes: Int, of what: String) throws {
    guard bytes <= maximumMemoryBytes else {
      throw KetasimError.tooLarge(
        what, needed: "about \(Self.size(bytes)) of memory", limit: Self.size(maximumMemoryBytes),
        raising: .memory)
    }
  }

  /// `bytes` in the largest binary unit that keeps a number ≥ 1, such as
  /// '4 GB' or '260 MB'.
  package static func size(_ bytes: Int) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let text = value < 10 && unit > 0 ? String(format: "%.1f", value) : String(format: "%.0f", value)
    return "\(text.hasSuffix(".0") ? String(text.dropLast(2)) : text) \(units[unit])"
  }

  /// Parses a memory size such as '4 GB', '512MB', '2G' or '1048576'
  /// (bytes); units are binary (1 KB = 1024 bytes).
  package static func parseSize(_ text: String) throws -> Int {
    let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
    let digits = trimmed.prefix { $0.isNumber || $0 == "." }
    var unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
    if unit.hasSuffix("B") { unit.removeLast() }
    let scales: [String: Double] = ["": 1, "K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
    guard let number = Double(digits), let scale = scales[unit], number > 0, number * scale < 9e18 else {
      throw KetasimError.invalidValue("max-memory", text, accepted: "a size such as '4 GB', '512 MB' or a byte count")
    }
    return Int(number * scale)
  }

  /// `value` with thousands separators: 86,401.
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return value < 0 ? "-" + result : result
  }
}

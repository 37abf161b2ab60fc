extension PopulationSimulation {
  /// The subject counts one run may have (memory is about 2 kB per subject;
  /// shards go further).
  public static let subjectCounts = 1...largestSubjectCount

  /// The thread counts a run may use.
  public static let threadCounts = 1...256

  /// Parses a subject count: a whole number in ``subjectCounts``.
  ///
  /// - Throws: ``KetasimError/Problem/invalidValue(_:_:accepted:)`` quoting `text`.
  public static func subjectCount(parsing text: String) throws -> Int {
    try count(parsing: text, in: subjectCounts, "subjects")
  }

  /// Parses a thread count: a whole number in ``threadCounts``.
  ///
  /// - Throws: ``KetasimError/Problem/invalidValue(_:_:accepted:)`` quoting `text`.
  public static func threadCount(parsing text: String) throws -> Int {
    try count(parsing: text, in: threadCounts, "threads")
  }

  /// Throws the error ``subjectCount(parsing:)`` or ``threadCount(parsing:)``
  /// gives when `count` is outside `range`.
  static func check(_ count: Int, in range: ClosedRange<Int>, _ what: String) throws {
    _ = try Self.count(parsing: String(count), in: range, what)
  }

  private static func count(parsing text: String, in range: ClosedRange<Int>, _ what: String) throws -> Int {
    guard let count = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(count) else {
      throw KetasimError.invalidValue(
        what, text, accepted: "a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return count
  }
}

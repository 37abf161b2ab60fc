/// The percentiles a population run reports, such as 5, 50 and 95.
public struct PercentileList: Sendable, Equatable, Codable {
  /// Percent values in increasing order, each in 0…100.
  public var values: [Double]

  public init(_ values: [Double]) {
    self.values = Array(Set(values)).sorted()
  }

  /// The default 5th, 50th and 95th percentiles.
  public static let standard = PercentileList([5, 50, 95])

  /// Parses a comma-separated list such as `5,50,95` or `2.5,50,97.5`.
  public init(parsing text: String) throws {
    var values: [Double] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let trimmed = part.filter { $0 != " " }
      guard let value = Double(trimmed), value >= 0, value <= 100 else {
        throw KetasimError.invalidValue(
          "percentiles", text, accepted: "comma-separated percentages from 0 to 100, such as 5,50,95")
      }
      values.append(value)
    }
    self.init(values)
  }

  /// The column label of a percentile: `p05`, `p50`, `p100`, `p2_5`.
  public static func label(_ percent: Double) -> String {
    if percent == percent.rounded() {
      let whole = Int(percent)
      return whole < 10 ? "p0\(whole)" : "p\(whole)"
    }
    let text = percent.description.replacingOccurrences(".", "_")
    return percent < 10 ? "p0\(text)" : "p\(text)"
  }
}

extension String {
  fileprivate func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
    String(map { $0 == target ? replacement : $0 })
  }
}

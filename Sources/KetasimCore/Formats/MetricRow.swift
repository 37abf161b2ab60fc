/// One row of a `metric,value,unit` read-out table: a metric name, its value
/// as text (a number in shortest round-trip form, a word, or empty when not
/// applicable) and its unit.
public struct MetricRow: Sendable, Equatable {
  public var metric: String
  public var value: String
  public var unit: String

  public init(metric: String, value: String, unit: String) {
    self.metric = metric
    self.value = value
    self.unit = unit
  }
}

extension Array where Element == MetricRow {
  /// Writes the header `metric,value,unit` and every row, then flushes.
  public func write(to writer: inout CSVWriter) throws {
    try writer.writeRow(["metric", "value", "unit"])
    for row in self { try writer.writeRow([row.metric, row.value, row.unit]) }
    try writer.flush()
  }

  /// The value of the first row named `metric`, if any.
  public subscript(metric metric: String) -> String? { first { $0.metric == metric }?.value }
}

import Foundation

/// The mergeable output of one shard of a population run, as a binary file.
///
/// A shard file holds everything a merge needs to produce exactly what a
/// single run writes: the layout (columns, grid, thresholds, percentiles,
/// fingerprint), the shard's subject rows as doubles, and per output time
/// and site its ``ConcentrationHistogram`` (count, minimum, maximum, counts
/// above each threshold and the non-empty bins). Its size is about
/// `times × sites × (non-empty bins)` × 2 bytes, bounded by the spread of
/// the concentrations rather than by the number of subjects.
///
/// Format (little-endian; `varint` is LEB128):
///
/// ```
/// "KSPOP2\n"                      magic and format version
/// u32 n, n bytes                  Header as JSON
/// subjects × columns f64          subject rows, in subject order
/// per time, per site:
///   varint count, f64 min, f64 max, varint zeros,
///   varint above[t] for each threshold,
///   varint bins, then per bin: varint key − previous key, varint count
/// "END\n"
/// u64 checksum                    FNV-1a 64 of every byte before it
/// ```
///
/// The header's layout carries the run's identity (the fingerprint of model
/// file, variability, covariates, seed, subject count, doses, grid,
/// thresholds and percentiles) and the shard's number and count; the
/// checksum makes a shard that was cut short (a full disk, a killed copy)
/// or changed by even one bit unmergeable.
public enum PopulationShard {
  /// The JSON header.
  public struct Header: Codable, Sendable, Equatable {
    public var layout: PopulationLayout
    /// 1-based shard number and shard count.
    public var shard: Int
    public var shardCount: Int
    /// First subject (1-based) and number of subjects in this shard.
    public var firstSubject: Int
    public var subjectCount: Int
  }

  static let magic = Array("KSPOP2\n".utf8)
  /// The magic's first five bytes, shared by every format version.
  static let magicPrefix = Array("KSPOP".utf8)
  static let trailer = Array("END\n".utf8)
  /// Bytes after the trailer: the checksum.
  static let checksumSize = 8

  /// Runs `simulation` (a shard) and writes its shard file through `sink`.
  public static func write(
    _ simulation: PopulationSimulation, shard: ShardSpec, progress: (Double) -> Void = { _ in },
    to sink: @escaping ([UInt8]) throws -> Void
  ) throws {
    var encoder = ShardEncoder(sink: sink)
    let header = Header(
      layout: simulation.layout, shard: shard.index, shardCount: shard.count,
      firstSubject: simulation.subjectNumbers.lowerBound, subjectCount: simulation.subjectCount)
    let headerEncoder = JSONEncoder()
    headerEncoder.outputFormatting = .sortedKeys  // the same run gives the same shard bytes
    let json = try headerEncoder.encode(header)
    try encoder.bytes(magic)
    try encoder.uint32(UInt32(json.count))
    try encoder.bytes(Array(json))
    let encodeRow: ([Double]) throws -> Void = { row in
      for value in row { try encoder.double(value) }
    }
    try simulation.streamSubjectRows(progress: { progress(0.5 * $0) }, encodeRow)
    let encode: (Int, ClockTime, [ConcentrationHistogram]) throws -> Void = { _, _, histograms in
      for histogram in histograms { try encoder.histogram(histogram) }
    }
    try simulation.streamHistograms(progress: { progress(0.5 + 0.5 * $0) }, encode)
    try encoder.bytes(trailer)
    try encoder.flush()
    try encoder.finish()
  }
}

/// Buffered little-endian encoder; ``finish()`` appends the checksum of
/// everything written.
struct ShardEncoder {
  private var buffer: [UInt8] = []
  private let sink: ([UInt8]) throws -> Void
  private var checksum = FNV1a()

  init(sink: @escaping ([UInt8]) throws -> Void) {
    self.sink = sink
    buffer.reserveCapacity(1 << 17)
  }

  mutating func bytes(_ bytes: [UInt8]) throws {
    buffer.append(contentsOf: bytes)
    try flushIfFull()
  }

  mutating func uint32(_ value: UInt32) throws {
    for shift in Swift.stride(from: 0, to: 32, by: 8) { buffer.append(UInt8(truncatingIfNeeded: value >> shift)) }
    try flushIfFull()
  }

  mutating func double(_ value: Double) throws {
    let bits = value.bitPattern
    for shift in Swift.stride(from: 0, to: 64, by: 8) { buffer.append(UInt8(truncatingIfNeeded: bits >> shift)) }
    try flushIfFull()
  }

  mutating func varint(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      buffer.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    buffer.append(UInt8(rest))
  }

  mutating func histogram(_ histogram: ConcentrationHistogram) throws {
    varint(UInt64(histogram.count))
    try double(histogram.minimum)
    try double(histogram.maximum)
    varint(UInt64(histogram.zeroCount))
    for above in histogram.above { varint(UInt64(above)) }
    varint(UInt64(histogram.keys.count))
    var previous: UInt32 = 0
    for index in histogram.keys.indices {
      varint(UInt64(histogram.keys[index] - previous))
      varint(UInt64(histogram.counts[index]))
      previous = histogram.keys[index]
    }
    try flushIfFull()
  }

  private mutating func flushIfFull() throws {
    if buffer.count >= 1 << 16 { try flush() }
  }

  mutating func flush() throws {
    guard !buffer.isEmpty else { return }
    checksum.add(buffer)
    try sink(buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes the checksum of every byte flushed so far (call after the last
  /// ``flush()``).
  mutating func finish() throws {
    try flush()
    let value = checksum.value
    try sink((0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
  }
}

import Foundation

/// Reads a population shard file (see ``PopulationShard``) front to back.
///
/// Every malformed or truncated file is reported as
/// ``KetasimError/invalidData(_:reason:remedy:)`` naming the file.
struct ShardReader {
  let path: String
  let header: PopulationShard.Header
  private var input: ByteInput

  init(path: String) throws {
    var input = try ByteInput(path: path)
    let magic = try input.available(PopulationShard.magic.count)
    guard magic == PopulationShard.magic else {
      if magic.starts(with: PopulationShard.magicPrefix), magic.count == PopulationShard.magic.count {
        throw input.failure(
          "written by another ketasim version (shard format \(String(decoding: magic[5..<6], as: UTF8.self)), "
            + "this one reads format 2): rerun the shard")
      }
      var error = input.failure("not a ketasim population shard")
      error.remedy = .useShardFile
      throw error
    }
    try Self.verify(path: path)
    let length = Int(try input.uint32())
    guard length <= 1 << 26 else { throw input.failure("corrupt shard header") }
    let json = Data(try input.bytes(length))
    do {
      header = try JSONDecoder().decode(PopulationShard.Header.self, from: json)
    } catch {
      throw input.failure("unreadable shard header (\(error))")
    }
    self.path = path
    self.input = input
  }

  func failure(_ reason: String) -> KetasimError { .invalidData(path, reason: reason) }

  /// Checks the file's end (trailer and checksum) and its checksum, reading
  /// it once: a shard cut short or changed by one bit is refused before
  /// anything is merged.
  static func verify(path: String) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw KetasimError.unreadable(path, reason: "cannot read the shard file (missing or not readable)")
    }
    defer { try? handle.close() }
    let tailSize = PopulationShard.trailer.count + PopulationShard.checksumSize
    var hash = FNV1a()
    // The last `tailSize` bytes read so far are held back from the hash.
    var held: [UInt8] = []
    do {
      while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
        held += chunk
        if held.count > tailSize {
          hash.add(held[0..<(held.count - tailSize)])
          held.removeFirst(held.count - tailSize)
        }
      }
    } catch {
      throw KetasimError.unreadable(path, reason: "cannot read the shard file: \(error.localizedDescription)")
    }
    guard held.count == tailSize, Array(held[0..<PopulationShard.trailer.count]) == PopulationShard.trailer else {
      throw KetasimError.invalidData(
        path, reason: "truncated shard file (no end marker: its write did not finish)")
    }
    hash.add(PopulationShard.trailer)
    var stored: UInt64 = 0
    for (index, byte) in held.dropFirst(PopulationShard.trailer.count).enumerated() {
      stored |= UInt64(byte) << (8 * index)
    }
    guard stored == hash.value else {
      throw KetasimError.invalidData(
        path, reason: "corrupt shard file (checksum mismatch: the file changed after it was written)")
    }
  }

  /// One subject row.
  mutating func row(columns: Int) throws -> [Double] {
    var row: [Double] = []
    row.reserveCapacity(columns)
    for _ in 0..<columns { row.append(try input.double()) }
    return row
  }

  /// One histogram, into `histogram` (reusing its storage).
  mutating func histogram(thresholds: Int, into histogram: inout ConcentrationHistogram) throws {
    try input.histogram(thresholds: thresholds, subjects: header.subjectCount, into: &histogram)
  }

  /// Checks the end marker and that only the checksum follows it.
  mutating func finish() throws {
    guard try input.bytes(PopulationShard.trailer.count) == PopulationShard.trailer,
      try input.bytes(PopulationShard.checksumSize).count == PopulationShard.checksumSize, try input.atEnd()
    else {
      throw failure("corrupt shard file (no end marker where expected)")
    }
  }
}

/// Buffered little-endian reading from a file.
struct ByteInput {
  let path: String
  private let handle: FileHandle
  /// Keeps alive whatever owns `handle` (a ``SpillFile``).
  private let owner: AnyObject?
  private var buffer: [UInt8] = []
  private var position = 0

  /// Reads `handle` from its current offset.
  init(handle: FileHandle, path: String, owner: AnyObject) {
    self.handle = handle
    self.path = path
    self.owner = owner
  }

  init(path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw KetasimError.unreadable(path, reason: "is a directory; expected a shard file")
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw KetasimError.unreadable(path, reason: "cannot read the shard file (missing or not readable)")
    }
    self.path = path
    self.handle = handle
    owner = nil
  }

  func failure(_ reason: String) -> KetasimError { .invalidData(path, reason: reason) }

  private mutating func count(atMost limit: Int) throws -> Int {
    let value = try varint()
    guard value <= UInt64(limit) else { throw failure("corrupt shard file (count \(value) above \(limit))") }
    return Int(value)
  }

  /// One histogram of `subjects` values (shard encoding), into `histogram`
  /// (reusing its storage).
  mutating func histogram(thresholds: Int, subjects: Int, into histogram: inout ConcentrationHistogram) throws {
    histogram.reset(thresholds: thresholds)
    histogram.count = try count(atMost: subjects)
    histogram.minimum = try double()
    histogram.maximum = try double()
    histogram.zeroCount = try count(atMost: subjects)
    for index in 0..<thresholds { histogram.above[index] = try count(atMost: subjects) }
    let bins = try count(atMost: subjects)
    var key: UInt64 = 0
    var total = histogram.zeroCount
    for _ in 0..<bins {
      key += try varint()
      guard key <= UInt64(UInt32.max) else { throw failure("corrupt shard file (bin key)") }
      let binCount = try count(atMost: subjects)
      histogram.keys.append(UInt32(key))
      histogram.counts.append(binCount)
      total += binCount
    }
    guard histogram.count == subjects, total == subjects else {
      throw failure("corrupt shard file (histogram of \(total) values for \(subjects) subjects)")
    }
  }

  /// Makes `needed` bytes available from `position`; false at end of file.
  private mutating func fill(_ needed: Int) throws -> Bool {
    if position > 0 && position >= buffer.count / 2 {
      buffer.removeFirst(position)
      position = 0
    }
    while buffer.count - position < needed {
      let chunk: Data?
      do {
        chunk = try handle.read(upToCount: max(1 << 16, needed))
      } catch {
        throw KetasimError.unreadable(path, reason: "cannot read the shard file: \(error.localizedDescription)")
      }
      guard let chunk, !chunk.isEmpty else { return false }
      buffer.append(contentsOf: chunk)
    }
    return true
  }

  private mutating func require(_ count: Int) throws {
    guard try fill(count) else { throw failure("truncated shard file") }
  }

  mutating func atEnd() throws -> Bool { try !fill(1) }

  /// Up to `count` bytes: fewer at the end of the file.
  mutating func available(_ count: Int) throws -> [UInt8] {
    var count = count
    while count > 0, try !fill(count) { count -= 1 }
    defer { position += count }
    return Array(buffer[position..<position + count])
  }

  mutating func bytes(_ count: Int) throws -> [UInt8] {
    try require(count)
    defer { position += count }
    return Array(buffer[position..<position + count])
  }

  mutating func uint32() throws -> UInt32 {
    try require(4)
    var value: UInt32 = 0
    for index in 0..<4 { value |= UInt32(buffer[position + index]) << (8 * index) }
    position += 4
    return value
  }

  mutating func double() throws -> Double {
    try require(8)
    var bits: UInt64 = 0
    for index in 0..<8 { bits |= UInt64(buffer[position + index]) << (8 * index) }
    position += 8
    return Double(bitPattern: bits)
  }

  mutating func varint() throws -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      try require(1)
      let byte = buffer[position]
      position += 1
      guard shift < 64 else { throw failure("corrupt shard file (bad varint)") }
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { return value }
      shift += 7
    }
  }
}

import Foundation
import Testing

// The faults a cluster campaign meets, end to end: shards of different runs,
// repeated or missing shards, shards cut short or with one bit flipped, a
// full disk during a shard write, and the `.partial` file a SIGKILLed run
// leaves. Every refusal is one line on stderr naming the shard and the
// reason, status 65, and nothing on stdout.

@Suite struct ShardFaultTests {
  static let run = [
    "population", "--model", "herd2007", "--subjects", "40", "--seed", "7", "--dose", "1 mg/kg", "--duration", "1h",
    "--quiet",
  ]

  /// Writes shards `1...count` of `arguments` into `scratch` as `s-K.kspop`.
  static func shards(
    _ scratch: TemporaryDirectory, count: Int = 4, arguments: [String] = run, prefix: String = "s"
  ) throws -> [String] {
    try (1...count).map { k in
      let path = scratch.path("\(prefix)-\(k).kspop")
      let result = try CLI.run(arguments + ["--shard", "\(k)/\(count)", "--output", path])
      #expect(result.status == 0, "\(result.stderr)")
      return path
    }
  }

  /// Expects `merge` of `paths` to be refused with one line that names
  /// `culprit` and contains `reason`.
  static func expectRefused(
    _ paths: [String], culprit: String, reason: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let result = try CLI.run(["merge"] + paths)
    #expect(result.status == 65, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout == "", sourceLocation: sourceLocation)
    #expect(result.stderrLines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(
      result.stderr.contains((culprit as NSString).lastPathComponent) && result.stderr.contains(reason),
      "\(result.stderr)", sourceLocation: sourceLocation)
  }

  @Test func oneFlippedBitAnywhereIsRefused() throws {
    let scratch = try TemporaryDirectory()
    let paths = try Self.shards(scratch)
    let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: paths[1])))
    // Header, subject rows, histograms, end marker, checksum.
    let headerEnd = 11 + Int(whole[7]) + Int(whole[8]) << 8
    for offset in [
      20, headerEnd + 3, headerEnd + 200, whole.count / 2, whole.count - 40, whole.count - 10, whole.count - 1,
    ] {
      var bytes = whole
      bytes[offset] ^= 0x10
      let bad = scratch.path("flipped-\(offset).kspop")
      try Data(bytes).write(to: URL(fileURLWithPath: bad))
      try Self.expectRefused([paths[0], bad, paths[2], paths[3]], culprit: bad, reason: "shard file")
    }
  }

  @Test func aShardCutShortAnywhereIsRefused() throws {
    let scratch = try TemporaryDirectory()
    let paths = try Self.shards(scratch)
    let whole = try Data(contentsOf: URL(fileURLWithPath: paths[3]))
    for length in [0, 7, 40, whole.count / 2, whole.count - 12, whole.count - 8, whole.count - 1] {
      let cut = scratch.path("cut-\(length).kspop")
      try whole.prefix(length).write(to: URL(fileURLWithPath: cut))
      try Self.expectRefused(Array(paths.dropLast()) + [cut], culprit: cut, reason: "shard")
    }
  }

  @Test(arguments: [
    (["--seed", "8"], "seed 8, not 7"), (["--subjects", "41"], "41 subjects, not 40"),
    (["--duration", "2h"], "another time grid"), (["--step", "30s"], "another time grid"),
    (["--dose", "2 mg/kg"], "doses"), (["--weight", "60"], "covariates"),
    (["--model", "clements250", "--iiv", "CL=0.3"], "model clements250, not herd2007"),
  ])
  func shardsOfAnotherRunAreRefusedWithTheDifference(change: [String], reason: String) throws {
    let scratch = try TemporaryDirectory()
    let paths = try Self.shards(scratch)
    var other = Self.run
    for index in stride(from: 0, to: change.count, by: 2) {
      if let at = other.firstIndex(of: change[index]) {
        other[at + 1] = change[index + 1]
      } else {
        other += [change[index], change[index + 1]]
      }
    }
    let stranger = scratch.path("stranger.kspop")
    let made = try CLI.run(other + ["--shard", "3/4", "--output", stranger])
    #expect(made.status == 0, "\(made.stderr)")
    try Self.expectRefused([paths[0], paths[1], stranger, paths[3]], culprit: stranger, reason: reason)
  }

  @Test func anotherShardCountIsRefused() throws {
    let scratch = try TemporaryDirectory()
    let four = try Self.shards(scratch)
    let five = try Self.shards(scratch, count: 5, prefix: "five")
    try Self.expectRefused([four[0], four[1], five[2], four[3]], culprit: five[2], reason: "5 shards, not 4")
  }

  @Test func repeatedAndMissingShardsAreRefusedAndMissingListsThem() throws {
    let scratch = try TemporaryDirectory()
    let paths = try Self.shards(scratch)
    let copy = scratch.path("copy.kspop")
    try FileManager.default.copyItem(atPath: paths[2], toPath: copy)
    try Self.expectRefused(paths + [copy], culprit: copy, reason: "repeats shard 3/4")
    try Self.expectRefused([paths[0], paths[2]], culprit: paths[0], reason: "shards 2, 4 of 4 are missing")

    let listed = try CLI.run(["merge", "--missing", paths[0], paths[2]])
    #expect(listed.status == 1)
    #expect(listed.stdout == "2\n4\n")
    #expect(listed.stderr.contains("2 of 4 shards missing"))
    let complete = try CLI.run(["merge", "--missing", "--quiet"] + paths)
    #expect(complete.status == 0 && complete.stdout == "" && complete.stderr == "")
    // --missing still refuses a bad shard rather than listing around it.
    try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: scratch.path("g.kspop")))
    let garbage = try CLI.run(["merge", "--missing", paths[0], scratch.path("g.kspop")])
    #expect(garbage.status == 65 && garbage.stderr.contains("g.kspop: not a ketasim population shard"))
    // The shards listed, once written, complete the merge.
    let single = try CLI.run(Self.run)
    let merged = try CLI.run(["merge", "--quiet"] + paths)
    #expect(merged.status == 0 && merged.stdout == single.stdout)
  }

  @Test func aShardOfAnEarlierFormatIsRefusedByName() throws {
    let scratch = try TemporaryDirectory()
    let paths = try Self.shards(scratch)
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: paths[1])))
    bytes[5] = UInt8(ascii: "1")
    try Data(bytes).write(to: URL(fileURLWithPath: paths[1]))
    try Self.expectRefused(paths, culprit: paths[1], reason: "written by another ketasim version (shard format 1")
  }

  /// A killed run's `.NAME.PID.N.partial` is removed by the next run that
  /// writes NAME; a partial file some live process holds, and partial
  /// files of other outputs, are left alone.
  @Test func theNextRunRemovesStalePartialFilesOfItsOutput() throws {
    let scratch = try TemporaryDirectory()
    let dead = scratch.path(".bands.csv.4194303.17.partial")
    let other = scratch.path(".other.csv.4194303.17.partial")
    let live = scratch.path(".bands.csv.1.2.partial")
    let look = scratch.path(".bands.csv.notes.partial")
    for path in [dead, other, live, look] { try Data("half".utf8).write(to: URL(fileURLWithPath: path)) }
    let holder = open(live, O_RDONLY)
    #expect(holder >= 0 && flock(holder, LOCK_EX) == 0)
    defer { close(holder) }
    let result = try CLI.run(Self.run + ["--output", scratch.path("bands.csv")])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      scratch.contents() == [
        ".bands.csv.1.2.partial", ".bands.csv.notes.partial", ".other.csv.4194303.17.partial",
        "bands.csv",
      ])
  }

  /// SIGKILL cannot be caught: the run leaves its partial file (never the
  /// output), and the next run writing that output removes it.
  @Test func aSIGKILLedRunLeavesAPartialFileThatTheNextRunRemoves() throws {
    let scratch = try TemporaryDirectory()
    let process = Process()
    process.executableURL = try CLI.binary()
    process.arguments = [
      "population", "--model", "herd2007", "--subjects", "200000", "--duration", "24h", "--step", "10s", "--shard",
      "1/2", "--output", scratch.path("big.kspop"), "--quiet", "--threads", "1",
    ]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(60)
    while process.isRunning, Date() < deadline, !scratch.contents().contains(where: { $0.hasSuffix(".partial") }) {
      usleep(20_000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let left = scratch.contents()
    #expect(left.count == 1 && left[0].hasPrefix(".big.kspop.") && left[0].hasSuffix(".partial"), "\(left)")
    let rerun = try CLI.run(Self.run + ["--shard", "1/2", "--output", scratch.path("big.kspop")])
    #expect(rerun.status == 0, "\(rerun.stderr)")
    #expect(scratch.contents() == ["big.kspop"])
  }

  /// A full disk during a shard write leaves no shard that merge accepts.
  ///
  /// The run fails with status 74 and leaves nothing (no shard, no partial
  /// file); the bytes that did fit are refused. Needs root to mount a 64 KB
  /// tmpfs.
  @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
  func aFullDiskLeavesNoShardThatMergeAccepts() throws {
    let scratch = try TemporaryDirectory()
    let disk = scratch.path("disk")
    try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
    let mount = try CLI.run(
      ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk], executable: URL(fileURLWithPath: "/bin/mount"))
    guard mount.status == 0 else {
      // A container without CAP_SYS_ADMIN: nothing to test here.
      return
    }
    defer { _ = try? CLI.run([disk], executable: URL(fileURLWithPath: "/bin/umount")) }
    let arguments = Self.run.map { $0 == "40" ? "400" : $0 } + ["--step", "1s"]
    let full = try CLI.run(arguments + ["--shard", "2/2", "--output", disk + "/s-2.kspop"])
    #expect(full.status == 74, "\(full.stderr)")
    #expect(full.stderrLines.count == 1 && full.stderr.contains("s-2.kspop"), "\(full.stderr)")
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: disk)) ?? ["?"]).isEmpty)
    // What a non-atomic copy onto that disk would have left: refused.
    let whole = scratch.path("s-2.kspop")
    #expect(try CLI.run(arguments + ["--shard", "2/2", "--output", whole]).status == 0)
    let first = scratch.path("s-1.kspop")
    #expect(try CLI.run(arguments + ["--shard", "1/2", "--output", first]).status == 0)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
    #expect(bytes.count > 64 << 10)
    let short = scratch.path("short.kspop")
    try bytes.prefix(64 << 10).write(to: URL(fileURLWithPath: short))
    try Self.expectRefused([first, short], culprit: short, reason: "truncated shard file")
  }
}

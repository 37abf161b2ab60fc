import Foundation
import Testing

@Suite("Interrupted runs leave no partial output")
struct InterruptTests {
  /// Starts a long run writing to a file, waits until its temporary file
  /// exists (the write is under way), sends `signalNumber`, and checks that
  /// the directory is left empty and the status is 128 + signal.
  @Test("SIGINT or SIGTERM in the middle of writing removes the partial file", arguments: [SIGINT, SIGTERM])
  func interruptedWrite(signalNumber: Int32) throws {
    let directory = try TemporaryDirectory()
    let output = directory.path("course.csv")
    let process = Process()
    process.executableURL = try CLI.binary()
    // 60 days at 1 s is 5.2 million rows: seconds of writing even in release.
    process.arguments = ["--duration", "60 d", "--step", "1 s", "--quiet", "--output", output]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()

    let deadline = Date().addingTimeInterval(60)
    var sawPartial = false
    while process.isRunning, Date() < deadline {
      if directory.contents().contains(where: { $0.hasSuffix(".partial") }) {
        sawPartial = true
        break
      }
      usleep(2_000)
    }
    try #require(sawPartial, "the run never started writing its temporary file")
    usleep(100_000)  // let some rows reach the disk
    kill(process.processIdentifier, signalNumber)
    try CLI.wait(for: process, timeout: 30, arguments: process.arguments ?? [])

    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 128 + signalNumber)
    #expect(directory.contents() == [], "left behind: \(directory.contents())")
  }

  /// The case: `kill -INT` in the middle of a large population run,
  /// while the bands and the per-subject table are being computed.
  @Test("SIGINT in the middle of a large population run leaves neither output file")
  func interruptedPopulation() throws {
    let directory = try TemporaryDirectory()
    let process = Process()
    process.executableURL = try CLI.binary()
    process.arguments = [
      "population", "--model", "herd2007", "--subjects", "20000", "--duration", "1 d", "--step", "10 s",
      "--output", directory.path("bands.csv"), "--subjects-output", directory.path("subjects.csv"), "--quiet",
    ]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    usleep(1_500_000)
    try #require(process.isRunning, "the run ended before it could be interrupted")
    kill(process.processIdentifier, SIGINT)
    try CLI.wait(for: process, timeout: 30, arguments: process.arguments ?? [])
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 130)
    #expect(directory.contents() == [], "left behind: \(directory.contents())")
  }
}

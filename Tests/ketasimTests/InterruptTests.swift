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
}

import ArgumentParser
import Foundation
import KetasimCore

/// `ketasim merge`: combines the shard files of one population run.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Combine the shard files of a population run into its bands, subjects and summary.",
    discussion: """
      Give every shard file of one run (any order). The output is byte-identical to what the run gives \
      without --shard: the same bands CSV, --subjects-output rows and --summary. Each shard is checked first \
      (checksum, run identity, repeats): a bad one is refused with its name and the reason. --missing lists \
      the absent shard numbers (one per line) to resubmit instead, exiting 1 when any are missing.
      """
  )

  @Argument(help: "The shard files ('ketasim population --shard K/N --output FILE').")
  var shards: [String]

  @Option(help: "Write the bands CSV (or the summary) to this file instead of stdout.")
  var output: String?

  @Option(name: .customLong("subjects-output"), help: "Also write one row per subject to this CSV file.")
  var subjectsOutput: String?

  @Flag(help: "Print the population read-out (metric,value,unit CSV) instead of the bands.")
  var summary = false

  @Flag(help: "No summary and no progress bar on stderr.")
  var quiet = false

  @Flag(help: "List the shard numbers (K of --shard K/N) that none of the files holds; exit 1 if any.")
  var missing = false

  func run() throws {
    if missing {
      guard output == nil, subjectsOutput == nil, !summary else {
        throw KetasimError.invalidValue(
          "merge options", "--missing", accepted: "--missing alone (it lists shard numbers and writes nothing)")
      }
      let (absent, count) = try PopulationMerge.missingShards(paths: shards)
      try Terminal.writeOut(Array(absent.map { "\($0)\n" }.joined().utf8))
      if !quiet {
        Terminal.note("ketasim: \(absent.count) of \(count) shards missing")
      }
      // Like diff(1): 1 means "something to do", not a failure to report.
      if !absent.isEmpty { Foundation.exit(1) }
      return
    }
    try OutputPaths.checkDistinct(
      [("--output", output), ("--subjects-output", subjectsOutput)], inputs: shards.map { ("shard file", $0) })
    let merge = try PopulationMerge(paths: shards)
    let bar = ProgressBar(label: "ketasim merge", quiet: quiet)
    defer { bar.finish() }
    try PopulationReport(source: merge, summary: summary, quiet: quiet, bar: bar).write(
      output: output, subjectsOutput: subjectsOutput)
  }
}

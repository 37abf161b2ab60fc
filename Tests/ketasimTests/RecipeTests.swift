import Foundation
import Testing

// The cluster recipes in Sources/KetasimCore/Documentation.docc/Resources/
// recipes: the README quotes each verbatim, and the shard arithmetic of the
// Slurm array script and of the Kubernetes indexed job gives exactly shards
// 1...N under the names the merge's pattern matches. (.ci/slurm runs the
// Slurm recipe on a real one-node cluster; .ci/kubernetes validates the
// manifests against the Kubernetes schema.)

@Suite struct RecipeTests {
  static let directory = CLI.packageRoot.appendingPathComponent(
    "Sources/KetasimCore/Documentation.docc/Resources/recipes")

  static func text(_ name: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
  }

  @Test func theReadmeQuotesEveryRecipeVerbatim() throws {
    let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).sorted()
    #expect(
      names == [
        "population-array.sbatch", "population-merge.sbatch", "population-merge.yaml", "population-shards.yaml",
        "resubmit.sh", "submit.sh",
      ])
    for name in names {
      let fence = name.hasSuffix(".yaml") ? "```yaml\n" : "```sh\n"
      #expect(readme.contains(fence + (try Self.text(name)) + "```\n"), "README does not quote \(name) verbatim")
    }
  }

  /// Runs `script` under /bin/sh with `environment`, `ketasim` being a
  /// shell function that prints its arguments one per line; returns those
  /// lines. (A function, not a script file: a file written while other
  /// tests start processes can fail to execute with ETXTBSY.)
  static func arguments(of script: String, environment: [String: String]) throws -> [String] {
    let fake = "ketasim() { for a in \"$@\"; do echo \"$a\"; done; }\n"
    let result = try CLI.run(
      ["-i", "PATH=/usr/bin:/bin"] + environment.map { "\($0)=\($1)" } + ["/bin/sh", "-c", fake + script],
      executable: URL(fileURLWithPath: "/usr/bin/env"))
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout.split(separator: "\n").map(String.init)
  }

  /// The value after `flag` in `arguments`.
  static func value(_ flag: String, in arguments: [String]) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
  }

  /// Whether `name` matches the shell pattern `pattern`.
  static func matches(_ name: String, _ pattern: String) -> Bool { fnmatch(pattern, name, 0) == 0 }

  @Test func theSlurmArrayRunsShardsOneToNUnderTheMergedNames() throws {
    let script = try Self.text("population-array.sbatch")
    let merge = try Self.text("population-merge.sbatch")
    #expect(script.contains("#SBATCH --job-name=ketasim-shards --array=1-64 "))
    #expect(script.contains("SHARDS=${SHARDS:-64}"))
    #expect(merge.contains("merge shards/pop-*.kspop"))
    var shards: [String] = []
    for task in 1...64 {
      let arguments = try Self.arguments(
        of: script.replacingOccurrences(of: "set -euo pipefail\n", with: ""),
        environment: ["SLURM_ARRAY_TASK_ID": String(task)])
      #expect(Self.value("--shard", in: arguments) == "\(task)/64")
      let output = try #require(Self.value("--output", in: arguments))
      #expect(Self.matches(output, "shards/pop-*.kspop"))
      shards.append(output)
    }
    #expect(Set(shards).count == 64)
  }

  /// The pod command of the indexed job: the folded `args` scalar.
  static func podCommand(_ manifest: String) throws -> String {
    let lines = manifest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "- >-" })
    let indent = lines[start + 1].prefix { $0 == " " }.count
    let body = lines[(start + 1)...].prefix { $0.prefix { $0 == " " }.count == indent && !$0.isEmpty }
    return body.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
  }

  @Test func theIndexedJobRunsShardsOneToNUnderTheMergedNames() throws {
    let manifest = try Self.text("population-shards.yaml")
    #expect(manifest.contains("completionMode: Indexed"))
    #expect(manifest.contains("completions: 64\n"))
    #expect(manifest.contains("- name: SHARDS\n              value: \"64\""))
    #expect(manifest.contains("mountPath: /shards"))
    let command = try Self.podCommand(manifest)
    let mergeCommand = try Self.podCommand(try Self.text("population-merge.yaml"))
    #expect(mergeCommand.hasPrefix("ketasim merge /shards/pop-*.kspop "))
    var shards: [Int] = []
    for index in 0..<64 {
      let arguments = try Self.arguments(
        of: command,
        environment: ["JOB_COMPLETION_INDEX": String(index), "SHARDS": "64", "SUBJECTS": "1000000"])
      let shard = try #require(Self.value("--shard", in: arguments))
      #expect(shard == "\(index + 1)/64")
      let output = try #require(Self.value("--output", in: arguments))
      #expect(output == "/shards/pop-\(index + 1).kspop")
      #expect(Self.matches(output, "/shards/pop-*.kspop"))
      shards.append(index + 1)
    }
    #expect(shards == Array(1...64))
  }
}

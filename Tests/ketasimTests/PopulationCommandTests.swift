import Foundation
import Testing

// `ketasim population` and `ketasim merge` end to end: reproducibility,
// thread and shard independence (shards run as parallel processes),
// collapse onto `simulate`, refusal without variability, bad input.

@Suite struct PopulationCommandTests {
  static let herd = [
    "population", "--model", "herd2007", "--weight", "30", "--weight-sd", "6", "--subjects", "150", "--seed", "7",
    "--dose", "1 mg/kg", "--dose", "0.5 mg/kg over 30 min at 20 min", "--duration", "2h", "--step", "30s",
  ]

  @Test func sameSeedGivesByteIdenticalOutputAndAnotherSeedDoesNot() throws {
    let first = try CLI.run(Self.herd + ["--quiet"])
    let second = try CLI.run(Self.herd + ["--quiet"])
    #expect(first.status == 0)
    #expect(first.stderr == "")
    #expect(first.stdout == second.stdout)
    let header = first.stdout.split(separator: "\n").first.map(String.init)
    #expect(
      header
        == "time_min,cp_p05_ng_per_ml,cp_p50_ng_per_ml,cp_p95_ng_per_ml,p_above_analgesia,p_above_dissociation,"
        + "p_above_anesthesia,p_above_awakening")
    #expect(first.stdout.split(separator: "\n").count == 1 + 241)
    let other = try CLI.run(Self.herd.map { $0 == "7" ? "8" : $0 } + ["--quiet"])
    #expect(other.status == 0 && other.stdout != first.stdout)
  }

  @Test func threadCountDoesNotChangeAByte() throws {
    let scratch = try TemporaryDirectory()
    let one = try CLI.run(Self.herd + ["--threads", "1", "--subjects-output", scratch.path("one.csv"), "--quiet"])
    let two = try CLI.run(Self.herd + ["--threads", "2", "--subjects-output", scratch.path("two.csv"), "--quiet"])
    #expect(one.status == 0 && two.status == 0)
    #expect(one.stdout == two.stdout)
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: scratch.path("one.csv")))
        == Data(contentsOf: URL(fileURLWithPath: scratch.path("two.csv"))))
  }

  /// A rerun of a cluster job must reproduce its shard exactly (the
  /// header's JSON keys in a fixed order, not the per-process hash order).
  @Test func theSameShardTwiceIsByteIdentical() throws {
    let scratch = try TemporaryDirectory()
    for name in ["a", "b"] {
      let run = try CLI.run(Self.herd + ["--shard", "2/3", "--output", scratch.path("\(name).kspop"), "--quiet"])
      #expect(run.status == 0, "\(run.stderr)")
    }
    let first = try Data(contentsOf: URL(fileURLWithPath: scratch.path("a.kspop")))
    let second = try Data(contentsOf: URL(fileURLWithPath: scratch.path("b.kspop")))
    #expect(!first.isEmpty && first == second)
  }

  @Test func fourShardsRunInParallelMergeIntoTheSingleRun() throws {
    let scratch = try TemporaryDirectory()
    let binary = try CLI.binary()
    var processes: [Process] = []
    for k in 1...4 {
      let process = Process()
      process.executableURL = binary
      process.arguments = Self.herd + ["--shard", "\(k)/4", "--output", scratch.path("shard-\(k).kspop"), "--quiet"]
      process.standardInput = FileHandle.nullDevice
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      processes.append(process)
    }
    for process in processes { try CLI.wait(for: process, timeout: 300, arguments: process.arguments ?? []) }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let shards = (1...4).reversed().map { scratch.path("shard-\($0).kspop") }

    let single = try CLI.run(Self.herd + ["--subjects-output", scratch.path("single-subjects.csv")])
    let merged = try CLI.run(["merge"] + shards + ["--subjects-output", scratch.path("merged-subjects.csv")])
    #expect(single.status == 0 && merged.status == 0)
    #expect(merged.stdout == single.stdout, "bands")
    // The typical patient's dose warnings need the scenario, which a merge does not have.
    let summaryLines = single.stderr.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("ketasim: warning: typical patient:") }.joined(separator: "\n")
    #expect(merged.stderr == summaryLines, "summary lines")
    let singleSubjects = try String(contentsOfFile: scratch.path("single-subjects.csv"), encoding: .utf8)
    #expect(try String(contentsOfFile: scratch.path("merged-subjects.csv"), encoding: .utf8) == singleSubjects)
    #expect(singleSubjects.split(separator: "\n").count == 151)
    #expect(
      try CLI.run(["merge", "--summary"] + shards).stdout == CLI.run(Self.herd + ["--summary"]).stdout, "summary")

    // A missing shard, a repeated one, and a file that is not a shard.
    let missing = try CLI.run(["merge"] + shards.dropLast())
    #expect(missing.status == 65)
    #expect(missing.stderrLines.count == 1 && missing.stderr.contains("are missing"))
    #expect(try CLI.run(["merge"] + shards + [shards[0]]).status == 65)
    #expect(try CLI.run(["merge", scratch.path("single-subjects.csv")]).status == 65)
    #expect(try CLI.run(["merge", scratch.path("nothing-here")]).status == 66)
    // A truncated shard (a job killed mid-write cannot leave one: --output is atomic).
    let whole = try Data(contentsOf: URL(fileURLWithPath: shards[3]))
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: scratch.path("cut.kspop")))
    let cut = try CLI.run(["merge", scratch.path("cut.kspop")] + shards.dropLast())
    #expect(cut.status == 65)
    #expect(cut.stderr.contains("truncated"), "\(cut.stderr)")
    #expect(cut.stdout == "", "no partial bands on stdout")
  }

  /// The dosing comes from a dose spec, a built-in regimen file and an
  /// event table: every source of `simulate` works in `population` too.
  @Test(arguments: [
    ["--dose", "1 mg/kg"], ["--regimen", "procedural-sedation"], ["--events", "EVENTS", "--id", "2"],
  ])
  func noVariabilityCollapsesOntoSimulate(dosing: [String]) throws {
    let scratch = try TemporaryDirectory()
    let events = scratch.path("events.csv")
    // ID 2 gets 80 mg at 0 and 20 mg/h for 0.5 h from 0.25 h (TIME in hours).
    try "ID,TIME,AMT,RATE,EVID,CMT\n1,0,1,0,1,1\n2,0,80,0,1,1\n2,0.25,10,20,1,1\n"
      .write(toFile: events, atomically: true, encoding: .utf8)
    let common =
      ["--model", "domino1984", "--weight", "82", "--duration", "1h", "--step", "1min"]
      + dosing.map { $0 == "EVENTS" ? events : $0 }
    let population = try CLI.run(["population"] + common + ["--iiv", "CL=0", "--subjects", "5", "--quiet"])
    let simulate = try CLI.run(["simulate"] + common + ["--quiet"])
    #expect(population.status == 0 && simulate.status == 0)
    let bands = try #require(CSVTable(population.stdout))
    let single = try #require(CSVTable(simulate.stdout))
    for (name, reference) in [
      ("cp_p05_ng_per_ml", "cp_ng_per_ml"), ("cp_p50_ng_per_ml", "cp_ng_per_ml"), ("cp_p95_ng_per_ml", "cp_ng_per_ml"),
      ("ce_p50_ng_per_ml", "ce_ng_per_ml"), ("p_above_dissociation", "above_dissociation"),
      ("p_ce_above_analgesia", "ce_above_analgesia"),
    ] {
      let a = try #require(bands.column(name))
      let b = try #require(single.column(reference))
      #expect(a.count == b.count)
      for (x, y) in zip(a, b) { #expect(isClose(x, y, relative: 1e-12, absolute: 1e-12), "\(name): \(x) vs \(y)") }
    }
  }

  @Test func modelWithoutVariabilityIsRefused() throws {
    let scratch = try TemporaryDirectory()
    let result = try CLI.run(["population", "--subjects", "10", "--output", scratch.path("bands.csv")])
    #expect(result.status == 64)
    #expect(result.stdout == "")
    #expect(result.stderrLines.count == 1)
    #expect(result.stderr.contains("'clements250' has no published between-subject variability"))
    #expect(result.stderr.contains("--iiv"))
    #expect(scratch.contents().isEmpty, "no output file")
    #expect(try CLI.run(["population", "--model", "sherwin2015", "--subjects", "3"]).status == 64)
    #expect(try CLI.run(["population", "--subjects", "3", "--iiv", "CL=0.3", "--quiet"]).status == 0)
  }

  @Test(arguments: [
    ["--iiv", "CL=abc"], ["--iiv", "V3=0.2"], ["--iiv", "ke0=0.2"], ["--shard", "5/4"], ["--shard", "1/2"],
    ["--percentiles", "5,120"], ["--seed", "-1"], ["--subjects", "0"], ["--threads", "0"], ["--weight-sd", "-2"],
    ["--weight-sd", "5", "--patients", "p.csv"], ["--shard", "1/2", "--output", "s", "--summary"],
  ])
  func badOptionIsOneLineAndUsageStatus(_ extra: [String]) throws {
    let result = try CLI.run(["population", "--iiv", "CL=0.3", "--subjects", "4"] + extra)
    #expect(result.status == 64, "\(extra): \(result.stderr)")
    #expect(result.stderrLines.count == 1, "\(extra): \(result.stderr)")
    #expect(result.stdout == "")
  }

  @Test func patientsTableGivesEachSubjectItsRow() throws {
    let scratch = try TemporaryDirectory()
    try "name,weight_kg,age_years\nA,20,6\nB,35,10\nC,60,14\n".write(
      toFile: scratch.path("patients.csv"), atomically: true, encoding: .utf8)
    let result = try CLI.run([
      "population", "--model", "herd2007", "--patients", scratch.path("patients.csv"), "--subjects", "7",
      "--subjects-output", scratch.path("subjects.csv"), "--duration", "30min", "--percentiles", "10,90",
    ])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("time_min,cp_p10_ng_per_ml,cp_p90_ng_per_ml,p_above_analgesia"))
    let subjects = try #require(CSVTable(try String(contentsOfFile: scratch.path("subjects.csv"), encoding: .utf8)))
    #expect(subjects.column("subject") == [1, 2, 3, 4, 5, 6, 7])
    #expect(subjects.column("weight_kg") == [20, 35, 60, 20, 35, 60, 20])
    #expect(subjects.column("age_years") == [6, 10, 14, 6, 10, 14, 6])
    #expect(
      subjects.header.prefix(8) == [
        "subject", "weight_kg", "age_years", "V1_L", "CL_L_per_min", "V2_L", "Q2_L_per_min", "cp_max_ng_per_ml",
      ])
    #expect(subjects.header.contains("cp_ever_above_dissociation"))
    #expect(subjects.header.contains("cp_time_above_analgesia_min"))

    try "weight_kg\n70\nheavy\n".write(toFile: scratch.path("bad.csv"), atomically: true, encoding: .utf8)
    let bad = try CLI.run(["population", "--model", "herd2007", "--patients", scratch.path("bad.csv")])
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("bad.csv:3"))
    #expect(try CLI.run(["population", "--model", "herd2007", "--patients", scratch.path("none.csv")]).status == 66)
  }

  @Test func progressBarOnlyOnATerminal() throws {
    // Long enough (a few seconds in a debug build) for the bar to appear after its first second.
    let arguments = [
      "population", "--model", "herd2007", "--subjects", "6000", "--duration", "24h", "--step", "2s", "--threads", "1",
    ]
    let plain = try CLI.run(arguments + ["--output", "/dev/null"])
    #expect(plain.status == 0)
    #expect(!plain.stderr.contains("\r"), "no bar when stderr is not a terminal")
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
    // util-linux `script` gives the command a pseudo-terminal.
    let command = ([try CLI.binary().path] + arguments + ["--output", "/dev/null"]).map { "'\($0)'" }.joined(
      separator: " ")
    let terminal = try CLI.run(["-qec", command, "/dev/null"], executable: URL(fileURLWithPath: "/usr/bin/script"))
    #expect(terminal.status == 0)
    #expect(terminal.stdout.contains("ketasim population ["), "the bar, drawn after a second")
    let quiet = try CLI.run(
      ["-qec", command + " --quiet", "/dev/null"], executable: URL(fileURLWithPath: "/usr/bin/script"))
    #expect(!quiet.stdout.contains("["), "--quiet: no bar")
  }
}

extension PopulationCommandTests {
  @Test("--replicates writes the uncertainty table and one row per replicate, whose θ are the table's draws")
  func replicateTrials() throws {
    let directory = try TemporaryDirectory()
    let result = try CLI.run([
      "population", "--model", "flint2017", "--drug", "esketamine", "--weight", "20", "--age", "5", "--subjects", "30",
      "--duration", "1 h", "--replicates", "9", "--percentiles", "0,50,100", "--output", directory.path("u.csv"),
      "--replicates-output", directory.path("r.csv"),
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("9 replicate trials of flint2017"), "\(result.stderr)")
    let table = RegimenSupport.rows(try String(contentsOfFile: directory.path("u.csv"), encoding: .utf8))
    let replicates = RegimenSupport.rows(try String(contentsOfFile: directory.path("r.csv"), encoding: .utf8))
    #expect(table[0] == ["metric", "unit", "published", "uncertainty_p00", "uncertainty_p50", "uncertainty_p100"])
    #expect(replicates.count == 10 && replicates[0][1] == "theta_CL_L_per_h")
    // The table's p0 and p100 of each θ are the smallest and largest of the replicates' draws.
    for (k, name) in ["CL", "V1", "Q", "V2", "CLNK"].enumerated() {
      let row = try #require(table.first { $0[0] == "theta_\(name)" })
      let draws = replicates.dropFirst().map { Double($0[k + 1])! }
      #expect(Double(row[3]) == draws.min() && Double(row[5]) == draws.max(), "\(name)")
    }
  }
}

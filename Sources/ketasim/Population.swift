import ArgumentParser
import Foundation
import KetasimCore
import KetasimRender

/// `ketasim population`: virtual patients with between-subject variability;
/// percentile bands, threshold probabilities, per-subject read-outs, shards.
struct Population: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "population",
    abstract: "Simulate a virtual population: percentile bands and threshold probabilities as CSV.",
    discussion: """
      Subject i (1-based) is drawn from (--seed, i) only: the same seed gives the same subjects and \
      byte-identical output, whatever --subjects, --shard or --threads. Parameters vary log-normally, \
      P_i = P*exp(eta), eta ~ N(0, omega^2): the model's published variability (CV% converted to \
      omega = sqrt(ln(1+CV^2))) or --iiv. A model without published variability needs --iiv. \
      --shard K/N writes a shard file (--output) that 'ketasim merge' combines with the others.
      """
  )

  @OptionGroup
  var scenario: ScenarioOptions

  @Option(
    parsing: .unconditional, help: "Number of virtual subjects (default 1000, or the rows of --patients).",
    transform: { try PopulationSimulation.subjectCount(parsing: $0) })
  var subjects: Int?

  @Option(
    parsing: .unconditional, help: "Random seed (a whole number from 0 to 2^64-1; default 1).",
    transform: Population.seed(parsing:))
  var seed: UInt64 = 1

  @Option(
    parsing: .unconditional,
    help:
      "Between-subject variability NAME=OMEGA,... on V1, CL, V2, Q2 (or Q), V3, Q3, ke0 (A~B=R correlates two); replaces the model's."
  )
  var iiv: String?

  @Option(
    name: .customLong("weight-sd"), parsing: .unconditional,
    help: "Weight SD in kg around --weight (normal, truncated to +-2.5 SD within 1-1000 kg).",
    transform: InputParsing.typedNumber("weight-sd", "a standard deviation in kg, such as 12"))
  var weightSD: Typed<Double>?

  @Option(help: "CSV of patients (header with weight_kg, optionally age_years); subject i uses row (i-1) mod rows.")
  var patients: String?

  @Option(
    parsing: .unconditional, help: "Percentiles of the bands and of the peak, e.g. '5,50,95' (default).",
    transform: { try PercentileList(parsing: $0) })
  var percentiles = PercentileList.standard

  @Option(
    parsing: .unconditional, help: "Run only shard K of N (K/N) and write a shard file to --output.",
    transform: { Typed(text: $0, value: try ShardSpec(parsing: $0)) })
  var shard: Typed<ShardSpec>?

  @Option(
    parsing: .unconditional, help: "Threads (default: the available cores; results never depend on it).",
    transform: { try PopulationSimulation.threadCount(parsing: $0) })
  var threads: Int?

  @Option(help: "Write the bands CSV (or the summary, or the shard file) to this file instead of stdout.")
  var output: String?

  @Option(name: .customLong("subjects-output"), help: "Also write one row per subject to this CSV file.")
  var subjectsOutput: String?

  @Flag(help: "Print the population read-out (metric,value,unit CSV) instead of the bands.")
  var summary = false

  @Option(
    help: "Also write a picture of the plasma percentile bands and the typical patient's rate (.svg, .png or .pdf).")
  var plot: String?

  @Option(
    help: ArgumentHelp(
      "A dataset whose observed DV (ng/mL, EVID 0 records, TIME in --time-unit) is set against the bands: dots on "
        + "the --plot picture and a line on stderr (a visual predictive check).", valueName: "file"))
  var observed: String?

  @Option(
    name: .customLong("observed-output"),
    help: "Also write each observed DV with the bands at its time and whether it falls below, within or above them.")
  var observedOutput: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Replicate trials from parameter uncertainty: run the population this many times more, the model's typical "
        + "values redrawn from their published standard errors (flint2017), and write each read-out's uncertainty "
        + "interval (metric,unit,published,uncertainty_pXX) instead of the bands.", valueName: "n"),
    transform: { text in
      guard let count = Int(text), (2...10_000).contains(count) else {
        throw KetasimError.invalidValue(
          "replicates", text, accepted: "a number of replicates from 2 to 10000, such as 200")
      }
      return count
    })
  var replicates: Int?

  @Option(
    name: .customLong("replicates-output"),
    help: "Also write one row per replicate trial: its drawn typical values and its read-out.")
  var replicatesOutput: String?

  @OptionGroup
  var picture: PictureOptions

  @Flag(help: "No summary and no progress bar on stderr.")
  var quiet = false

  @OptionGroup(title: "Resource limits")
  var limitOptions: LimitOptions

  /// A shard file goes to --output, and its subjects CSV and summary come
  /// from 'ketasim merge'; the covariates come from one source.
  func validate() throws {
    if let shard, output == nil || subjectsOutput != nil || summary || plot != nil {
      throw KetasimError.invalidValue(
        "shard options", "--shard \(shard.text)",
        accepted: "--shard K/N with --output FILE (the shard file), without --subjects-output, --summary or --plot "
          + "(give those to 'ketasim merge')")
    }
    if shard != nil, observed != nil {
      throw KetasimError.invalidValue(
        "shard options", "--shard \(shard?.text ?? "") with --observed",
        accepted: "--observed on a whole run, not on one shard")
    }
    if observedOutput != nil, observed == nil {
      throw KetasimError.invalidValue(
        "observed-output", observedOutput ?? "", accepted: "--observed-output with --observed DATASET")
    }
    if let replicates, shard != nil || summary || plot != nil || observed != nil || subjectsOutput != nil {
      throw KetasimError.invalidValue(
        "replicates", String(replicates),
        accepted: "--replicates with --output and --replicates-output only (not --shard, --summary, --plot, "
          + "--observed or --subjects-output)")
    }
    if replicatesOutput != nil, replicates == nil {
      throw KetasimError.invalidValue(
        "replicates-output", replicatesOutput ?? "", accepted: "--replicates-output with --replicates N")
    }
    if patients != nil, weightSD != nil {
      throw KetasimError.invalidValue(
        "covariates", "--patients with --weight-sd", accepted: "either --patients FILE or --weight-sd KG")
    }
  }

  @Option(
    name: .customLong("effect"),
    help: ArgumentHelp(
      "Add an effect endpoint to the subjects table (repeatable): each subject's site peak, minutes above C50 "
        + "(half-maximal effect) or above a chosen effect level (ID@LEVEL), and whether it was reached.",
      valueName: "id[@level]"))
  var effects: [String] = []

  func run() throws {
    try OutputPaths.checkDistinct(
      [
        ("--output", output), ("--subjects-output", subjectsOutput), ("--plot", plot),
        ("--observed-output", observedOutput), ("--replicates-output", replicatesOutput),
      ],
      inputs: scenario.inputFiles + (patients.map { [("patients table", $0)] } ?? [])
        + (observed.map { [("observed dataset", $0)] } ?? []))
    let observedData = try observed.map { try Dataset(contentsOf: $0, timeUnit: self.scenario.files.eventTimeUnit) }
    let plotFormat = try OutputPaths.plotFormat(plot)
    let scenario = try self.scenario.resolve(effects: effects)
    guard !scenario.regimen.hasSteadyState else {
      throw KetasimError.invalidValue(
        "dosing", "an event table with SS=1",
        accepted: "doses starting from an empty patient in a population run (steady state is simulate-only)")
    }
    let (resolved, grid) = (scenario.subject, scenario.grid)
    let covariates = try covariateSpread(resolved.patient)
    if let limits = resolved.limits, let patients, case .table(let rows) = covariates {
      // Each patient of the table faces the guards that --weight and --age do.
      for (index, row) in rows.enumerated() {
        do {
          try limits.check(row)
        } catch let error as KetasimError where error.remedy == .allowExtreme {
          throw error.withValue("\(error.value ?? "") (\(patients), patient \(index + 1))")
        }
      }
    }
    var design = PopulationDesign(
      model: resolved.definition, ke0Override: resolved.ke0Override, variability: BetweenSubjectVariability(),
      covariates: covariates, seed: seed)
    design.inputFraction = resolved.inputFraction
    design.variability = try BetweenSubjectVariability(parsing: iiv, for: resolved)
    let shardSpec = shard?.value
    let totalSubjects = subjectCount(covariates)
    let limits = limitOptions.limits
    try limits.check(subjects: totalSubjects * ((replicates ?? 0) + 1), times: grid.count)
    try limits.check(rows: grid.count, of: "the bands")
    try limits.check(memory: ResourceLimits.populationMemory(subjects: totalSubjects), of: "the population run")
    if plot != nil {
      let points = grid.count.multipliedReportingOverflow(by: percentiles.values.count + 1)
      try limits.check(
        memory: ResourceLimits.plotMemory(points: points.overflow ? Int.max : points.partialValue),
        of: "the bands picture")
    }
    let makeSimulation = { (design: PopulationDesign) in
      try PopulationSimulation(
        design: design, totalSubjects: totalSubjects, shard: shardSpec ?? .whole, grid: grid,
        thresholds: resolved.thresholds, percentiles: percentiles,
        doses: scenario.label, threads: threads ?? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 64)),
        endpoints: resolved.endpoints
      ) { patient in try scenario.schedule(forWeight: patient.weightKilograms) }
    }
    if let replicates {
      if !quiet { scenario.printNotes() }
      try runReplicates(replicates, design: design, makeSimulation: makeSimulation)
      return
    }
    let unnoted = try makeSimulation(design)

    if !quiet { scenario.printNotes() }
    // The typical patient's warnings, printed once the outputs are written.
    let typical: RunWarnings
    switch try scenario.run() {
    case .mammillary(let simulation):
      typical = RunWarnings(
        simulation: simulation, end: grid.end, model: resolved.definition, patient: resolved.patient,
        thresholds: resolved.thresholds)
    case .general(let simulation):
      typical = RunWarnings(
        simulation: simulation, end: grid.end, model: resolved.definition, patient: resolved.patient,
        thresholds: resolved.thresholds)
    }
    let simulation = unnoted.noting(typicalWarnings: typical.messages.map { "typical patient: \($0)" })
    func printWarnings() {
      guard !quiet else { return }
      for warning in typical.messages { Terminal.note("ketasim: warning: typical patient: \(warning)") }
    }
    let bar = ProgressBar(label: "ketasim population", quiet: quiet)
    defer { bar.finish() }
    if let shardSpec, let output {
      try AtomicFile.write(to: output) { sink in
        try PopulationShard.write(simulation, shard: shardSpec, progress: bar.update, to: sink)
      }
      bar.finish()
      printWarnings()
      if !quiet {
        Terminal.note(
          "ketasim: shard \(shardSpec.index)/\(shardSpec.count): subjects \(simulation.subjectNumbers.lowerBound)-"
            + "\(simulation.subjectNumbers.upperBound) written to \(output); combine with 'ketasim merge'")
      }
      return
    }
    var report = PopulationReport(source: simulation, summary: summary, quiet: quiet, bar: bar)
    var observedLine: String?
    if plot != nil || observedData != nil {
      // The picture of the same bands the CSV has, with the typical patient's rate and warnings, and the
      // observed concentrations against the same bands.
      let weight = InputParsing.format(resolved.patient.weightKilograms)
      let spread =
        patients != nil ? " (\(patients ?? ""))" : weightSD.map { " ± \(InputParsing.format($0.value)) kg" } ?? ""
      let layout = simulation.layout
      report.bands = { [plot, observedOutput, picture] rows in
        var data = BandPlotData(
          title:
            "\(resolved.definition.id), \(totalSubjects) virtual patients, \(weight) kg\(spread): \(scenario.label)",
          layout: layout, rows: rows)
        if let observedData {
          let check = try ObservedConcentrations(
            dataset: observedData, bandRows: rows, percents: layout.percentiles.values)
          data.observed = check.points.map { ($0.minutes, $0.nanogramsPerMilliliter) }
          observedLine = check.summaryLine
          if let observedOutput {
            try AtomicFile.write(to: observedOutput) { sink in
              var writer = CSVWriter(sink: sink)
              try check.write(to: &writer)
            }
          }
        }
        guard let plot else { return }
        data.rates = scenario.schedule.rateSteps(through: grid.end)
        data.boluses = scenario.schedule.bolusMinutes(through: grid.end)
        data.warnings = typical.messages.map { "typical patient: \($0)" }
        data.footer =
          "\(resolved.definition.name) · \(totalSubjects) subjects, seed \(seed) · " + ClinicalFormat.today
        data.timeRange = picture.xRange
        data.logarithmic = picture.log
        let bytes = try PictureRenderer.render(BandPlot(data), as: plotFormat ?? .svg, label: plot)
        try AtomicFile.write(to: plot) { sink in try sink(bytes) }
      }
    }
    try report.write(output: output, subjectsOutput: subjectsOutput)
    printWarnings()
    if !quiet, let observedLine { Terminal.note("ketasim: \(observedLine)") }
  }

  /// `--replicates`: the population at the published values, then `count` replicate trials, each summarised;
  /// the uncertainty table to --output (or stdout), the replicates to --replicates-output.
  private func runReplicates(
    _ count: Int, design: PopulationDesign, makeSimulation: (PopulationDesign) throws -> PopulationSimulation
  ) throws {
    var trials = try ReplicateTrials(model: design.model, seed: seed)
    let bar = ProgressBar(label: "ketasim population --replicates", quiet: quiet)
    defer { bar.finish() }
    func readout(_ design: PopulationDesign) throws -> [MetricRow] {
      let simulation = try makeSimulation(design)
      var table = PopulationSummary(layout: simulation.layout)
      try simulation.streamSubjectRows { table.add($0) }
      return table.rows
    }
    let published = try readout(design)
    for replicate in 1...count {
      var drawn = design
      drawn.model = trials.model(forReplicate: replicate)
      trials.add(drawn.model, summary: try readout(drawn))
      bar.update(Double(replicate) / Double(count))
    }
    bar.finish()
    let percents = percentiles.values
    try Terminal.emit(to: output) { sink in
      var writer = CSVWriter(sink: sink)
      try trials.writeUncertainty(published: published, percents: percents, to: &writer)
    }
    if let replicatesOutput {
      try AtomicFile.write(to: replicatesOutput) { sink in
        var writer = CSVWriter(sink: sink)
        try trials.writeReplicates(to: &writer)
      }
    }
    if !quiet {
      for line in trials.lines(published: published, percents: percents) { Terminal.note("ketasim: \(line)") }
    }
  }

  /// A seed: a whole number from 0 to 2^64-1.
  @Sendable static func seed(parsing text: String) throws -> UInt64 {
    guard let value = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
      throw KetasimError.invalidValue("seed", text, accepted: "a whole number from 0 to 18446744073709551615")
    }
    return value
  }

  private func covariateSpread(_ patient: KetasimCore.Patient) throws -> CovariateSpread {
    if let patients { return try CovariateSpread.patientsTable(path: patients) }
    guard let weightSD else { return .fixed(patient) }
    let sd = weightSD.value
    guard sd >= 0, sd <= patient.weightKilograms else {
      throw KetasimError.invalidValue(
        "weight-sd", weightSD.text,
        accepted: "a standard deviation from 0 to the mean weight (\(patient.weightKilograms) kg)")
    }
    return sd == 0 ? .fixed(patient) : .normalWeight(patient, standardDeviation: sd)
  }

  /// `--subjects`, else one per row of `--patients`, else 1000.
  private func subjectCount(_ covariates: CovariateSpread) -> Int {
    if let subjects { return subjects }
    if case .table(let rows) = covariates { return rows.count }
    return 1000
  }
}

/// Writes what a population run or a merge produced: the subjects CSV, then
/// the bands (or the summary) CSV, then the summary lines on stderr.
struct PopulationReport<Source: PopulationSource> {
  let source: Source
  let summary: Bool
  let quiet: Bool
  let bar: ProgressBar
  /// When set, receives the rows of the bands CSV (``BandTable``) once
  /// they are computed: along with the bands output, or in a pass of their
  /// own with the summary.
  var bands: (([[Double]]) throws -> Void)?

  func write(output: String?, subjectsOutput: String?) throws {
    let layout = source.layout
    var bandRows: [[Double]] = []
    let keepsBands = bands != nil
    // The rows stream through (memory does not grow with the subjects):
    // into the summary, and into the subjects CSV when asked for.
    var table = PopulationSummary(layout: layout)
    let progress: (Double) -> Void = { bar.update((summary && !keepsBands ? 1 : 0.5) * $0) }
    func writeOutput() throws {
      let produce: (@escaping ([UInt8]) throws -> Void) throws -> Void = { sink in
        var writer = CSVWriter(sink: sink)
        if summary {
          try table.write(to: &writer)
        } else {
          try PopulationOutput.writeBands(
            source, to: &writer, each: { if keepsBands { bandRows.append($0) } },
            progress: { bar.update(0.5 + 0.5 * $0) })
        }
      }
      if let output {
        try AtomicFile.write(to: output, produce)
      } else {
        // The bands are small (times x columns): held until complete, so that
        // a failure (a corrupt shard) leaves nothing half-written on stdout.
        var bytes: [UInt8] = []
        try produce { bytes += $0 }
        try Terminal.writeOut(bytes)
      }
    }
    if let subjectsOutput {
      // The subjects CSV is renamed into place after the bands (or the summary): a run interrupted or failing on
      // the way leaves neither file.
      try AtomicFile.write(to: subjectsOutput) { sink in
        var writer = CSVWriter(sink: sink)
        try writer.writeRow(layout.subjectColumns)
        try source.streamSubjectRows(progress: progress) { row in
          table.add(row)
          try SubjectTable.write(row, flagsFrom: layout.flagsFrom, to: &writer)
        }
        try writer.flush()
        try writeOutput()
      }
    } else {
      if summary || !quiet || !source.bandsStandAlone {
        // The summary lines (stderr) or the summary CSV read the subjects; a quiet run of bands alone does not
        // (unless its source reads them first).
        try source.streamSubjectRows(progress: progress) { table.add($0) }
      }
      try writeOutput()
    }
    if let bands {
      if summary { bandRows = try PopulationOutput.bandRows(source) { bar.update(0.5 + 0.5 * $0) } }
      try bands(bandRows)
    }
    bar.finish()
    if !quiet { for line in table.lines { Terminal.note("ketasim: \(line)") } }
  }
}

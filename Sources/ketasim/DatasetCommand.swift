import ArgumentParser
import Foundation
import KetasimCore

/// `ketasim dataset`: a whole NONMEM-style dataset in, the same rows out with predictions beside them.
struct DatasetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dataset",
    abstract: "Simulate every subject (ID) of a NONMEM-style dataset; write its rows back with PRED, IPRED and DV.",
    discussion: """
      Every row comes back in the dataset's order with its fields as written (DV, MDV, SEX and your own columns \
      included), followed by PRED_ng_per_ml: the model's typical patient at the ID's WT and AGE (--weight and \
      --age where the dataset has none), in plasma, at the row's TIME (after a dose given at that time). With \
      --iiv or --ipred, IPRED_ng_per_ml: an individual drawn for each ID (its place in order of first \
      appearance, from 1) from --seed alone, as 'ketasim population' draws subject k; --etas writes their etas. \
      With --residual-error, DV_ng_per_ml on EVID 0 rows: IPRED (or PRED) with residual error drawn from --seed. \
      --vpc N simulates the whole dataset N times (needs --iiv or --ipred; add --residual-error for the data's \
      scatter) and writes the percentiles of each observation's simulated values beside its DV. \
      --step adds grid rows to each ID's own (from 0 to --duration, else the ID's last record), with PRED, \
      IPRED and DV like observations. An observation row's CMT chooses what it predicts: 1 (or empty) plasma, \
      or a metabolite model's metabolite compartment (flint2017: 3, S-norketamine), in ng/mL. \
      Doses: AMT in mg; RATE, DUR, ADDL/II, SS at time zero as in 'ketasim simulate --events'. \
      Covariates that change within an ID (WT, AGE, SEX) are simulated exactly, the model of each record's \
      covariates holding from the record before it up to it, as NONMEM does (--covariate-carry locf: from it \
      to the next); compartment amounts carry over each change. EVID 3 empties every compartment and stops \
      infusions; EVID 4 does the same, then gives its dose. SEX is read only when the model has a relation on \
      sex: F/M or female/male, or numeric codes given with --sex-codes. Modelled rates (RATE -1) are refused \
      with the line.
      """
  )

  @Option(help: "The dataset: CSV with ID, TIME, AMT (and RATE, DUR, EVID, CMT, II, ADDL, SS, WT, AGE, ...).")
  var events: String

  @Option(
    help: EventTable.TimeUnit.help("Unit of TIME, DUR and II, and of the time in RATE", default: .hours),
    transform: EventTable.TimeUnit.parse)
  var eventTimeUnit = EventTable.TimeUnit.hours

  @OptionGroup(title: "Model and patient")
  var subject: SubjectOptions

  @Option(
    name: .customLong("sex-codes"),
    help: ArgumentHelp(
      "What the numbers in SEX mean, such as '1=male,2=female' (default: F/M and female/male only).",
      valueName: "codes"),
    transform: { try SexCoding(parsing: $0) })
  var sexCoding = SexCoding()

  @Option(
    name: .customLong("covariate-carry"),
    help: ArgumentHelp(
      "Which record's covariates hold between two records: nocb (the next record's, NONMEM's rule; default) or "
        + "locf (the last record's).", valueName: "rule"),
    transform: { text in
      guard let carry = DatasetSimulation.CovariateCarry(rawValue: text.lowercased()) else {
        throw KetasimError.invalidValue("covariate-carry", text, accepted: "nocb or locf")
      }
      return carry
    })
  var covariateCarry = DatasetSimulation.CovariateCarry.nextRecordBackward

  @Option(
    parsing: .unconditional,
    help: "Between-subject variability NAME=OMEGA,... of IPRED (A~B=R correlates two; replaces the published).")
  var iiv: String?

  @Flag(help: "Add IPRED with the model's published variability.")
  var ipred = false

  @Option(
    name: .customLong("residual-error"), parsing: .unconditional,
    help: ArgumentHelp(
      "Add DV_ng_per_ml on observation rows: IPRED (PRED without --iiv) with this residual error: 'prop=0.2', "
        + "'add=5' (ng/mL), 'prop=0.15,add=2' (combined), 'exp=0.2' (log-normal), or 'published' (the model "
        + "file's, for flint2017 and perezruixo2021).", valueName: "model"),
    transform: { text in text.lowercased() == "published" ? .published : .given(try ResidualError(parsing: text)) })
  var residualError: ResidualErrorChoice?

  /// A residual error given on the command line, or the model file's.
  enum ResidualErrorChoice {
    case given(ResidualError)
    case published
  }

  @Option(
    parsing: .unconditional, help: "Random seed of the individuals (a whole number from 0 to 2^64-1; default 1).",
    transform: Population.seed(parsing:))
  var seed: UInt64 = 1

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Visual predictive check: simulate the whole dataset this many times and write, per observation row, the "
        + "simulated percentiles (VPC_pXX_ng_per_ml) and DV_percentile instead of IPRED/DV.", valueName: "n"),
    transform: { text in
      guard let count = Int(text), (1...100_000).contains(count) else {
        throw KetasimError.invalidValue("vpc", text, accepted: "a number of replicates from 1 to 100000, such as 200")
      }
      return count
    })
  var vpc: Int?

  @Option(
    parsing: .unconditional, help: "Percentiles of the visual predictive check, e.g. '5,50,95' (default).",
    transform: { try PercentileList(parsing: $0) })
  var percentiles = PercentileList.standard

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Add grid rows every this long to each ID's own (EVID 0, MDV 1, the ID's WT/AGE/SEX), e.g. '10 min' (bare "
        + "number: minutes), from 0 to --duration or the ID's last record.", valueName: "step"),
    transform: InputParsing.typedDuration("step"))
  var step: Typed<ClockTime>?

  @Option(
    parsing: .unconditional,
    help: "With --step: where every ID's grid ends, e.g. '24 h' (default: each ID's last record's time).",
    transform: InputParsing.typedDuration("duration"))
  var duration: Typed<ClockTime>?

  @Option(help: "Write the dataset with its predictions to this file (atomically) instead of stdout.")
  var output: String?

  @Option(help: "Also write each ID's etas (ID, ETA_<parameter>...) to this file.")
  var etas: String?

  @Flag(name: .shortAndLong, help: "Print no notes on stderr.")
  var quiet = false

  func validate() throws {
    if let step, step.value <= .zero {
      throw KetasimError.invalidValue("step", step.text, accepted: "a positive time step, such as 10 min")
    }
    if let duration, step == nil {
      throw KetasimError.invalidValue("duration", duration.text, accepted: "--duration together with --step")
    }
    if let step, vpc != nil {
      throw KetasimError.invalidValue(
        "step", step.text, accepted: "--step without --vpc (the check compares the dataset's own observations)")
    }
    if etas != nil && iiv == nil && !ipred {
      throw KetasimError.invalidValue("etas", etas ?? "", accepted: "--etas together with --iiv or --ipred")
    }
  }

  func run() throws {
    try OutputPaths.checkDistinct(
      [("--output", output), ("--etas", etas)],
      inputs: [("dataset", events)] + (subject.model.map { [("model file", $0)] } ?? []))
    let dataset = try Dataset(contentsOf: events, timeUnit: eventTimeUnit)
    var request = ScenarioRequest()
    subject.fill(&request)
    let variability = try self.variability(request)
    let (error, errorBySite) = try residualErrors(request)
    let simulation = try DatasetSimulation(
      dataset: dataset, request: request, variability: variability, residualError: error,
      residualErrorBySite: errorBySite,
      seed: seed, sexCoding: sexCoding, covariateCarry: covariateCarry,
      grid: step.map { DatasetSimulation.Grid(step: $0.value, end: duration?.value) })
    if !quiet, !simulation.unusedColumns.isEmpty {
      Terminal.note(
        "ketasim: note: \(events): carried through, not used: \(simulation.unusedColumns.joined(separator: ", "))")
    }
    try InputParsing.quotingInput(subject.typedInputs) {
      try Terminal.emit(to: output) { sink in
        var writer = CSVWriter(sink: sink)
        if let vpc {
          try simulation.writeVPC(replicates: vpc, percents: percentiles.values, to: &writer) { line in
            if !quiet { Terminal.note("ketasim: \(line)") }
          }
        } else {
          try simulation.write(to: &writer) { note in if !quiet { Terminal.note("ketasim: note: \(note)") } }
        }
      }
      if let etas {
        try AtomicFile.write(to: etas) { sink in
          var writer = CSVWriter(sink: sink)
          try simulation.writeEtas(to: &writer)
        }
      }
    }
  }

  /// The residual error of DV: the one given, or the model's published ones ('published': plasma's, and each
  /// other observation's), or none.
  private func residualErrors(_ request: ScenarioRequest) throws -> (ResidualError?, [String: ResidualError]) {
    guard let residualError else { return (nil, [:]) }
    if case .given(let given) = residualError { return (given, [:]) }
    let definition = try InputParsing.quotingInput(subject.typedInputs) { try request.subject().definition }
    guard let published = definition.residualErrors.first(where: { $0.observation == "cp" }) else {
      throw KetasimError.invalidValue(
        "residual-error", "published",
        accepted: "a model whose file publishes a residual error for cp (flint2017, perezruixo2021), or a given "
          + "one such as prop=0.2")
    }
    return (
      published.error,
      Dictionary(definition.residualErrors.map { ($0.observation, $0.error) }, uniquingKeysWith: { first, _ in first })
    )
  }

  /// The variability of IPRED: --iiv, else the model's published one with --ipred, else none.
  private func variability(_ request: ScenarioRequest) throws -> BetweenSubjectVariability? {
    guard iiv != nil || ipred else { return nil }
    let resolved = try InputParsing.quotingInput(subject.typedInputs) { try request.subject() }
    return try BetweenSubjectVariability(parsing: iiv, for: resolved)
  }
}

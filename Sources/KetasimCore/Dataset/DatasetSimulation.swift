import Foundation

/// Every subject (`ID`) of a ``Dataset`` simulated in one run, each row handed back with its fields unchanged and
/// the model's predictions beside them: the pharmacometrician's "dataset in, dataset out".
///
/// **Subjects.** Each ID's records become its dosing (``EventTable/regimen(id:)``: boluses, infusions by `RATE`
/// or `DUR`, `ADDL`/`II`, steady state at time zero) and its patient (`WT`, `AGE`, and `SEX` when the model has a
/// relation on sex, decoded by ``sexCoding``, and the columns of the covariates the model names, such as `ASIAN`;
/// the request's values where the dataset gives none). The request
/// supplies the model, the drug and every other setting, as for one subject; its own dosing sources are not used.
///
/// **Covariates that change and resets.** When an ID's `WT`, `AGE` or `SEX` changes from record to record, or it
/// has a reset (`EVID 3`: every compartment emptied and running infusions stopped; `EVID 4`: the same, then the
/// record's dose), it is simulated by ``PiecewiseSimulation``: the model of each record's covariates holds over
/// the span ``covariateCarry`` gives it (NONMEM's: from the previous record up to this one), amounts carry over
/// each change, and each reset starts from empty compartments (see ``CovariateCarry``).
///
/// **Predictions** (ng/mL, at each row's `TIME`, after any dose given at that time, for every record: doses,
/// observations and `EVID 2` rows alike; of the parent drug in plasma, or, on an observation record whose `CMT` is
/// a metabolite model's observed metabolite compartment (``observedSites``), of that metabolite):
/// - `PRED_ng_per_ml`: the typical patient of the model at the ID's covariates;
/// - `IPRED_ng_per_ml` (with ``variability``): the individual whose parameters are the typical ones times
///   `exp(η)`, η drawn for subject number *k* (the ID's place in order of first appearance, from 1) from
///   (``seed``, *k*) only, exactly as ``PopulationDesign/subject(_:)`` draws subject *k*: the same dataset and seed
///   give the same individuals, and ``etas(of:)`` gives their η.
///
/// - `DV_ng_per_ml` (with ``residualError``): on observation records (`EVID 0`) only, the individual prediction
///   (the typical one without ``variability``) with the residual error drawn for the subject's *j*-th observation
///   record from (``seed``, *k*, ``ResidualError/stream(observation:epsilon:)``) only.
///
/// Comment rows are handed back with empty predictions.
public struct DatasetSimulation: Sendable {
  public let dataset: Dataset
  /// The model, patient defaults and drug of every subject.
  public let request: ScenarioRequest
  /// Between-subject variability of the individual predictions; nil for `PRED_ng_per_ml` alone.
  public let variability: BetweenSubjectVariability?
  /// The residual error of the simulated observations (`DV_ng_per_ml`); nil for none.
  public let residualError: ResidualError?
  /// Residual errors of particular observations (by site name, such as `nk`), in place of ``residualError`` for
  /// the records that observe them (a model file's published errors per observation).
  public let residualErrorBySite: [String: ResidualError]
  /// The compartments (`CMT`, from 1) an observation record may observe, with the site observed (in ng/mL):
  /// 1, plasma (`cp`), and a metabolite model's other observed compartments (flint2017: 3, `nk`).
  public let observedSites: [Int: Observation.Site]
  public let seed: UInt64
  /// How `SEX` fields read (used only when the model has a relation on sex).
  public let sexCoding: SexCoding
  /// Which record's covariates hold between two records of an ID.
  public let covariateCarry: CovariateCarry
  /// Grid rows added to each ID's own (nil for the dataset's rows only).
  public let grid: Grid?
  /// Each ID's records (indices into the table's), in file order.
  let recordsOfID: [String: [Int]]
  /// Whether the model has a covariate relation on sex (else `SEX` is carried through unread).
  let modelUsesSex: Bool
  /// The named covariates the model's relations use (`ASIAN`), each with its column in the dataset, if any.
  let namedColumns: [(name: String, column: Int?)]
  /// Each record's row's fields (indices into the dataset's rows).
  let rowOfRecord: [Int]

  /// The dataset's columns that the simulation does not read, upper-cased, in header order.
  ///
  /// Those an event table does not know, and `SEX` unless the model has a relation on sex, but not the named
  /// covariates the model uses. They come back as written all the same.
  public var unusedColumns: [String] {
    let used = Set(namedColumns.map(\.name)).union(modelUsesSex ? ["SEX"] : [])
    let known = EventTable.knownColumns.subtracting(["SEX"])
    return dataset.header.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
      .filter { !known.contains($0) && !used.contains($0) }
  }

  /// The names of the columns added after the dataset's own.
  public var predictionColumns: [String] {
    ["PRED_ng_per_ml"] + (variability == nil ? [] : ["IPRED_ng_per_ml"])
      + (residualError == nil ? [] : ["DV_ng_per_ml"])
  }

  /// - Throws: ``KetasimError`` when the dataset already has a column of the name of a prediction column.
  public init(
    dataset: Dataset, request: ScenarioRequest, variability: BetweenSubjectVariability? = nil,
    residualError: ResidualError? = nil, residualErrorBySite: [String: ResidualError] = [:], seed: UInt64 = 1,
    sexCoding: SexCoding = SexCoding(), covariateCarry: CovariateCarry = .nextRecordBackward, grid: Grid? = nil
  ) throws {
    self.residualErrorBySite = residualErrorBySite
    self.grid = grid
    self.dataset = dataset
    self.request = request
    self.variability = variability
    self.residualError = residualError
    self.seed = seed
    self.sexCoding = sexCoding
    self.covariateCarry = covariateCarry
    let typical = try request.subject()
    let relations = typical.definition.covariateRelations
    var observedSites: [Int: Observation.Site] = [:]
    switch typical.individual {
    case .mammillary: observedSites[1] = .plasma
    case .general(let structure):
      for output in structure.observations where output.unit == .nanogramsPerMillilitre {
        let site = Observation.Site(rawValue: output.name)
        if site != .effectSite, observedSites[output.compartment + 1] == nil {
          observedSites[output.compartment + 1] = site
        }
      }
    }
    self.observedSites = observedSites
    modelUsesSex = relations.contains { $0.covariate == .sex }
    let header = dataset.header.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
    var named: [String] = []
    for relation in relations {
      if case .named(let name) = relation.covariate, !named.contains(name) { named.append(name) }
    }
    namedColumns = named.map { ($0, header.firstIndex(of: $0)) }
    var rowOfRecord = [Int](repeating: 0, count: dataset.table.records.count)
    for (index, row) in dataset.rows.enumerated() { if let record = row.record { rowOfRecord[record] = index } }
    self.rowOfRecord = rowOfRecord
    var recordsOfID: [String: [Int]] = [:]
    for (index, record) in dataset.table.records.enumerated() { recordsOfID[record.id, default: []].append(index) }
    self.recordsOfID = recordsOfID
    let taken = Set(dataset.header.map { $0.trimmingCharacters(in: .whitespaces).uppercased() })
    for name in predictionColumns where taken.contains(name.uppercased()) {
      throw KetasimError.invalidData(
        dataset.file, reason: "the dataset already has a column \(name); rename it to keep it beside ketasim's")
    }
  }

  /// One subject of the dataset, resolved.
  public struct Subject: Sendable {
    /// The `ID` as written.
    public let id: String
    /// Place in order of first appearance, from 1 (the subject number of its η draw).
    public let number: Int
    /// The typical patient's scenario: model, covariates (the first record's), dosing.
    public let scenario: Scenario
    /// The individual, when there is variability (at the first record's covariates).
    public let individual: VirtualSubject?
    /// The ID's records (indices into the table's), in file order.
    let records: [Int]
    /// Each record's covariates, when they change within the ID or it has a reset; nil otherwise.
    let changing: [RecordCovariates]?
    /// The ID's grid times (empty without a grid).
    let grid: [ClockTime]
  }

  /// The subject `id` (the `number`-th to appear).
  public func subject(_ id: String, number: Int) throws -> Subject {
    let records = recordsOfID[id] ?? []
    for record in records.map({ dataset.table.records[$0] }) where record.evid == 0 {
      guard observedSites[record.observedCompartment] == nil else { continue }
      let known = observedSites.keys.sorted().map { "\($0) (\(observedSites[$0]?.rawValue ?? ""))" }
      throw KetasimError.invalidData(
        "\(dataset.table.file):\(record.line)",
        reason: "CMT '\(record.observedCompartment)': the model's observed compartments are "
          + "\(known.joined(separator: ", ")); expected one of them on an observation record")
    }
    let covariates = try self.covariates(of: records)
    let scenario = try self.scenario(of: id, covariates: covariates.first)
    let changing =
      Set(covariates).count > 1 || records.contains { dataset.table.records[$0].evid >= 3 } ? covariates : nil
    return Subject(
      id: id, number: number, scenario: scenario, individual: try individual(of: scenario.subject, number: number),
      records: records, changing: changing, grid: try gridTimes(records))
  }

  /// The typical patient's scenario of `id`: its records' dosing (resets read as what they give: `EVID 3` as
  /// nothing, `EVID 4` as its dose), `covariates` (the request's where nil), the request's model.
  func scenario(of id: String, covariates: RecordCovariates?) throws -> Scenario {
    // The ID's own records as a table of one subject: each subject costs its records, not the whole table's.
    let records = (recordsOfID[id] ?? []).map { Self.dosingOnly(dataset.table.records[$0]) }
    let regimen = try EventTable(file: dataset.table.file, records: records).regimen(id: id)
    return try self.request(covariates).resolve([DosingSource(regimen: regimen, isFile: true)])
  }

  /// The request with `covariates` (the ID's, else the request's own).
  func request(_ covariates: RecordCovariates?) -> ScenarioRequest {
    var request = self.request
    if let covariates {
      request.weightKilograms = covariates.weightKilograms
      request.ageYears = covariates.ageYears
      request.sex = covariates.sex
      request.covariates.merge(covariates.named) { $1 }
    }
    return request
  }

  /// `record` as a dose or an observation only: its covariates removed (the caller resolves them), `EVID 3`
  /// as `EVID 2` and `EVID 4` as `EVID 1`.
  static func dosingOnly(_ record: EventTable.Record) -> EventTable.Record {
    var record = record
    record.weightKilograms = nil
    record.ageYears = nil
    record.sexCode = nil
    if record.evid == 3 { record.evid = 2 }
    if record.evid == 4 { record.evid = 1 }
    return record
  }

  /// The individual drawn as subject `number` at `subject`'s typical patient; nil without variability.
  func individual(of subject: ScenarioSubject, number: Int) throws -> VirtualSubject? {
    guard let variability else { return nil }
    var design = PopulationDesign(
      model: subject.definition, ke0Override: subject.ke0Override, variability: variability,
      covariates: .fixed(subject.patient), seed: seed)
    design.inputFraction = subject.inputFraction
    return try design.subject(number)
  }

  /// The η of each varying parameter of subject `number` (`ln` of its factor), in ``variability``'s order.
  public func etas(of number: Int) -> [(parameter: PopulationParameter, eta: Double)] {
    guard let variability else { return [] }
    let factors = variability.factors(seed: seed, subject: number)
    return variability.parameters.map { ($0, log(factors[$0] ?? 1)) }
  }

  /// The predictions of `subject` at the times of its records, in file order, then at its grid times: one array
  /// per ``predictionColumns`` entry (NaN in `DV_ng_per_ml` for a record that is not an observation; every grid
  /// row is one).
  public func predictions(of subject: Subject) throws -> [[Double]] {
    var columns = [try typicalPredictions(subject)]
    if variability != nil {
      columns.append(
        try individualPredictions(subject, number: subject.number, records: subject.records, grid: subject.grid))
    }
    if let last = columns.last, residualError != nil {
      columns.append(observations(last, subject: subject.number, records: subject.records))
    }
    return columns
  }

  /// PRED: the typical patient's plasma concentrations (ng/mL) at the times of `subject`'s records, then at its
  /// grid times.
  func typicalPredictions(_ subject: Subject) throws -> [Double] {
    if let changing = subject.changing {
      return try piecewisePlasma(subject.records, changing, number: nil, grid: subject.grid)
    }
    return try concentrations(try subject.scenario.run(), records: subject.records, grid: subject.grid)
  }

  /// IPRED: the plasma concentrations (ng/mL) of individual `number` drawn at `subject`'s covariates, with its
  /// doses, at the times of `records` (some of `subject`'s, in file order), then at `grid`.
  ///
  /// - Precondition: there is variability.
  func individualPredictions(_ subject: Subject, number: Int, records: [Int], grid: [ClockTime] = []) throws
    -> [Double]
  {
    precondition(variability != nil, "individual predictions need variability")
    if let changing = subject.changing {
      let all = try piecewisePlasma(subject.records, changing, number: number, grid: grid)
      let position = Dictionary(uniqueKeysWithValues: subject.records.enumerated().map { ($1, $0) })
      return records.map { all[position[$0]!] } + all.suffix(grid.count)
    }
    let scenario = subject.scenario
    let individual =
      number == subject.number ? subject.individual : try self.individual(of: scenario.subject, number: number)
    guard let individual else { preconditionFailure("variability was checked above") }
    let run: ScenarioRun
    switch individual.individual {
    case .mammillary(let parameters):
      run = .mammillary(
        try scenario.simulation(parameters: parameters, weightKilograms: individual.patient.weightKilograms))
    case .general(let structure):
      let disposition = try GeneralDisposition(checking: structure, name: scenario.subject.definition.id)
      run = .general(ExactSimulation(disposition: disposition, schedule: scenario.schedule))
    }
    return try concentrations(run, records: records, grid: grid)
  }

  /// `values` (at `records`, then at grid times) with ``residualError`` on the observation records of `records`
  /// and on every grid value (NaN on the other records), the *j*-th observation's ε drawn for subject number
  /// `subject`; grid values are numbered after the records, so that a grid leaves the records' draws unchanged.
  ///
  /// - Precondition: there is a residual error.
  func observations(_ values: [Double], subject: Int, records: [Int]) -> [Double] {
    guard let residualError else { preconditionFailure("observations need a residual error") }
    var observation = 0
    return values.indices.map { k in
      guard k >= records.count || dataset.table.records[records[k]].evid == 0 else { return .nan }
      let compartment = k < records.count ? dataset.table.records[records[k]].observedCompartment : 1
      let error = observedSites[compartment].flatMap { residualErrorBySite[$0.rawValue] } ?? residualError
      let draw = { (epsilon: Int) in
        CounterRandom.normal(
          seed: seed, subject: UInt64(subject), stream: ResidualError.stream(observation: observation, epsilon: epsilon)
        )
      }
      defer { observation += 1 }
      return error.observe(values[k], epsilon1: draw(1), epsilon2: draw(2))
    }
  }

}

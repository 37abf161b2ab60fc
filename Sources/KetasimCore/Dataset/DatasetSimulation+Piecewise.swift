import Foundation

extension DatasetSimulation {
  /// The covariates in force at one record of an ID.
  struct RecordCovariates: Sendable, Hashable {
    var weightKilograms: Double
    var ageYears: Double?
    var sex: Sex?
    /// The named covariates the model uses (`ASIAN`), those given.
    var named: [String: Double] = [:]
  }

  /// Which record's covariates hold over the span between two records of an ID.
  public enum CovariateCarry: String, Sendable, CaseIterable {
    /// NONMEM's rule (and mrgsolve's default): a record's covariates hold from the record before it up to it
    /// ("next observation carried backward"); the first record's hold from time zero.
    case nextRecordBackward = "nocb"
    /// A record's covariates hold from it until the next record ("last observation carried forward").
    case lastRecordForward = "locf"

    /// The index of the record whose covariates hold at `time`, among records at `times` (one ID's, in file
    /// order; not empty): the first at or after it (the last when none is), or the last at or before it (the
    /// first when none is).
    func governing(_ times: [ClockTime], at time: ClockTime) -> Int {
      precondition(!times.isEmpty, "a record to govern")
      switch self {
      case .nextRecordBackward: return times.firstIndex { $0 >= time } ?? times.count - 1
      case .lastRecordForward: return times.lastIndex { $0 <= time } ?? 0
      }
    }
  }

  /// Each of `records`' covariates (indices into the table's records, one ID's, in file order): a record without
  /// a `WT`, `AGE`, `SEX` or named covariate takes the ID's last one before it, else its first one after it, else
  /// the request's.
  func covariates(of records: [Int]) throws -> [RecordCovariates] {
    let rows = records.map { dataset.table.records[$0] }
    let sexes = try rows.map { row in
      try modelUsesSex ? row.sexCode.map { try sexCoding.sex(of: $0, at: "\(dataset.table.file):\(row.line)") } : nil
    }
    func filled<Value>(_ values: [Value?], _ fallback: Value?) -> [Value?] {
      var last = values.first { $0 != nil } ?? fallback
      return values.map { value in
        if let value { last = value }
        return last
      }
    }
    let weights = filled(rows.map(\.weightKilograms), request.weightKilograms ?? ScenarioRequest.defaultWeightKilograms)
    let ages = filled(rows.map(\.ageYears), request.ageYears)
    let sex = filled(sexes, request.sex)
    let named = try namedColumns.map { name, column in
      let values = try records.map { record -> Double? in
        guard let column else { return nil }
        let text = dataset.rows[rowOfRecord[record]].fields[column].trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "." { return nil }
        guard let value = Double(text), value.isFinite else {
          throw KetasimError.invalidData(
            "\(dataset.table.file):\(dataset.table.records[record].line)",
            reason: "\(name) '\(text)': expected a number (the model's covariate \(name))")
        }
        return value
      }
      return (name, filled(values, request.covariates[name]))
    }
    return rows.indices.map { k in
      var covariates = RecordCovariates(
        weightKilograms: weights[k] ?? ScenarioRequest.defaultWeightKilograms, ageYears: ages[k], sex: sex[k])
      for (name, values) in named { covariates.named[name] = values[k] }
      return covariates
    }
  }

  /// Plasma concentrations (ng/mL) at `records` (one ID's, in file order), then at `grid`, of the typical patient
  /// (`number` nil) or of individual `number`, whose model follows each record's `covariates`, with each reset
  /// (`EVID 3`, `4`) starting a new stretch from empty compartments.
  ///
  /// A grid time belongs to the stretch in force at it; its concentration is read with the covariates that hold
  /// there (``covariateCarry``: the next record's, or the last one's).
  ///
  /// - Throws: ``KetasimError`` naming the line of a record whose time is before the previous record's within a
  ///   stretch, of a steady-state dose (`SS`), which needs one model for all time, or of a reset to an earlier
  ///   time when there is a grid (its times would belong to two stretches).
  func piecewisePlasma(_ records: [Int], _ covariates: [RecordCovariates], number: Int?, grid: [ClockTime] = [])
    throws -> [Double]
  {
    var systems: [RecordCovariates: GeneralDisposition] = [:]
    func system(_ key: RecordCovariates) throws -> GeneralDisposition {
      if let known = systems[key] { return known }
      let subject = try request(key).subject()
      var model = subject.individual
      if let number, let individual = try individual(of: subject, number: number) { model = individual.individual }
      let structure: CompartmentStructure
      switch model {
      case .mammillary(let parameters): structure = CompartmentStructure(mammillary: parameters)
      case .general(let general): structure = general
      }
      let made = try GeneralDisposition(checking: structure, name: subject.definition.id)
      systems[key] = made
      return made
    }
    var values = [Double](repeating: .nan, count: records.count + grid.count)
    var stretches: [Range<Int>] = []
    var start = 0
    while start < records.count {
      var end = start + 1
      while end < records.count, dataset.table.records[records[end]].evid < 3 { end += 1 }
      stretches.append(start..<end)
      start = end
    }
    for (index, stretch) in stretches.enumerated() {
      let rows = stretch.map { dataset.table.records[records[$0]] }
      for (previous, row) in zip(rows, rows.dropFirst()) where row.time < previous.time {
        throw KetasimError.invalidData(
          "\(dataset.table.file):\(row.line)",
          reason: "TIME '\(PlausibilityLimits.text(row.time.minutes / dataset.timeUnit.minutes))': earlier than the "
            + "record before it; expected times that do not decrease within an ID whose covariates change, except "
            + "at a reset (EVID 3 or 4)")
      }
      if let row = rows.first(where: { $0.steadyState > 0 }) {
        throw KetasimError.invalidData(
          "\(dataset.table.file):\(row.line)",
          reason: "SS '\(row.steadyState)': a steady state assumes one model for all time; expected no SS in an ID "
            + "whose covariates change or that has a reset (EVID 3 or 4)")
      }
      // The grid times in force in this stretch: from its start (from zero for the first) to the next one's.
      let next = index + 1 < stretches.count ? dataset.table.records[records[stretches[index + 1].lowerBound]] : nil
      if let next, !grid.isEmpty, next.time < rows[rows.count - 1].time {
        throw KetasimError.invalidData(
          "\(dataset.table.file):\(next.line)",
          reason: "TIME '\(PlausibilityLimits.text(next.time.minutes / dataset.timeUnit.minutes))': a reset to an "
            + "earlier time; expected a grid (--step) only for IDs whose times do not go back")
      }
      let from = index == 0 ? ClockTime.zero : rows[0].time
      let gridHere = grid.indices.filter { k in grid[k] >= from && (next.map { grid[k] < $0.time } ?? true) }
      let doses = try EventTable(file: dataset.table.file, records: rows.map(Self.dosingOnly))
        .regimen(id: rows[0].id).sessionDoses(forWeight: 1)
      var pieces: [PiecewiseSimulation.Piece] = []
      for (k, position) in stretch.enumerated() {
        let from: ClockTime
        switch covariateCarry {
        case .nextRecordBackward: from = k == 0 ? .zero : rows[k - 1].time
        case .lastRecordForward: from = k == 0 ? .zero : rows[k].time
        }
        let piece = PiecewiseSimulation.Piece(start: from, system: try system(covariates[position]))
        // A later record's model for the same start replaces the earlier one (its span was empty).
        if let last = pieces.last, last.start == from { pieces.removeLast() }
        pieces.append(piece)
      }
      // Outputs in time order: (time, place in `values`, what to read): records first at a tie. NONMEM scales each
      // record's amount by the record's own model (its V1), of the compartment it observes.
      var outputs = try stretch.map { position in
        let row = rows[position - stretch.lowerBound]
        let observation = try Self.observation(site(of: row), in: try system(covariates[position]).observations)
        return (time: row.time, place: position, observation: observation)
      }
      let times = rows.map(\.time)
      for k in gridHere {
        let governing = covariates[stretch.lowerBound + covariateCarry.governing(times, at: grid[k])]
        outputs.append(
          (grid[k], records.count + k, try Self.observation(.plasma, in: try system(governing).observations)))
      }
      let order = outputs.indices.sorted { (outputs[$0].time, $0) < (outputs[$1].time, $1) }
      let simulation = PiecewiseSimulation(pieces: pieces, schedule: try DosingSchedule(doses))
      simulation.forEachState(at: order.map { outputs[$0].time }) { k, state, _ in
        let output = outputs[order[k]]
        values[output.place] = output.observation.nanogramsPerMilliliter(state)
      }
    }
    return values
  }
}

import Foundation

extension DatasetSimulation {
  /// The covariates in force at one record of an ID.
  struct RecordCovariates: Sendable, Hashable {
    var weightKilograms: Double
    var ageYears: Double?
    var sex: Sex?
  }

  /// Which record's covariates hold over the span between two records of an ID.
  public enum CovariateCarry: String, Sendable, CaseIterable {
    /// NONMEM's rule (and mrgsolve's default): a record's covariates hold from the record before it up to it
    /// ("next observation carried backward"); the first record's hold from time zero.
    case nextRecordBackward = "nocb"
    /// A record's covariates hold from it until the next record ("last observation carried forward").
    case lastRecordForward = "locf"
  }

  /// Each of `records`' covariates (indices into the table's records, one ID's, in file order): a record without
  /// a `WT`, `AGE` or `SEX` takes the ID's last one before it, else its first one after it, else the request's.
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
    return rows.indices.map {
      RecordCovariates(
        weightKilograms: weights[$0] ?? ScenarioRequest.defaultWeightKilograms, ageYears: ages[$0], sex: sex[$0])
    }
  }

  /// Plasma concentrations (ng/mL) at `records` (one ID's, in file order) of the typical patient (`number` nil) or
  /// of individual `number`, whose model follows each record's `covariates`, with each reset (`EVID 3`, `4`)
  /// starting a new stretch from empty compartments.
  ///
  /// - Throws: ``KetasimError`` naming the line of a record whose time is before the previous record's within a
  ///   stretch, or of a steady-state dose (`SS`), which needs one model for all time.
  func piecewisePlasma(_ records: [Int], _ covariates: [RecordCovariates], number: Int?) throws -> [Double] {
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
    var values = [Double](repeating: .nan, count: records.count)
    var start = 0
    while start < records.count {
      var end = start + 1
      while end < records.count, dataset.table.records[records[end]].evid < 3 { end += 1 }
      let stretch = Array(start..<end)
      let rows = stretch.map { dataset.table.records[records[$0]] }
      for (previous, row) in zip(rows, rows.dropFirst()) where row.time < previous.time {
        throw KetasimError.invalidData(
          "\(dataset.table.file):\(row.line)",
          reason:
            "TIME '\(PlausibilityLimits.text(row.time.minutes / dataset.timeUnit.minutes))': earlier than the record before it; "
            + "expected times that do not decrease within an ID whose covariates change, except at a reset (EVID 3 or 4)"
        )
      }
      if let row = rows.first(where: { $0.steadyState > 0 }) {
        throw KetasimError.invalidData(
          "\(dataset.table.file):\(row.line)",
          reason: "SS '\(row.steadyState)': a steady state assumes one model for all time; expected no SS in an ID "
            + "whose covariates change or that has a reset (EVID 3 or 4)")
      }
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
      let simulation = PiecewiseSimulation(pieces: pieces, schedule: try DosingSchedule(doses))
      try simulation.forEachState(at: rows.map(\.time)) { k, state, _ in
        // NONMEM scales each record's amount by the record's own model (its V1).
        guard let plasma = try system(covariates[stretch[k]]).observation(.plasma) else {
          throw KetasimError.invalidValue("model", "no plasma observation", accepted: "a model that reports plasma")
        }
        values[stretch[k]] = plasma.nanogramsPerMilliliter(state)
      }
      start = end
    }
    return values
  }
}

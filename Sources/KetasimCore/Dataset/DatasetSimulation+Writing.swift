import Foundation

extension DatasetSimulation {
  /// Writes the dataset's header and the prediction columns' names, then every row in the dataset's order with
  /// its fields as written and its predictions; with a ``grid``, each ID's grid rows among its own, before its
  /// first row of a later time, and the rest after its last row, each showing the covariates in force at its time
  /// (``covariateCarry``).
  ///
  /// - Parameter notes: receives what the user should be told, once each (columns not used, defaults
  ///   replaced).
  public func write(to writer: inout CSVWriter, notes: (String) -> Void = { _ in }) throws {
    try writer.writeRow(dataset.header + predictionColumns)
    var predictions = [[Double]?](repeating: nil, count: dataset.table.records.count)
    var gridRows: [String: [(time: ClockTime, values: [Double])]] = [:]
    var told: Set<String> = []
    for (offset, id) in dataset.table.ids.enumerated() {
      let subject = try self.subject(id, number: offset + 1)
      for note in subject.scenario.notes where told.insert(note).inserted { notes(note) }
      let columns = try self.predictions(of: subject)
      for (k, record) in subject.records.enumerated() { predictions[record] = columns.map { $0[k] } }
      gridRows[id] = subject.grid.enumerated().map { k, time in
        (time, columns.map { $0[subject.records.count + k] })
      }
    }
    // NaN marks "no value" (DV of a record that is not an observation): an empty field.
    func fields(_ values: [Double]) -> [Double?] { values.map { $0.isNaN ? nil : $0 } }
    // With a grid: each ID's last row, and its rows' times, for the covariates a grid row shows (those in force).
    var lastRow: [String: Int] = [:]
    var timesOfID: [String: [ClockTime]] = [:]
    if grid != nil {
      for (offset, row) in dataset.rows.enumerated() {
        guard let record = row.record.map({ dataset.table.records[$0] }) else { continue }
        lastRow[record.id] = offset
        timesOfID[record.id, default: []].append(record.time)
      }
    }
    func inForce(_ id: String, at time: ClockTime) -> [String]? {
      guard let times = timesOfID[id], !times.isEmpty, let records = recordsOfID[id] else { return nil }
      return dataset.rows[rowOfRecord[records[covariateCarry.governing(times, at: time)]]].fields
    }
    var nextGrid: [String: Int] = [:]
    func writeGrid(_ id: String, before time: ClockTime?) throws {
      let rows = gridRows[id] ?? []
      var next = nextGrid[id] ?? 0
      while next < rows.count, time.map({ rows[next].time < $0 }) ?? true {
        let row = rows[next]
        try writer.writeRow(
          prefix: CSVWriter.RowPrefix(gridFields(id: id, time: row.time, covariates: inForce(id, at: row.time))),
          values: fields(row.values))
        next += 1
      }
      nextGrid[id] = next
    }
    let empty = [Double?](repeating: nil, count: predictionColumns.count)
    for (offset, row) in dataset.rows.enumerated() {
      guard let record = row.record else {
        try writer.writeRow(prefix: CSVWriter.RowPrefix(row.fields), values: empty)
        continue
      }
      let (id, time) = (dataset.table.records[record].id, dataset.table.records[record].time)
      if grid != nil { try writeGrid(id, before: time) }
      try writer.writeRow(prefix: CSVWriter.RowPrefix(row.fields), values: predictions[record].map(fields) ?? empty)
      if grid != nil, lastRow[id] == offset { try writeGrid(id, before: nil) }
    }
    try writer.flush()
  }

  /// Writes each subject's η: `ID`, then `ETA_<NAME>` per varying parameter (nothing without variability).
  public func writeEtas(to writer: inout CSVWriter) throws {
    guard let variability else { return }
    try writer.writeRow(["ID"] + variability.parameters.map { "ETA_\($0.rawValue)" })
    for (offset, id) in dataset.table.ids.enumerated() {
      try writer.writeRow(prefix: CSVWriter.RowPrefix([id]), values: etas(of: offset + 1).map { Optional($0.eta) })
    }
    try writer.flush()
  }
}

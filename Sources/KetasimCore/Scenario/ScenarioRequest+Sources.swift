extension ScenarioRequest {
  /// Each dosing source on its own: every regimen, the event table, and the
  /// dose specs together; with none of them and `defaultIfEmpty`, the
  /// default dose.
  ///
  /// - Throws: ``KetasimError`` for an unknown regimen, an unreadable or
  ///   invalid file, a dose spec that does not parse, or an event-table
  ///   subject given without an event table.
  public func sources(defaultIfEmpty: Bool = true) throws -> [DosingSource] {
    var sources = try regimens.map {
      DosingSource(regimen: try RegimenCatalog.resolve($0, syringeOverride: syringe), isFile: true)
    }
    if let events = try eventTableSource() { sources.append(events) }
    if !doses.isEmpty || (sources.isEmpty && defaultIfEmpty) {
      let texts = doses.isEmpty ? [Self.defaultDose] : doses
      let fileSyringe = sources.lazy.compactMap(\.regimen.syringeMilligramsPerMilliliter).first
      let specs = try texts.flatMap {
        try DoseSpec.chain(parsing: $0, salt: .base, syringeMilligramsPerMilliliter: syringe ?? fileSyringe)
      }
      var regimen = Regimen(id: "dose", name: texts.joined(separator: " + "), doses: specs)
      regimen.syringeMilligramsPerMilliliter = syringe
      sources.append(DosingSource(regimen: regimen, isFile: false))
    }
    return sources
  }

  /// The event table as a source (one subject), or nil; its notes name the
  /// columns that are not used.
  func eventTableSource() throws -> DosingSource? {
    guard let eventTable else {
      if let eventTableID {
        throw KetasimError.invalidValue("id", eventTableID, accepted: "an event table to choose the subject from")
      }
      return nil
    }
    let table = try EventTable(contentsOf: eventTable, timeUnit: eventTimeUnit)
    var source = DosingSource(regimen: try table.regimen(id: eventTableID), isFile: true)
    if !table.unusedColumns.isEmpty {
      source.notes.append("\(eventTable): columns not used: \(table.unusedColumns.joined(separator: ", "))")
    }
    return source
  }

  /// The output grid: ``duration`` and ``step`` where given, else the
  /// longest duration and the finest step of `sources`.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for a duration
  ///   that is not positive or a step longer than the duration.
  public func grid(for sources: [DosingSource]) throws -> TimeGrid {
    let end = duration ?? sources.map(\.defaultDuration).max() ?? Self.defaultDuration
    guard end > .zero else {
      throw KetasimError.invalidValue("duration", "\(end.minutes) min", accepted: "a positive duration, such as '4 h'")
    }
    return try TimeGrid(end: end, step: step ?? sources.map(\.defaultStep).min() ?? Self.defaultStep)
  }
}

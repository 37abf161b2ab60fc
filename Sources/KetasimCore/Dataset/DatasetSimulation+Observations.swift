import Foundation

extension DatasetSimulation {
  /// Plasma concentrations (ng/mL) of `run` at `times` (any order).
  static func plasma(_ run: ScenarioRun, at times: [ClockTime]) throws -> [Double] {
    try observed(run, at: times, sites: times.map { _ in .plasma })
  }

  /// The site `record` predicts: the one its `CMT` observes on an observation record, plasma otherwise.
  func site(of record: EventTable.Record) -> Observation.Site {
    record.evid == 0 ? observedSites[record.observedCompartment] ?? .plasma : .plasma
  }

  /// The observation of `site` in ng/mL among `observations`.
  ///
  /// - Throws: ``KetasimError`` when the model has none (a site ``observedSites`` does not list).
  static func observation(_ site: Observation.Site, in observations: [Observation]) throws -> Observation {
    guard let observation = observations.first(where: { $0.site == site && $0.unit == .nanogramsPerMillilitre })
    else {
      throw KetasimError.invalidValue("model", "no \(site.rawValue) observation", accepted: "a model that reports it")
    }
    return observation
  }

  /// Concentrations (ng/mL) of `run` at the times of `records`, each of the site its `CMT` observes (plasma for
  /// a record that is not an observation), then of plasma at `grid`.
  func concentrations(_ run: ScenarioRun, records: [Int], grid: [ClockTime]) throws -> [Double] {
    let rows = records.map { dataset.table.records[$0] }
    return try Self.observed(run, at: rows.map(\.time) + grid, sites: rows.map(site(of:)) + grid.map { _ in .plasma })
  }

  /// The concentrations (ng/mL) of `run` at `times` (any order), each of its site in `sites`.
  static func observed(_ run: ScenarioRun, at times: [ClockTime], sites: [Observation.Site]) throws -> [Double] {
    switch run {
    case .mammillary(let simulation): return try observed(simulation, at: times, sites: sites)
    case .general(let simulation): return try observed(simulation, at: times, sites: sites)
    }
  }

  private static func observed<System: LinearSystem>(
    _ simulation: ExactSimulation<System>, at times: [ClockTime], sites: [Observation.Site]
  ) throws -> [Double] {
    var observations: [Observation.Site: Observation] = [:]
    for site in Set(sites) { observations[site] = try observation(site, in: simulation.disposition.observations) }
    // The engine walks forward in time: evaluate in time order, hand back in the rows' order.
    let order = times.indices.sorted { times[$0] < times[$1] }
    var values = [Double](repeating: 0, count: times.count)
    var position = 0
    simulation.forEachState(at: order.map { times[$0] }) { _, state, _ in
      values[order[position]] = observations[sites[order[position]]]?.nanogramsPerMilliliter(state) ?? .nan
      position += 1
    }
    return values
  }
}

extension PlotData {
  /// The picture of `simulation` on `grid`: Cp (and Ce), the thresholds, the
  /// infusion periods and the bolus times.
  public init(title: String, simulation: Simulation, grid: TimeGrid, thresholds: [NamedThreshold]) {
    let (cp, ce) = (simulation.disposition.plasma, simulation.disposition.effectSite)
    var times: [Double] = []
    var plasma: [Double] = []
    var effectSite: [Double] = []
    simulation.forEachState(at: grid.times) { time, state, _ in
      times.append(time.minutes)
      plasma.append(cp.nanogramsPerMilliliter(state))
      if let ce { effectSite.append(ce.nanogramsPerMilliliter(state)) }
    }
    var infusions: [(startMinutes: Double, endMinutes: Double)] = []
    var boluses: [Double] = []
    for dose in simulation.schedule.doses where dose.start <= grid.end {
      switch dose {
      case .bolus(_, let time): boluses.append(time.minutes)
      case .infusion: infusions.append((dose.start.minutes, min(dose.end, grid.end).minutes))
      }
    }
    self.init(
      title: title, timesMinutes: times, plasma: plasma, effectSite: ce == nil ? nil : effectSite,
      thresholds: thresholds.map { ($0.name, $0.nanogramsPerMilliliter) }, infusions: infusions, boluses: boluses)
  }
}

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
    let end = grid.end
    let curve = ExactCurve(simulation, site: .plasma, through: end)
    let crossings = thresholds.flatMap { threshold in
      curve.crossings(of: threshold.nanogramsPerMilliliter).crossings.map {
        (name: threshold.name, minutes: $0.time, nanogramsPerMilliliter: threshold.nanogramsPerMilliliter)
      }
    }
    var rates = [(startMinutes: 0.0, milligramsPerHour: simulation.schedule.rate(after: .zero) * 60)]
    for point in simulation.schedule.breakpoints where point.time > .zero && point.time <= end {
      rates.append((point.time.minutes, point.rateAfter * 60))
    }
    self.init(
      title: title, timesMinutes: times, plasma: plasma, effectSite: ce == nil ? nil : effectSite,
      thresholds: thresholds.map { ($0.name, $0.nanogramsPerMilliliter) }, infusions: infusions, boluses: boluses)
    self.rates = rates
    self.crossings = crossings
  }
}

extension PlotData {
  /// The picture of `simulation` on `grid`: Cp (and Ce), the model's other
  /// concentrations in ng/mL (a metabolite, an effect endpoint's site), the
  /// thresholds, the infusion periods and the bolus times.
  ///
  /// - Precondition: the model reports plasma (every model does: `cp` comes first).
  public init<System>(
    title: String, simulation: ExactSimulation<System>, grid: TimeGrid, thresholds: [NamedThreshold]
  ) {
    guard let cp = simulation.disposition.observation(.plasma) else {
      preconditionFailure("every model reports plasma")
    }
    let ce = simulation.disposition.observation(.effectSite)
    var times: [Double] = []
    var plasma: [Double] = []
    var effectSite: [Double] = []
    let others = simulation.disposition.observations.filter {
      !$0.site.isParent && $0.unit == .nanogramsPerMillilitre
    }
    var otherValues = others.map { _ in [Double]() }
    simulation.forEachState(at: grid.times) { time, state, _ in
      times.append(time.minutes)
      plasma.append(cp.nanogramsPerMilliliter(state))
      if let ce { effectSite.append(ce.nanogramsPerMilliliter(state)) }
      for (k, other) in others.enumerated() { otherValues[k].append(other.nanogramsPerMilliliter(state)) }
    }
    var infusions: [(startMinutes: Double, endMinutes: Double)] = []  // merged where they touch or overlap
    var boluses: [Double] = []
    for dose in simulation.schedule.doses where dose.start <= grid.end {
      switch dose {
      case .bolus(_, let time): boluses.append(time.minutes)
      case .infusion:
        let span = (startMinutes: dose.start.minutes, endMinutes: min(dose.end, grid.end).minutes)
        if let index = infusions.firstIndex(where: {
          $0.startMinutes <= span.endMinutes && span.startMinutes <= $0.endMinutes
        }) {
          infusions[index] = (
            min(infusions[index].startMinutes, span.startMinutes), max(infusions[index].endMinutes, span.endMinutes)
          )
        } else {
          infusions.append(span)
        }
      }
    }
    let end = grid.end
    let curve = ExactCurve(simulation, site: .plasma, through: end)
    // Onset and offset: the first time above each level and the last time it falls below it.
    let crossings = thresholds.flatMap {
      threshold -> [(name: String, minutes: Double, nanogramsPerMilliliter: Double)] in
      let intervals = curve.intervalsAbove(threshold.nanogramsPerMilliliter)
      guard let first = intervals.first, let last = intervals.last else { return [] }
      let level = threshold.nanogramsPerMilliliter
      var marks: [(name: String, minutes: Double, nanogramsPerMilliliter: Double)] = []
      if first.from > 0 { marks.append((threshold.name, first.from, level)) }
      if last.to < end.minutes { marks.append((threshold.name, last.to, level)) }
      return marks
    }
    self.init(
      title: title, timesMinutes: times, plasma: plasma, effectSite: ce == nil ? nil : effectSite,
      thresholds: thresholds.map { ($0.name, $0.nanogramsPerMilliliter) }, infusions: infusions, boluses: boluses)
    self.rates = simulation.schedule.rateSteps(through: end)
    self.others = zip(others, otherValues).map { ($0.site.rawValue, $1) }
    self.crossings = crossings
  }
}

extension CompartmentStructure {
  /// The structure of a mammillary model: central (index 0), peripherals 1…, and the effect site last when
  /// `ke0` is given.
  ///
  /// Flows `k1j` central → peripheral and `kj1` back, elimination `k10` from the central compartment, input
  /// into the central compartment. The effect site is a negligible-mass compartment fed by a
  /// non-depleting flow `ke0` from the central compartment and eliminated at `ke0`; its state is `V1·Ce`
  /// (mg), so the closed-form effect-site state `Ce` (mg/L) of ``Disposition`` is this state divided by V1.
  /// Observations: `cp` (central amount / V1) and `ce` (the effect site's state / V1), both ng/mL.
  public init(mammillary p: PKParameters, inputFraction: Double = 1) {
    var names = ["central"]
    var flows: [Flow] = []
    for (index, rate) in p.distributionRates.enumerated() {
      names.append("peripheral \(index + 1)")
      flows.append(Flow(from: 0, to: index + 1, rate: rate.outOfCentral))
      flows.append(Flow(from: index + 1, to: 0, rate: rate.backToCentral))
    }
    var elimination = [p.k10] + p.distributionRates.map { _ in 0.0 }
    var observations: [Output] = [
      Output(name: "cp", compartment: 0, volume: p.centralVolume, unit: .nanogramsPerMillilitre)
    ]
    if let ke0 = p.ke0 {
      names.append("effect site")
      flows.append(Flow(from: 0, to: names.count - 1, rate: ke0, depletesSource: false))
      elimination.append(ke0)
      observations.append(
        Output(
          name: "ce", compartment: names.count - 1, volume: p.centralVolume, unit: .nanogramsPerMillilitre))
    }
    do {
      try self.init(
        compartments: names, flows: flows, elimination: elimination, inputCompartment: 0, observations: observations,
        inputFraction: inputFraction)
    } catch {
      preconditionFailure("a validated PKParameters always gives a valid structure: \(error)")
    }
  }
}

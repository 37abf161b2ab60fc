extension GeneralDisposition {
  /// The parent's systemic clearance (L/min).
  ///
  /// A constant infusion `u` over plasma at steady state, `u / Cp_ss` with `x_ss = −A⁻¹·b·u` (mass balance, not simulation). Nil without a plasma observation or
  /// a non-singular `A`.
  public func systemicClearance() -> Double? {
    guard let plasma = observation(.plasma), let inverse = inverseRates else { return nil }
    // x_ss per mg/min = −A⁻¹·b; b is the input fraction in the input compartment.
    let amount = -inverse[plasma.stateIndex, structure.inputCompartment] * structure.inputFraction
    let concentration = amount * plasma.inverseVolume  // mg/L per mg/min
    return concentration > 0 ? 1 / concentration : nil
  }

  /// For each compartment observed as a metabolite, the fraction of a dose that is formed into it: the
  /// integral of the flows into it from compartments it does not itself reach (its own distribution
  /// returning is not formation), per mg given, from `∫x dt = −A⁻¹·b` per mg.
  public func fractionsFormed() -> [(name: String, fraction: Double)] {
    guard let inverse = inverseRates else { return [] }
    let metabolites = Set(observations.filter { !$0.site.isParent }.map(\.stateIndex))
    let n = structure.count
    // Area under each amount per mg given.
    let area = (0..<n).map { -inverse[$0, structure.inputCompartment] * structure.inputFraction }
    return metabolites.sorted().compactMap { target in
      var downstream: Set<Int> = [target]
      var frontier = [target]
      while let next = frontier.popLast() {
        for flow in structure.flows where flow.from == next && downstream.insert(flow.to).inserted {
          frontier.append(flow.to)
        }
      }
      let parents = structure.flows.filter { $0.to == target && $0.depletesSource && !downstream.contains($0.from) }
      guard !parents.isEmpty else { return nil }
      let fraction = parents.reduce(0.0) { $0 + $1.rate * area[$1.from] }
      return (structure.compartments[target], fraction)
    }
  }
}

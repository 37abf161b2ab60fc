extension Disposition: LinearSystem {
  public typealias State = SIMD4<Double>
  public typealias Step = Transition

  /// Doses enter the central compartment.
  public var inputIndex: Int { 0 }

  /// Plasma, then the effect site.
  public var observations: [Observation] { [plasma] + (effectSite.map { [$0] } ?? []) }

  /// Plasma or the effect site, without building ``observations``.
  public func observation(_ site: Observation.Site) -> Observation? {
    switch site {
    case .plasma: return plasma
    case .effectSite: return effectSite
    default: return nil
    }
  }

  /// The area under `observation`, in ng·min/mL.
  ///
  /// Exact by mass balance: what was given plus what was in the body at the start (a steady state, say),
  /// less what is left at the end, was eliminated, `CL·∫Cp`; and `∫Ce = ∫Cp − (Ce(end) − Ce(start))/ke0`
  /// from `Ce' = ke0·(Cp − Ce)`.
  public func areaUnderCurve(
    of observation: Observation, initial: SIMD4<Double>, final: SIMD4<Double>, given: Double
  ) -> Double {
    func amountInBody(_ state: SIMD4<Double>) -> Double {
      var total = 0.0
      for index in 0..<parameters.compartmentCount { total += state[index] }
      return total
    }
    let eliminated = given + amountInBody(initial) - amountInBody(final)
    let plasma = eliminated / parameters.clearance * 1000
    let index = observation.stateIndex
    guard index != 0, let ke0 = parameters.ke0 else { return plasma }
    return plasma - (final[index] - initial[index]) * observation.scale / ke0
  }
}

extension Transition: LinearStep {}

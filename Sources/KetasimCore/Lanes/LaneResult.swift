/// Every observation of a ``LaneSimulation``'s model (``LinearSystem/observations``) at every grid time for
/// every lane,
/// in mg/L: `values[observation][timeIndex * lanes + lane]` is the state times the lane's
/// ``Observation/inverseVolume`` (multiply by ``Observation/unitFactor`` for ng/mL or nmol/mL).
public struct LaneResult: Sendable {
  public var times: [ClockTime]
  public var lanes: Int
  public var values: [[Double]]

  /// Plasma (observation 0), mg/L.
  public var central: [Double] { values[0] }
  /// The second observation (the effect site of a mammillary model with one), mg/L.
  public var effectSite: [Double]? { values.count > 1 ? values[1] : nil }

  public func central(time: Int, lane: Int) -> Double { values[0][time * lanes + lane] }
}

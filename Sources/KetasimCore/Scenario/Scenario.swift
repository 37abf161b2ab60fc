/// A resolved scenario: model, patient and thresholds, the regimen (all
/// dosing sources together), the output grid and the syringe.
///
/// Made by ``ScenarioRequest/resolve()``. The regimen stays weight-based:
/// ``schedule(forWeight:)`` and ``simulation(parameters:weightKilograms:)``
/// resolve it for any patient, so a population run can vary the weight
/// subject by subject; the resolved patient's schedule is computed once.
public struct Scenario: Sendable {
  public let subject: ScenarioSubject
  public let regimen: Regimen
  public let grid: TimeGrid
  /// Syringe strength in mg/mL (the request's, else the regimen's), if any.
  public let syringe: Double?
  /// A short human label of the dosing, for titles and legends.
  public let label: String
  /// What the user should be told (columns not used, defaults replaced).
  public let notes: [String]
  /// The doses of ``patient``.
  public let schedule: DosingSchedule

  public var patient: Patient { subject.patient }

  /// The doses for a patient of `weightKilograms` (including what earlier
  /// steady-state doses still give after time zero).
  public func schedule(forWeight weightKilograms: Double) throws -> DosingSchedule {
    weightKilograms == patient.weightKilograms ? schedule : try regimen.schedule(forWeight: weightKilograms)
  }

  /// The exact simulation of the resolved patient (from a steady state
  /// when the regimen has one).
  public func simulation() throws -> Simulation {
    let disposition = Disposition(subject.parameters)
    return Simulation(
      disposition: disposition, schedule: schedule,
      initialState: try regimen.initialState(disposition: disposition, weightKilograms: patient.weightKilograms))
  }

  /// The exact simulation of another patient's parameters and weight.
  public func simulation(parameters: PKParameters, weightKilograms: Double) throws -> Simulation {
    try regimen.simulation(for: parameters, weightKilograms: weightKilograms)
  }
}

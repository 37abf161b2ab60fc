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
  ///
  /// - Throws: ``KetasimError`` for a model with a general structure (use ``run()``).
  public func simulation() throws -> Simulation {
    let disposition = Disposition(try subject.parameters)
    return Simulation(
      disposition: disposition, schedule: schedule,
      initialState: try regimen.initialState(disposition: disposition, weightKilograms: patient.weightKilograms))
  }

  /// The exact simulation of the resolved patient with whichever engine its model needs.
  ///
  /// - Throws: ``KetasimError`` for a structure whose exact read-out is not possible (complex spectrum, a
  ///   compartment that never drains), or a steady-state regimen with a general structure.
  public func run() throws -> ScenarioRun {
    switch subject.individual {
    case .mammillary:
      return .mammillary(try simulation())
    case .general(let structure):
      let disposition = try GeneralDisposition(checking: structure, name: subject.definition.id)
      guard regimen.steadyState.isEmpty else {
        throw KetasimError.invalidValue(
          "steady state", "SS dosing with \(subject.definition.id)",
          accepted: "doses from time zero for a model with a general structure (SS is for mammillary models)")
      }
      return .general(ExactSimulation(disposition: disposition, schedule: schedule))
    }
  }

  /// The exact simulation of another patient's parameters and weight.
  public func simulation(parameters: PKParameters, weightKilograms: Double) throws -> Simulation {
    try regimen.simulation(for: parameters, weightKilograms: weightKilograms)
  }
}

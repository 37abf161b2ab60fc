import KetasimCore

/// A resolved scenario: model, patient and thresholds, the regimen (all
/// dosing sources together), the output grid and the syringe.
///
/// The regimen stays weight-based: ``schedule(forWeight:)`` and
/// ``simulation(parameters:weightKilograms:)`` resolve it for any patient,
/// so a population run can vary the weight subject by subject.
struct Scenario {
  var subject: SubjectOptions.Resolved
  var regimen: Regimen
  var grid: TimeGrid
  /// Syringe strength in mg/mL (`--syringe`, else the regimen's), if any.
  var syringe: Double?
  /// A short human label of the dosing, for titles and legends.
  var label: String
  /// What the user should be told (columns not used, defaults overridden).
  var notes: [String] = []

  /// Prints ``notes`` on stderr.
  func printNotes() {
    for note in notes { Terminal.note("ketasim: note: \(note)") }
  }

  var patient: Patient { subject.patient }

  /// The doses for a patient of `weightKilograms` (including what earlier
  /// steady-state doses still give after time zero).
  func schedule(forWeight weightKilograms: Double) throws -> DosingSchedule {
    try regimen.schedule(forWeight: weightKilograms)
  }

  /// The exact simulation of the resolved patient (from a steady state
  /// when the regimen has one).
  func simulation() throws -> Simulation {
    try regimen.simulation(for: subject.parameters, weightKilograms: patient.weightKilograms)
  }

  /// The exact simulation of another patient's parameters and weight.
  func simulation(parameters: PKParameters, weightKilograms: Double) throws -> Simulation {
    try regimen.simulation(for: parameters, weightKilograms: weightKilograms)
  }
}

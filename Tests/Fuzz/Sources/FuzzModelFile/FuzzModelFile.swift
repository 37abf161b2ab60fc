import Foundation
import FuzzSupport
import KetasimCore

/// Fuzzes the model-file reader: any byte string is a candidate YAML file.
///
/// Reading must either throw or give a model whose parameters for a typical
/// adult are finite and positive and yield a disposition.
@main
enum FuzzModelFile {
  static func main() {
    exit(
      FuzzDriver.run { text in
        guard let model = try? ModelDefinition(yaml: text, file: "fuzz.yaml") else { return }
        guard let patient = try? Patient(weightKilograms: 70, ageYears: 40),
          let parameters = try? model.parameters(for: patient)
        else { return }
        let volumes = [parameters.centralVolume] + parameters.peripherals.map(\.volume)
        let clearances = [parameters.clearance] + parameters.peripherals.map(\.clearance)
        for value in volumes + clearances {
          precondition(value.isFinite && value > 0, "parameter \(value) from a model file that was accepted")
        }
        _ = Disposition(parameters).transition(overMinutes: 1)
      })
  }
}

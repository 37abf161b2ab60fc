import Foundation
import FuzzSupport
import KetasimCore

/// Fuzzes the regimen-file reader: any byte string is a candidate YAML or
/// JSON regimen.
///
/// Reading must either throw or give a regimen whose schedule, for a
/// plausible weight, is valid and finite; a simulation of it must give
/// finite, non-negative concentrations at its end.
@main
enum FuzzRegimen {
  static func main() {
    exit(
      FuzzDriver.run { text in
        guard let regimen = try? Regimen(yaml: text, file: "fuzz.yaml") else { return }
        guard let schedule = try? regimen.schedule(forWeight: 70) else { return }
        let total = schedule.totalMilligrams
        precondition(total.isFinite && total >= 0, "total \(total) from an accepted regimen")
        guard schedule.breakpoints.count < 10_000,
          let parameters = try? PKParameters(
            centralVolume: 20, clearance: 1, peripherals: [(volume: 100, clearance: 2)]),
          let simulation = try? regimen.simulation(for: parameters, weightKilograms: 70)
        else { return }
        let state = simulation.states(at: [schedule.end])[0]
        for index in 0..<3 {
          precondition(
            state[index].isFinite && state[index] >= -1e-9 * max(1, total),
            "state \(state[index]) from an accepted regimen")
        }
      })
  }
}

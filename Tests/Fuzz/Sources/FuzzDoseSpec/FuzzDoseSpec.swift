import Foundation
import FuzzSupport
import KetasimCore

/// Fuzzes the dose-spec parser: any byte string is a candidate spec.
///
/// The parser must either throw or return a spec whose doses, for any
/// plausible weight, are finite and non-negative and form a valid schedule;
/// anything else (a trap, a non-finite amount) is a finding.
@main
enum FuzzDoseSpec {
  static func main() {
    exit(
      FuzzDriver.run { text in
        guard let spec = try? DoseSpec(parsing: text) else { return }
        for weight in [0.5, 70.0, 350.0] {
          let doses = spec.doses(forWeight: weight)
          for dose in doses {
            precondition(
              dose.milligrams.isFinite && dose.milligrams >= 0, "dose amount \(dose.milligrams) from '\(text)'")
          }
          _ = try? DosingSchedule(doses)
        }
      })
  }
}

import ArgumentParser
import KetasimCore

extension Models {
  /// `ketasim models effects`: the effect endpoints `--effect` takes, with their sources.
  struct Effects: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "effects",
      abstract: "List the effect endpoints (--effect ID) with their parameters, sources and verification.")

    func run() throws {
      var lines: [String] = []
      for endpoint in try ModelCatalog.builtIn().effects {
        lines.append("\(endpoint.id): \(endpoint.name)\(endpoint.unverified == nil ? "" : " [UNVERIFIED]")")
        var facts = ["basis \(endpoint.isSKetamineBasis ? "S-ketamine" : "racemic ketamine")"]
        if let c50 = endpoint.publishedC50 { facts.append("C50 \(c50)") }
        if let ke0 = endpoint.ke0PerMinute {
          facts.append("ke0 \((ke0 * 10000).rounded() / 10000) /min (effect site)")
        } else {
          facts.append("on plasma")
        }
        switch endpoint.link {
        case .sigmoidEmax(let e0, let emax, let gamma)?:
          facts.append("sigmoid Emax E0 \(e0), Emax \(emax), gamma \(gamma) (\(endpoint.effectUnit ?? ""))")
        case .linear(let slopes)?:
          facts.append(
            "linear, \(InputParsing.format(slopes.lowerBound * 100))-\(InputParsing.format(slopes.upperBound * 100)) "
              + "\(endpoint.effectUnit ?? "") per 100 ng/mL")
        case nil:
          facts.append("no effect curve (times above C50 only)")
        }
        lines.append("  " + facts.joined(separator: "; "))
        if let note = endpoint.plasmaNote { lines.append("  on plasma: \(note)") }
        if let unverified = endpoint.unverified { lines.append("  UNVERIFIED: \(unverified)") }
        lines.append("  source: \(endpoint.source)")
        lines.append("  verification: \(endpoint.verification)")
        lines.append("")
      }
      lines.append(
        "Antidepressant benefit is linked to the dose (0.5-1.0 mg/kg), not to a concentration, so no endpoint "
          + "models it.")
      print(lines.joined(separator: "\n"))
    }
  }
}

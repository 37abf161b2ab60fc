import Foundation
import Testing

/// `ketasim models validate` end to end.
///
/// Expected numbers are the published observations of Models/observations.yaml
/// and predictions at 70 kg computed independently [C], typed in here.
@Suite struct ValidateCommandTests {
  static let shippedIDs = ["clements250", "domino1984", "herd2007", "hijazi2003", "kamp2020", "sherwin2015"]

  @Test func textTableListsEveryModelAgainstEveryObservation() throws {
    let result = try CLI.run(["models", "validate"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stderr.isEmpty)
    let text = result.stdout
    for id in ["O1", "O4", "O7", "O8", "O11", "O15", "M1", "M2", "O6"] {
      #expect(text.contains("\n\(id)  "), "\(id) missing")
    }
    let lines = text.split(separator: "\n").map(String.init)
    for id in Self.shippedIDs {
      #expect(lines.contains { $0.hasPrefix("    \(id) ") }, "no row for \(id)")
    }
    // O1 observed 185 ng/mL (venous), Clements 177 ng/mL: ratio 0.96.
    #expect(text.contains("observed 185 ng/mL"))
    let clements = try #require(lines.first { $0.hasPrefix("    clements250 ") && $0.contains("177 ng/mL") })
    #expect(clements.contains("0.96"))
    // O7 Css: Domino 1.49, Clements 2.15, Herd 1.91, Kamp 2.05 ug/mL against 2.21.
    for (id, css) in [("domino1984", "1.49"), ("clements250", "2.15"), ("herd2007", "1.91"), ("kamp2020", "2.05")] {
      #expect(lines.contains { $0.hasPrefix("    \(id) ") && $0.contains("\(css) ug/mL") }, "\(id) Css \(css)")
    }
    // Kamp is arterial, O1 venous.
    #expect(lines.contains { $0.hasPrefix("    kamp2020 ") && $0.contains("arterial/venous") })
  }

  @Test func csvHasAHeaderWithUnitsAndNumericColumns() throws {
    let result = try CLI.run(["models", "validate", "--format", "csv"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    let header = try #require(lines.first).split(separator: ",").map(String.init)
    for name in [
      "model", "observation", "regimen", "time_min", "observed_ng_per_ml", "predicted_ng_per_ml",
      "observed_auc_ng_h_per_ml", "predicted_auc_ng_h_per_ml", "ratio_predicted_to_observed", "source",
    ] {
      #expect(header.contains(name), "header lacks \(name): \(header)")
    }
    // Six adult measurements (O1, O4 twice, O7, O11, O15) for all six racemic models, O8 for the two
    // paediatric models only: 6 x 6 + 2 = 38 rows; the S-ketamine models: M1 (two analytes) and O6 (two
    // sessions) for both, M2 for perezruixo2021 only: 2 x 4 + 1 = 9 rows; 47 after the header.
    #expect(lines.count == 48, "\(lines.count) lines")
    // Simple split: the fields of interest come before the first quoted field.
    let model = try #require(header.firstIndex(of: "model"))
    let observation = try #require(header.firstIndex(of: "observation"))
    let quantity = try #require(header.firstIndex(of: "quantity"))
    let auc = try #require(header.firstIndex(of: "predicted_auc_ng_h_per_ml"))
    let ratio = try #require(header.firstIndex(of: "ratio_predicted_to_observed"))
    let kamp = try #require(
      lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        .first { $0[model] == "kamp2020" && $0[observation] == "O4" && $0[quantity] == "auc_inf" })
    // 10 mg / (84 L/h) = 0.119 mg*h/L = 119 ng*h/mL (computed [C]);
    // observed 113 (Pharmacotherapy 2022;42:298, Table 6).
    let predicted = try #require(Double(kamp[auc]))
    #expect(abs(predicted - 10.0 / 84 * 1000) <= 1e-9 * predicted, "\(predicted)")
    let r = try #require(Double(kamp[ratio]))
    #expect(abs(r - predicted / 113) <= 1e-12)
  }

  @Test func unknownFormatFailsWithOneLine() throws {
    let result = try CLI.run(["models", "validate", "--format", "xml"])
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
    #expect(result.stderr.contains("xml"))
    #expect(result.stderr.contains("text or csv"))
  }

  @Test func validationPageHoldsTheCurrentTable() throws {
    let page = try String(
      contentsOf: CLI.packageRoot.appendingPathComponent("Models/VALIDATION.md"), encoding: .utf8)
    let start = try #require(page.range(of: "```text\n"))
    let end = try #require(page.range(of: "\n```", range: start.upperBound..<page.endIndex))
    let pasted = String(page[start.upperBound..<end.lowerBound])
    let result = try CLI.run(["models", "validate"])
    #expect(result.status == 0)
    let current = result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
    #expect(
      pasted == current,
      "Models/VALIDATION.md is out of date: paste the output of 'ketasim models validate' into its text block")
  }
}

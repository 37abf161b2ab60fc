import ArgumentParser
import Foundation
import KetasimCore

/// `ketasim regimens`: the example regimens that ship with ketasim.
struct Regimens: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regimens",
    abstract: "List the built-in example regimens, or show one with its sources and doses.",
    subcommands: [List.self, Show.self],
    defaultSubcommand: List.self
  )

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the built-in regimens (the default).")

    func run() throws {
      let regimens = try RegimenCatalog.builtIn()
      let width = (regimens.map(\.id.count).max() ?? 0) + 2
      var lines: [String] = []
      for regimen in regimens {
        lines.append(regimen.id + String(repeating: " ", count: width - regimen.id.count) + regimen.name)
      }
      lines.append("")
      lines.append(
        "'ketasim regimens show NAME' prints one with its sources; 'ketasim simulate --regimen NAME' runs it.")
      print(lines.joined(separator: "\n"))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Print a regimen file and the administrations it gives a patient.")

    @Argument(help: "Built-in regimen name or regimen file path.")
    var name: String

    @Option(
      help: "Body weight (kg) for the administrations (default: the regimen's patient, else 70).",
      transform: InputParsing.positiveNumber("weight", "a positive number of kilograms, such as 70"))
    var weight: Double?

    func run() throws {
      let regimen = try RegimenCatalog.resolve(name)
      let text =
        try RegimenCatalog.text(of: name)
        ?? String(contentsOfFile: name, encoding: .utf8)
      let kilograms = weight ?? regimen.patient.weightKilograms ?? 70
      let schedule = try regimen.schedule(forWeight: kilograms)
      var lines = [
        text.trimmingCharacters(in: .newlines), "", "Administrations at \(InputParsing.format(kilograms)) kg:",
      ]
      for dose in schedule.doses.sorted(by: { $0.start < $1.start }) {
        switch dose {
        case .bolus(let amount, let time):
          lines.append("  \(Self.time(time)): bolus \(Self.number(amount)) mg")
        case .infusion(let rate, let start, let duration):
          lines.append(
            "  \(Self.time(start)): \(Self.number(rate * 60)) mg/h for \(Self.time(duration)) "
              + "(\(Self.number(dose.milligrams)) mg)")
        }
      }
      lines.append(
        "Total \(Self.number(schedule.totalMilligrams)) mg; last administration ends at \(Self.time(regimen.lastAdministrationEnd))."
      )
      print(lines.joined(separator: "\n"))
    }

    /// A time as days, hours and minutes (`2 d 4 h 30 min`).
    static func time(_ time: ClockTime) -> String {
      var minutes = time.minutes
      var parts: [String] = []
      if minutes >= 1440 {
        parts.append("\(Int(minutes / 1440)) d")
        minutes -= Double(Int(minutes / 1440)) * 1440
      }
      if minutes >= 60 {
        parts.append("\(Int(minutes / 60)) h")
        minutes -= Double(Int(minutes / 60)) * 60
      }
      if minutes > 1e-9 || parts.isEmpty { parts.append("\(number(minutes)) min") }
      return parts.joined(separator: " ")
    }

    /// Up to 4 significant decimals, no trailing zeros.
    static func number(_ value: Double) -> String {
      var text = String(format: "%.4f", value)
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
      return text
    }
  }
}

import ArgumentParser
import KetasimCore

/// `ketasim models`: the catalogue, one model, the thresholds, or the
/// validation table.
struct Models: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "models",
    abstract: "List the built-in ketamine models, show one, or show the reference thresholds.",
    subcommands: [List.self, Show.self, Thresholds.self, Effects.self, Validate.self, Export.self],
    defaultSubcommand: List.self
  )

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the catalogue (the default).")

    func run() throws {
      let catalog = try ModelCatalog.builtIn()
      // The id column fits the longest id and two spaces.
      let width = max(14, (catalog.models.map(\.id.count).max() ?? 0) + 2)
      var lines = ["id".padding(width) + "cmt  sampling   ke0/min  population"]
      for model in catalog.models {
        let ke0 = model.effectSite.map { String($0.ke0PerMinute) } ?? "-"
        let marker = model.id == ModelCatalog.defaultModelID ? " (default)" : ""
        lines.append(
          model.id.padding(width) + "\(model.compartmentCount)".padding(5) + model.sampling.rawValue.padding(11)
            + ke0.padding(9) + model.name + marker)
      }
      lines.append("")
      lines.append("'ketasim models show ID' prints a model with its citation and sources.")
      print(lines.joined(separator: "\n"))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Print one model with its citation and sources.")

    @Argument(help: "Catalogue id or model file path.")
    var id: String

    @Option(
      help: "Body weight (kg) for the derived individual parameters (default: 70).",
      transform: InputParsing.typedNumber("weight", "a positive number of kilograms, such as 70"))
    var weight = Typed(text: "70", value: 70.0)

    func run() throws {
      let model = try ModelCatalog.builtIn().resolve(id)
      let patient = try InputParsing.quotingInput(["weight": weight.text]) {
        try Patient(weightKilograms: weight.value)
      }
      print(try ModelReport(model: model, patient: patient).text)
    }
  }

  struct Thresholds: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "thresholds", abstract: "Print the reference thresholds with their sources.")

    func run() throws {
      let set = try ModelCatalog.builtIn().thresholds
      var lines = ["Reference concentrations for \(set.drug) (ng/mL). \(set.basis)", ""]
      for threshold in set.thresholds {
        lines.append(
          "\(threshold.name): typical \(InputParsing.format(threshold.typicalNanogramsPerMilliliter)), "
            + "range \(InputParsing.format(threshold.range.lowerBound))-\(InputParsing.format(threshold.range.upperBound))"
        )
        lines.append("  \(threshold.meaning)")
        for source in threshold.sources { lines.append("  - \(source)") }
        if let notes = threshold.notes { lines.append("  note: \(notes)") }
        lines.append("")
      }
      print(lines.joined(separator: "\n"))
    }
  }
}

extension Models {
  /// `ketasim models validate`: the built-in models against published data.
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "validate",
      abstract: "Compare every built-in model with published concentration data.",
      discussion: """
        For each observation in Models/observations.yaml (dose, time, observed value, sampling site, source) and \
        each model whose validity range covers the observation's patient: the prediction and the ratio \
        predicted/observed (above 1 the model over-predicts).
        """
    )

    @Option(
      help: ValidationFormat.help("Output format: text for people, csv with a header with units", default: .text),
      transform: ValidationFormat.parse)
    var format = ValidationFormat.text

    func run() throws {
      let catalog = try ModelCatalog.builtIn()
      let table = try ValidationTable(models: catalog.models, observations: catalog.observations)
      if format == .csv {
        try Terminal.emit(to: nil) { sink in
          var writer = CSVWriter(sink: sink)
          try table.writeCSV(to: &writer)
        }
      } else {
        try Terminal.writeOut(Array((table.text + "\n").utf8))
      }
    }
  }
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}

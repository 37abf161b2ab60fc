import ArgumentParser
import Foundation
import KetasimCore

extension Models {
  /// `ketasim models export ID --to mrgsolve|rxode2|nonmem|desolve`: the model as another tool's code.
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Write a model as mrgsolve, rxode2, NONMEM or deSolve code, at one patient's typical parameters.",
      discussion: """
        The parameters are the model's typical values for --weight (and --age), written with every digit; \
        mrgsolve, rxode2 and deSolve work in minutes (L/min), NONMEM in hours (L/h). Doses in mg into CENT; CP in \
        ng/mL. deSolve gets ketasim_ID_parms, ketasim_ID_init and the function ketasim_ID(t, state, parms, rate) \
        for deSolve::ode, rate(t) being the infusion in mg/min (boluses as events). \
        A model with a metabolite (a structure: section) is written as one linear ODE per compartment, its rate \
        constants K_FROM_TO per minute (NONMEM ADVAN13: KR1, KR2, ... per hour), each observation in its unit.
        """)

    @Argument(help: "Catalogue id or model file path.")
    var id: String

    @Option(
      help: "The tool: mrgsolve, rxode2, nonmem or desolve.",
      transform: { text in
        guard let target = ModelExport.Target(rawValue: text.lowercased()) else {
          throw KetasimError.invalidValue("to", text, accepted: "mrgsolve, rxode2, nonmem or desolve")
        }
        return target
      })
    var to: ModelExport.Target

    @Option(
      help: "Body weight (kg) of the typical patient (default: 70).",
      transform: InputParsing.typedNumber("weight", "a positive number of kilograms, such as 70"))
    var weight = Typed(text: "70", value: 70.0)

    @Option(
      help: "Age in years of the typical patient.",
      transform: InputParsing.typedNumber("age", "a number of years, such as 45"))
    var age: Typed<Double>?

    @Option(help: "Write the code to this file (atomically) instead of stdout.")
    var output: String?

    func run() throws {
      let model = try ModelCatalog.builtIn().resolve(id)
      let patient = try InputParsing.quotingInput(["weight": weight.text, "age": age?.text ?? ""]) {
        try Patient(weightKilograms: weight.value, ageYears: age?.value)
      }
      let code = try ModelExport(model: model, patient: patient).code(for: to)
      try Terminal.emit(to: output) { sink in try sink(Array(code.utf8)) }
    }
  }
}

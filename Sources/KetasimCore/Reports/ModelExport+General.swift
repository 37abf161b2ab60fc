import Foundation

extension ModelExport {
  /// The code of a model with a general structure (a metabolite, a liver compartment): one linear ODE per
  /// compartment, every rate constant a named number.
  ///
  /// States are the compartments' names upper-cased (`CENTRAL`, `NORKETAMINE`, …), amounts in mg. A flow from
  /// compartment *i* to *j* at rate k (1/min) is the constant `K_I_J`; elimination from *i* is `K_I_OUT`. Each
  /// flow adds `+K_I_J*I` to *j*'s equation and, when it moves the amount (every flow but an effect site's
  /// drive), `-K_I_J*I` to *i*'s. Each observation is its compartment's amount times its factor to ng/mL (or
  /// nmol/mL): `CP = CENTRAL*(1000/V)`. Doses go into the input compartment, times its input fraction (`F`) when
  /// that is not 1.
  ///
  /// mrgsolve and rxode2 in minutes, NONMEM (`ADVAN13`, `$DES`) in hours: every rate times 60.
  struct GeneralExport {
    let structure: CompartmentStructure
    let header: [String]
    /// The R name of the deSolve objects.
    let rName: String

    /// A compartment's state name: its name upper-cased, other characters as `_`.
    static func stateName(_ compartment: String) -> String {
      String(compartment.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    var states: [String] { structure.compartments.map(Self.stateName) }

    /// The rate constants (per minute), named, in flow order then elimination.
    var constants: [(name: String, value: Double)] {
      var list = structure.flows.map { ("K_\(states[$0.from])_\(states[$0.to])", $0.rate) }
      for (index, rate) in structure.elimination.enumerated() where rate > 0 {
        list.append(("K_\(states[index])_OUT", rate))
      }
      return list
    }

    /// Each observation's name in the code (its name upper-cased, `_NMOL` for nmol/mL), its state and factor.
    var outputs: [(name: String, state: String, factor: Double, unit: String)] {
      structure.observations.map { output in
        let name = Self.stateName(output.name) + (output.unit == .nanomolesPerMillilitre ? "_NMOL" : "")
        return (name, states[output.compartment], output.scale, output.unit.rawValue)
      }
    }

    /// The right-hand side of compartment `index`'s ODE, with `state` spelling a state and `constant` a rate
    /// constant.
    func derivative(_ index: Int, state: (String) -> String, constant: (String) -> String = { $0 }) -> String {
      var terms: [String] = []
      for flow in structure.flows {
        let name = constant("K_\(states[flow.from])_\(states[flow.to])")
        if flow.to == index { terms.append("+ \(name)*\(state(states[flow.from]))") }
        if flow.from == index, flow.depletesSource { terms.append("- \(name)*\(state(states[index]))") }
      }
      if structure.elimination[index] > 0 {
        terms.append("- \(constant("K_\(states[index])_OUT"))*\(state(states[index]))")
      }
      guard let first = terms.first else { return "0" }
      let head = first.hasPrefix("+ ") ? String(first.dropFirst(2)) : "-" + first.dropFirst(2)
      return ([head] + terms.dropFirst()).joined(separator: " ")
    }

    func code(for target: Target, model: ModelDefinition) -> String {
      switch target {
      case .mrgsolve: return mrgsolve
      case .rxode2: return rxode2(model)
      case .nonmem: return nonmem(model)
      case .desolve: return deSolve
      }
    }

    /// The deSolve function (R): `rate(t)` mg/min into the input compartment, times its input fraction.
    var deSolve: String {
      let input = states[structure.inputCompartment]
      var lines = header.map { "# \($0)" } + ["# " + unitsLine + " rate(t): infusion into \(input) in mg/min."]
      lines.append(
        "\(rName)_parms <- c("
          + constants.map { "\($0.name) = \(ModelExport.number($0.value))" }.joined(separator: ", ") + ")")
      lines.append("\(rName)_init <- c(" + states.map { "\($0) = 0" }.joined(separator: ", ") + ")")
      lines.append("\(rName)_input_fraction <- \(ModelExport.number(structure.inputFraction))")
      lines.append("\(rName) <- function(t, state, parms, rate = function(t) 0) {")
      lines.append("  with(as.list(c(state, parms)), {")
      lines += states.indices.map { "    d\(states[$0]) = \(derivative($0, state: { $0 }))" }
      lines.append("    d\(input) = d\(input) + \(ModelExport.number(structure.inputFraction))*rate(t)")
      lines.append(
        "    list(c(" + states.map { "d\($0)" }.joined(separator: ", ") + "), "
          + outputs.map { "\($0.name) = \($0.state)*\(ModelExport.number($0.factor))" }.joined(separator: ", ")
          + ")")
      lines.append("  })")
      lines.append("}")
      return lines.joined(separator: "\n") + "\n"
    }

    private var unitsLine: String {
      "Time in min; K_* in 1/min; states in mg; " + outputs.map { "\($0.name) in \($0.unit)" }.joined(separator: ", ")
        + "."
    }

    var mrgsolve: String {
      var lines = header.map { "// \($0)" } + ["// " + unitsLine]
      lines.append("$PARAM " + constants.map { "\($0.name) = \(ModelExport.number($0.value))" }.joined(separator: ", "))
      lines.append("$CMT " + states.joined(separator: " "))
      if structure.inputFraction != 1 {
        lines.append("$MAIN")
        lines.append("F_\(states[structure.inputCompartment]) = \(ModelExport.number(structure.inputFraction));")
      }
      lines.append("$ODE")
      lines += states.indices.map { "dxdt_\(states[$0]) = \(derivative($0, state: { $0 }));" }
      lines.append("$TABLE")
      lines += outputs.map { "double \($0.name) = \($0.state)*\(ModelExport.number($0.factor));" }
      lines.append("$CAPTURE " + outputs.map(\.name).joined(separator: " "))
      return lines.joined(separator: "\n") + "\n"
    }

    func rxode2(_ model: ModelDefinition) -> String {
      var lines = header.map { "# \($0)" } + ["# " + unitsLine]
      lines.append("ketasim_\(model.id) <- rxode2::rxode2({")
      lines += constants.map { "  \($0.name) <- \(ModelExport.number($0.value))" }
      if structure.inputFraction != 1 {
        lines.append("  f(\(states[structure.inputCompartment])) <- \(ModelExport.number(structure.inputFraction))")
      }
      lines += states.indices.map { "  d/dt(\(states[$0])) = \(derivative($0, state: { $0 }))" }
      lines += outputs.map { "  \($0.name) <- \($0.state)*\(ModelExport.number($0.factor))" }
      lines.append("})")
      return lines.joined(separator: "\n") + "\n"
    }

    /// A NONMEM control stream (`ADVAN13`), time in hours, every THETA fixed; the first observation is `IPRED`.
    ///
    /// Names are kept short for NONMEM: rate constants `KR1`, `KR2`, … and compartments `A1`, `A2`, …, each with
    /// the long name in a comment.
    func nonmem(_ model: ModelDefinition) -> String {
      let short = Dictionary(uniqueKeysWithValues: constants.enumerated().map { ($1.name, "KR\($0 + 1)") })
      let index = Dictionary(uniqueKeysWithValues: states.enumerated().map { ($1, $0 + 1) })
      var lines = header.map { "; \($0)" }
      lines.append("; Time in h; KR in 1/h; A(n) in mg; IPRED is \(outputs.first?.name ?? "CP") in ng/mL.")
      lines += states.enumerated().map { "; A\($0 + 1) = \($1)" }
      lines.append("$PROBLEM ketasim \(model.id)")
      lines.append("$INPUT ID TIME AMT RATE EVID CMT II ADDL SS DV")
      lines.append("$DATA data.csv IGNORE=@")
      lines.append("$SUBROUTINES ADVAN13 TOL=9")
      lines.append(
        "$MODEL "
          + states.indices.map { k in
            "COMP=(A\(k + 1)\(k == structure.inputCompartment ? " DEFDOSE" : ""))"
          }.joined(separator: " "))
      lines.append("$PK")
      lines += constants.enumerated().map { "  KR\($0 + 1) = THETA(\($0 + 1)) ; \($1.name)" }
      if structure.inputFraction != 1 {
        lines.append("  F\(structure.inputCompartment + 1) = \(ModelExport.number(structure.inputFraction))")
      }
      lines.append("$DES")
      lines += states.indices.map { k in
        "  DADT(\(k + 1)) = "
          + derivative(k, state: { "A(\(index[$0] ?? 0))" }, constant: { short[$0] ?? $0 })
      }
      lines.append("$ERROR")
      for output in outputs {
        lines.append("  \(output.name) = A(\(index[output.state] ?? 0))*\(ModelExport.number(output.factor))")
      }
      lines.append("  IPRED = \(outputs.first?.name ?? "0")")
      lines.append("  Y = IPRED + EPS(1)")
      lines.append("$THETA")
      lines += constants.enumerated().map { "  (0, \(ModelExport.number($1.value * 60))) FIX ; KR\($0 + 1) \($1.name)" }
      lines.append("$OMEGA 0 FIX")
      lines.append("$SIGMA 0 FIX")
      lines.append("$SIMULATION (1) ONLYSIMULATION")
      lines.append(
        "$TABLE ID TIME " + outputs.map(\.name).joined(separator: " ") + " NOPRINT ONEHEADER FILE=ketasim.tab")
      return lines.joined(separator: "\n") + "\n"
    }
  }
}

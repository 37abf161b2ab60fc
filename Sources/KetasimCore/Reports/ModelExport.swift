import Foundation

/// A catalogue model written as code for another pharmacometric tool, at one patient's typical parameters, so that
/// ketasim's numbers can be rerun in the user's own stack.
///
/// The parameters are the model's typical values for the patient (its weight and age scaling already applied),
/// written as fixed numbers with every digit (Swift's shortest round-trip form). A mammillary model is written as
/// its linear ODEs: central compartment `CENT` (mg), peripherals `P1`, `P2`, an effect compartment `CE` (ng/mL)
/// when the model has a ke0 (mrgsolve and rxode2; NONMEM's `ADVAN` models carry plasma only). Doses go into `CENT`
/// in mg; `CP` is ng/mL (`CENT/V1 · 1000`). A model with a general structure (a metabolite) is written one ODE per
/// compartment with named rate constants (see `GeneralExport`).
///
/// Time units: mrgsolve, rxode2 and deSolve in minutes (ketasim's own: rates in L/min); NONMEM in hours (rates in
/// L/h), as NONMEM datasets usually are and as ketasim's event tables default to.
///
/// deSolve gets three R objects named after the model: `ketasim_ID_parms`, `ketasim_ID_init` (every state 0) and
/// the derivative function `ketasim_ID(t, state, parms, rate = function(t) 0)`, whose extra argument `rate` is the
/// infusion into the input compartment in mg/min (times the input fraction); boluses are deSolve events on that
/// state. It returns the derivatives and the observations (`CP` in ng/mL, …), as `deSolve::ode` expects.
public struct ModelExport: Sendable {
  /// The tools ketasim writes code for.
  public enum Target: String, Sendable, CaseIterable {
    case mrgsolve, rxode2, nonmem
    /// R's deSolve: the ODEs as a function for `deSolve::ode`, with `rate(t)` the infusion (mg/min).
    case desolve
  }

  public let model: ModelDefinition
  public let patient: Patient
  /// The typical parameters of a mammillary model (nil for a general structure).
  public let parameters: PKParameters?
  /// The typical compartments and flows of a model with a general structure (metabolites, a liver compartment;
  /// nil for a mammillary model).
  public let structure: CompartmentStructure?

  /// - Throws: ``KetasimError`` for a patient the model's parameters cannot be derived for.
  public init(model: ModelDefinition, patient: Patient) throws {
    self.model = model
    self.patient = patient
    if model.structure == nil {
      parameters = try model.parameters(for: patient)
      structure = nil
    } else {
      guard case .general(let general) = try model.individual(for: patient) else {
        preconditionFailure("a model with a structure section has a general structure")
      }
      parameters = nil
      structure = general
    }
  }

  /// The code for `target`.
  public func code(for target: Target) -> String {
    if let structure {
      return GeneralExport(structure: structure, header: header, rName: rName).code(for: target, model: model)
    }
    switch target {
    case .mrgsolve: return mammillaryMrgsolve
    case .rxode2: return mammillaryRxode2
    case .nonmem: return mammillaryNONMEM
    case .desolve: return mammillaryDeSolve
    }
  }

  /// The model's id as an R name (`-` as `_`).
  var rName: String { "ketasim_" + model.id.replacingOccurrences(of: "-", with: "_") }

  /// An mrgsolve model specification (`mread`/`mcode`), time in minutes.
  public var mrgsolve: String { code(for: .mrgsolve) }
  /// An rxode2 model (R), time in minutes.
  public var rxode2: String { code(for: .rxode2) }
  /// A NONMEM control stream simulating the typical patient over the dataset `data.csv`, time in hours.
  public var nonmem: String { code(for: .nonmem) }

  /// The mammillary parameters (checked at initialisation).
  private var mammillary: PKParameters {
    guard let parameters else { preconditionFailure("only a mammillary model's code uses its PK parameters") }
    return parameters
  }

  /// Numbers with every digit needed to recover the double.
  static func number(_ value: Double) -> String { value.description }

  /// The parameter names and values (per minute): `CL`, `V1`, then `Q2`, `V2`, `Q3`, `V3`, and `KE0`.
  var named: [(name: String, value: Double)] {
    let parameters = mammillary
    var list: [(String, Double)] = [("CL", parameters.clearance), ("V1", parameters.centralVolume)]
    for (index, peripheral) in parameters.peripherals.enumerated() {
      list += [("Q\(index + 2)", peripheral.clearance), ("V\(index + 2)", peripheral.volume)]
    }
    if let ke0 = parameters.ke0 { list.append(("KE0", ke0)) }
    return list
  }

  var header: [String] {
    let age = patient.ageYears.map { ", \(Self.number($0)) years" } ?? ""
    return [
      "\(model.id): \(model.name); \(model.citation)",
      "Exported by ketasim \(KetasimVersion.current) at \(Self.number(patient.weightKilograms)) kg\(age): typical values,"
        + " the model's scaling applied. Doses in mg into "
        + (structure.map { GeneralExport.stateName($0.compartments[$0.inputCompartment]) } ?? "CENT")
        + (structure == nil ? "; CP in ng/mL." : "."),
      "A population-model estimate for teaching and previews, not a medical device.",
    ]
  }

  /// The right-hand sides of the ODEs, in `language`'s spelling of a state's derivative.
  private func equations(derivative: (String) -> String, end: String) -> [String] {
    let parameters = mammillary
    var central = "-(CL/V1)*CENT"
    var lines: [String] = []
    for index in parameters.peripherals.indices {
      let (q, v, p) = ("Q\(index + 2)", "V\(index + 2)", "P\(index + 1)")
      central += " - (\(q)/V1)*CENT + (\(q)/\(v))*\(p)"
      lines.append("\(derivative(p)) = (\(q)/V1)*CENT - (\(q)/\(v))*\(p)\(end)")
    }
    lines.insert("\(derivative("CENT")) = \(central)\(end)", at: 0)
    if parameters.ke0 != nil { lines.append("\(derivative("CE")) = KE0*(CENT/V1*1000 - CE)\(end)") }
    return lines
  }

  private var compartments: [String] {
    let parameters = mammillary
    return ["CENT"] + parameters.peripherals.indices.map { "P\($0 + 1)" } + (parameters.ke0 == nil ? [] : ["CE"])
  }

  /// A mammillary model's mrgsolve specification.
  private var mammillaryMrgsolve: String {
    var lines = header.map { "// \($0)" }
    lines.append("// Time in min; CL and Q in L/min, V in L, KE0 in 1/min.")
    lines.append("$PARAM " + named.map { "\($0.name) = \(Self.number($0.value))" }.joined(separator: ", "))
    lines.append("$CMT " + compartments.joined(separator: " "))
    lines.append("$ODE")
    lines += equations(derivative: { "dxdt_\($0)" }, end: ";")
    lines.append("$TABLE")
    lines.append("double CP = CENT/V1*1000;")
    lines.append("$CAPTURE CP" + (mammillary.ke0 == nil ? "" : " CE"))
    return lines.joined(separator: "\n") + "\n"
  }

  /// A mammillary model's rxode2 code.
  private var mammillaryRxode2: String {
    var lines = header.map { "# \($0)" }
    lines.append("# Time in min; CL and Q in L/min, V in L, KE0 in 1/min.")
    lines.append("ketasim_\(model.id) <- rxode2::rxode2({")
    lines += named.map { "  \($0.name) <- \(Self.number($0.value))" }
    lines += equations(derivative: { "d/dt(\($0))" }, end: "").map { "  " + $0 }
    lines.append("  CP <- CENT/V1*1000")
    lines.append("})")
    return lines.joined(separator: "\n") + "\n"
  }

  /// A mammillary model's deSolve function (R), time in minutes.
  private var mammillaryDeSolve: String {
    var lines = header.map { "# \($0)" }
    lines.append("# Time in min; CL and Q in L/min, V in L, KE0 in 1/min; rate(t): infusion into CENT in mg/min.")
    lines.append(
      "\(rName)_parms <- c(" + named.map { "\($0.name) = \(Self.number($0.value))" }.joined(separator: ", ") + ")")
    lines.append("\(rName)_init <- c(" + compartments.map { "\($0) = 0" }.joined(separator: ", ") + ")")
    lines.append("\(rName) <- function(t, state, parms, rate = function(t) 0) {")
    lines.append("  with(as.list(c(state, parms)), {")
    lines += equations(derivative: { "d\($0)" }, end: "").map { "    " + $0 }
    lines.append("    dCENT = dCENT + rate(t)")
    lines.append(
      "    list(c(" + compartments.map { "d\($0)" }.joined(separator: ", ") + "), CP = CENT/V1*1000"
        + (mammillary.ke0 == nil ? "" : ", CE = CE") + ")")
    lines.append("  })")
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// A mammillary model's NONMEM control stream.
  ///
  /// `ADVAN3 TRANS4` for two compartments, `ADVAN11 TRANS4` for three, `ADVAN1 TRANS2` for one; time in hours,
  /// plasma only, every THETA fixed and no variability. Written to NONMEM 7's manual; not run here (NONMEM is
  /// licensed).
  private var mammillaryNONMEM: String {
    let perHour = named.filter { $0.name != "KE0" }.map { entry in
      (entry.name.hasPrefix("C") || entry.name.hasPrefix("Q")) ? (entry.name, entry.value * 60) : entry
    }
    let advan: String
    var assignments: [String]
    switch mammillary.peripherals.count {
    case 0:
      advan = "$SUBROUTINES ADVAN1 TRANS2"
      assignments = ["CL = THETA(1)", "V = THETA(2)", "S1 = V/1000"]
    case 1:
      advan = "$SUBROUTINES ADVAN3 TRANS4"
      assignments = ["CL = THETA(1)", "V1 = THETA(2)", "Q = THETA(3)", "V2 = THETA(4)", "S1 = V1/1000"]
    default:
      advan = "$SUBROUTINES ADVAN11 TRANS4"
      assignments = [
        "CL = THETA(1)", "V1 = THETA(2)", "Q2 = THETA(3)", "V2 = THETA(4)", "Q3 = THETA(5)", "V3 = THETA(6)",
        "S1 = V1/1000",
      ]
    }
    var lines = header.map { "; \($0)" }
    lines.append("; Time in h; CL and Q in L/h, V in L; plasma only (no effect compartment).")
    lines.append("$PROBLEM ketasim \(model.id), \(Self.number(patient.weightKilograms)) kg")
    lines.append("$INPUT ID TIME AMT RATE EVID CMT II ADDL SS DV")
    lines.append("$DATA data.csv IGNORE=@")
    lines.append(advan)
    lines.append("$PK")
    lines += assignments.map { "  \($0)" }
    lines.append("$ERROR")
    lines.append("  IPRED = F ; ng/mL")
    lines.append("  Y = IPRED + EPS(1)")
    lines.append("$THETA")
    lines += perHour.map { "  (0, \(Self.number($0.1))) FIX ; \($0.0)" }
    lines.append("$OMEGA 0 FIX")
    lines.append("$SIGMA 0 FIX")
    lines.append("$SIMULATION (1) ONLYSIMULATION")
    lines.append("$TABLE ID TIME IPRED NOPRINT ONEHEADER FILE=ketasim.tab")
    return lines.joined(separator: "\n") + "\n"
  }
}

/// A plain-text description of a model for people: citation, parameters
/// with their sources, the individual values for a patient, validity,
/// variability, effect site and notes.
package struct ModelReport {
  package let text: String

  package init(model: ModelDefinition, patient: Patient) throws {
    var lines: [String] = []
    lines.append("\(model.id): \(model.name)")
    lines.append("drug: \(model.drug); \(model.compartmentCount) compartments; sampling: \(model.sampling.rawValue)")
    lines.append("citation: \(model.citation)")
    if let doi = model.doi { lines.append("doi: \(doi)") }
    if let pmid = model.pmid { lines.append("pmid: \(pmid)") }
    lines.append("population: \(model.population)")
    if !model.samplingNote.isEmpty { lines.append("sampling note: \(model.samplingNote)") }
    if !model.scalingDescription.isEmpty { lines.append("weight scaling: \(model.scalingDescription)") }
    lines.append("")
    lines.append("parameters (as published):")
    for p in model.parameters {
      lines.append("  \(p.name) = \(p.value) \(p.unit)\(ModelReport.describe(p.scaling))")
      lines.append("      source: \(p.source)")
      lines.append("      verified: \(p.verification)")
    }
    lines.append("")
    lines.append("individual values at \(patient.weightKilograms) kg:")
    switch try model.individual(for: patient) {
    case .mammillary(let individual):
      lines.append(
        "  V1 \(ModelReport.round(individual.centralVolume)) L, CL \(ModelReport.round(individual.clearance)) L/min")
      for (index, p) in individual.peripherals.enumerated() {
        lines.append(
          "  V\(index + 2) \(ModelReport.round(p.volume)) L, Q\(index + 2) \(ModelReport.round(p.clearance)) L/min")
      }
      let eigen = Disposition(individual).eigenvalues
      lines.append(
        "  half-lives: " + eigen.map { "\(ModelReport.round(0.6931471805599453 / -$0)) min" }.joined(separator: ", "))
    case .general(let structure):
      lines += try ModelReport.describe(structure, model: model, patient: patient)
    }
    lines.append("")
    lines.append(
      "validity: weight \(model.weightRange.minimum)-\(model.weightRange.maximum) kg (\(model.weightRange.source))")
    lines.append("          age \(model.ageRange.minimum)-\(model.ageRange.maximum) y (\(model.ageRange.source))")
    if model.variability.isEmpty {
      lines.append("variability: none published in this file\(model.variabilityNote.map { " (\($0))" } ?? "")")
    } else {
      lines.append("variability (CV %):")
      for v in model.variability {
        lines.append("  \(v.parameter) \(v.coefficientOfVariationPercent) % (\(v.source))")
      }
      if let note = model.variabilityNote { lines.append("  note: \(note)") }
    }
    if let site = model.effectSite {
      lines.append("effect site: ke0 \(site.ke0PerMinute) /min for \(site.endpoint) (\(site.source))")
    } else {
      lines.append("effect site: no published ke0 for this model (give --ke0 to add one)")
    }
    if !model.notes.isEmpty {
      lines.append("")
      lines.append("notes:")
      for note in model.notes { lines.append("  - \(note)") }
    }
    text = lines.joined(separator: "\n")
  }

  /// A general structure: the parameter values, compartments and flows, half-lives, the systemic clearance
  /// and fraction metabolised from mass balance.
  private static func describe(_ structure: CompartmentStructure, model: ModelDefinition, patient: Patient) throws
    -> [String]
  {
    var lines: [String] = []
    let values = model.values(for: patient)
    lines.append(
      "  " + zip(model.parameters, values).map { "\($0.name) \(round($1))" }.joined(separator: ", ")
        + " (L, L/min, 1/min)")
    let names = structure.compartments
    lines.append("  compartments: \(names.joined(separator: ", ")); doses enter \(names[structure.inputCompartment])")
    for flow in structure.flows {
      lines.append("  \(names[flow.from]) -> \(names[flow.to]): \(round(flow.rate)) /min")
    }
    for (index, rate) in structure.elimination.enumerated() where rate > 0 {
      lines.append("  \(names[index]) -> out: \(round(rate)) /min")
    }
    let disposition = try GeneralDisposition(checking: structure, name: model.id)
    lines.append(
      "  half-lives: "
        + disposition.stateEigenvalues.filter { $0 < 0 }.map { "\(round(0.6931471805599453 / -$0)) min" }
        .joined(separator: ", "))
    if let clearance = disposition.systemicClearance() {
      lines.append("  systemic clearance of the parent (dose rate / steady-state plasma): \(round(clearance)) L/min")
    }
    for (name, fraction) in disposition.fractionsFormed() {
      lines.append("  fraction of a dose that reaches \(name): \(round(fraction))")
    }
    lines.append(
      "  observations: "
        + disposition.observations.map { "\($0.site.rawValue) (\($0.unit.rawValue))" }.joined(separator: ", "))
    return lines
  }

  private static func describe(_ scaling: ModelDefinition.WeightScaling) -> String {
    switch scaling {
    case .fixed: return ""
    case .linear: return " (linear in weight)"
    case .allometric(let exponent, let reference): return " x (W/\(reference) kg)^\(exponent)"
    }
  }

  private static func round(_ value: Double) -> String {
    let digits = 10_000.0
    return String((value * digits).rounded() / digits)
  }
}

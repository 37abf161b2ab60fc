extension ModelDefinition {
  /// The parameters of one patient.
  ///
  /// Weight-scaled values follow each parameter's ``WeightScaling``. A model
  /// in micro-constant form (`V1`, `k10`, `k12`, `k21`, …) is converted with
  /// `CL = k10·V1`, `Qj = k1j·V1`, `Vj = Qj/kj1`.
  ///
  /// - Parameters:
  ///   - patient: whose weight scales the parameters.
  ///   - ke0Override: a ke0 (1/min) to use instead of the published one (or
  ///     where none is published); `nil` keeps the model's own.
  /// - Throws: ``KetasimError`` when the resulting parameters are not valid.
  /// - Throws: ``KetasimError`` also for a model with a general structure (see ``individual(for:ke0Override:)``).
  public func parameters(for patient: Patient, ke0Override: Double? = nil) throws -> PKParameters {
    guard structure == nil else { throw IndividualModel.notMammillary(id) }
    let weight = patient.weightKilograms
    func value(_ name: String) -> Double? {
      parameter(name).map { $0.value(forWeight: weight) * covariateFactor(name, for: patient) }
    }
    let v1 = value("V1")!
    let ke0 = ke0Override ?? effectSite?.ke0PerMinute
    if let k10 = value("k10") {
      var peripherals: [(volume: Double, clearance: Double)] = []
      for (out, back) in [("k12", "k21"), ("k13", "k31")].prefix(compartmentCount - 1) {
        let q = value(out)! * v1
        peripherals.append((volume: q / value(back)!, clearance: q))
      }
      return try PKParameters(centralVolume: v1, clearance: k10 * v1, peripherals: peripherals, ke0: ke0)
    }
    let peripherals = [("V2", "Q2"), ("V3", "Q3")].prefix(compartmentCount - 1).map {
      (volume: value($0.0)!, clearance: value($0.1)!)
    }
    return try PKParameters(centralVolume: v1, clearance: value("CL")!, peripherals: peripherals, ke0: ke0)
  }

  /// The model of one patient for the engine: mammillary parameters, or the general structure built from
  /// the weight-scaled parameters of a model with a `structure:` section.
  ///
  /// A mammillary model given only part of each dose (`inputFraction` < 1, the S half of a racemic dose for
  /// an S-ketamine model) runs as a general structure.
  public func individual(for patient: Patient, ke0Override: Double? = nil, inputFraction: Double = 1) throws
    -> IndividualModel
  {
    guard structure != nil else {
      let parameters = try parameters(for: patient, ke0Override: ke0Override)
      guard inputFraction != 1 else { return .mammillary(parameters) }
      return .general(CompartmentStructure(mammillary: parameters, inputFraction: inputFraction))
    }
    return .general(
      try generalStructure(values: values(for: patient), ke0Override: ke0Override, inputFraction: inputFraction))
  }

  /// Every parameter's value for `patient` (L, L/min, 1/min, fraction), in file order.
  public func values(for patient: Patient) -> [Double] {
    parameters.map { $0.value(forWeight: patient.weightKilograms) * covariateFactor($0.name, for: patient) }
  }

  /// The product of the factors of the ``covariateRelations`` on parameter `name` for `patient` (1 without any,
  /// and for a covariate the patient does not give).
  public func covariateFactor(_ name: String, for patient: Patient) -> Double {
    covariateRelations.reduce(1) { factor, relation in
      relation.parameter == name ? factor * (relation.factor(for: patient) ?? 1) : factor
    }
  }

  /// The general structure with parameter `values` (in file order, as ``values(for:)`` gives them, perhaps
  /// varied per subject) and the effect site of `ke0Override`, else the published ke0, each times
  /// `ke0Factor`.
  ///
  /// - Precondition: the model has a `structure:` section.
  public func generalStructure(
    values: [Double], ke0Override: Double?, ke0Factor: Double = 1, inputFraction: Double = 1
  ) throws -> CompartmentStructure {
    guard let structure else { preconditionFailure("\(id) has no structure: section") }
    precondition(values.count == parameters.count, "one value per parameter")
    let byName = Dictionary(uniqueKeysWithValues: zip(parameters.map(\.name), values))
    return try structure.structure(
      values: { byName[$0] ?? .nan }, ke0: (ke0Override ?? effectSite?.ke0PerMinute).map { $0 * ke0Factor },
      inputFraction: inputFraction)
  }

  /// Warnings for a patient outside the model's validity range (empty when
  /// the patient is inside it or the age is unknown).
  public func validityWarnings(for patient: Patient) -> [String] {
    var warnings: [String] = []
    if !weightRange.contains(patient.weightKilograms) {
      warnings.append(
        "weight \(patient.weightKilograms) kg is outside \(id)'s validity range "
          + "\(weightRange.minimum)-\(weightRange.maximum) kg")
    }
    if let age = patient.ageYears, !ageRange.contains(age) {
      warnings.append(
        "age \(age) y is outside \(id)'s validity range \(ageRange.minimum)-\(ageRange.maximum) y")
    }
    return warnings
  }
}

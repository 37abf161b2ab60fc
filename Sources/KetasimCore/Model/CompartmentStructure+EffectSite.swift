extension CompartmentStructure {
  /// This structure with one more effect site, `name`, on the compartment of the `cp` observation (the first
  /// one): a negligible-mass compartment fed by a non-depleting flow `ke0` from it and eliminated at `ke0`,
  /// observed in ng/mL over the same volume, so that its concentration follows `Ce' = ke0·(Cp − Ce)`.
  ///
  /// - Throws: ``KetasimError`` for a bad `ke0`, a name already observed, or more than 16 compartments.
  public func addingEffectSite(named name: String, ke0: Double) throws -> CompartmentStructure {
    guard let plasma = observations.first else {
      throw KetasimError.invalidValue("effect site \(name)", "a structure without observations", accepted: "cp first")
    }
    guard !observations.contains(where: { $0.name == name }) else {
      throw KetasimError.invalidValue("effect site", name, accepted: "a name the model does not report already")
    }
    let index = count
    return try CompartmentStructure(
      compartments: compartments + [name],
      flows: flows + [Flow(from: plasma.compartment, to: index, rate: ke0, depletesSource: false)],
      elimination: elimination + [ke0], inputCompartment: inputCompartment,
      observations: observations + [
        Output(name: name, compartment: index, volume: plasma.volume, unit: .nanogramsPerMillilitre)
      ],
      inputFraction: inputFraction)
  }
}

extension CompartmentStructure {
  /// This structure with a second observation of plasma (the first observation's compartment and volume, in
  /// ng/mL) under `name`: for an effect endpoint applied to plasma itself.
  ///
  /// - Throws: ``KetasimError`` for a name already observed.
  public func addingPlasmaObservation(named name: String) throws -> CompartmentStructure {
    guard let plasma = observations.first else {
      throw KetasimError.invalidValue("observation \(name)", "a structure without observations", accepted: "cp first")
    }
    guard !observations.contains(where: { $0.name == name }) else {
      throw KetasimError.invalidValue("observation", name, accepted: "a name the model does not report already")
    }
    return try CompartmentStructure(
      compartments: compartments, flows: flows, elimination: elimination, inputCompartment: inputCompartment,
      observations: observations + [
        Output(name: name, compartment: plasma.compartment, volume: plasma.volume, unit: .nanogramsPerMillilitre)
      ],
      inputFraction: inputFraction)
  }
}

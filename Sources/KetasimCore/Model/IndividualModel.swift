/// The model of one patient, as the engine runs it.
public enum IndividualModel: Sendable {
  /// A 1-3 compartment mammillary model with an optional effect site (closed form, `SIMD4` state).
  case mammillary(PKParameters)
  /// A general compartment structure (metabolites, a liver compartment), up to 16 states.
  case general(CompartmentStructure)

  /// The mammillary parameters.
  ///
  /// - Throws: ``KetasimError`` naming `model` for a general structure, which the calling command does not
  ///   support yet.
  public func mammillaryParameters(of model: String) throws -> PKParameters {
    switch self {
    case .mammillary(let parameters): return parameters
    case .general: throw Self.notMammillary(model)
    }
  }

  /// The error of a command that needs a mammillary model given `model`, which has a general structure.
  static func notMammillary(_ model: String) -> KetasimError {
    KetasimError.invalidValue(
      "model", model,
      accepted: "a mammillary model: \(model) has a general structure (metabolites), which this command does "
        + "not simulate yet (simulate does)")
  }
}

import Foundation

extension ScenarioSubject {
  /// An effect endpoint on one model's concentration scale, with the level its onset, offset and time above
  /// are read against.
  public struct Endpoint: Sendable {
    public let endpoint: EffectEndpoint
    /// The part of the model's concentration the relation applies to (``EffectEndpoint/basisFraction(forSKetamineModel:)``).
    public let basisFraction: Double
    /// C50 in ng/mL on the model's scale (racemic or S-ketamine), when published.
    public let c50NanogramsPerMilliliter: Double?
    /// The level of onset, offset and time above, in ng/mL on the model's scale: C50 (named `c50` in columns
    /// and rows) unless an effect level was chosen (named `level`); nil for an endpoint with neither.
    public let level: NamedThreshold?
    /// The chosen effect level in ``EffectEndpoint/effectUnit``, if any.
    public let effectLevel: Double?

    /// `endpoint` on the scale of a model of S-ketamine (`sModel`) or racemic ketamine, read against the
    /// concentration where the effect reaches `effectLevel`, or against C50.
    ///
    /// - Throws: ``KetasimError`` for a level the endpoint cannot be read against.
    public init(_ endpoint: EffectEndpoint, sModel: Bool, effectLevel: Double? = nil) throws {
      self.endpoint = endpoint
      basisFraction = endpoint.basisFraction(forSKetamineModel: sModel)
      c50NanogramsPerMilliliter = endpoint.c50(forSKetamineModel: sModel)
      self.effectLevel = effectLevel
      guard let effectLevel else {
        level = c50NanogramsPerMilliliter.map { NamedThreshold(name: "c50", nanogramsPerMilliliter: $0) }
        return
      }
      guard
        let concentration = endpoint.link?.concentration(reaching: effectLevel, c50: endpoint.c50NanogramsPerMilliliter)
      else {
        let accepted: String
        switch endpoint.link {
        case .sigmoidEmax(let e0, let emax, _):
          accepted = "an effect strictly between \(e0) and \(emax) \(endpoint.effectUnit ?? "")"
        case .linear:
          accepted = "no level: \(endpoint.id)'s linear relation is a range of slopes, not one curve"
        case nil:
          accepted = "no level: \(endpoint.id) has no published effect curve, only its C50 (half-maximal effect)"
        }
        throw KetasimError.invalidValue("--effect \(endpoint.id)@LEVEL", "\(effectLevel)", accepted: accepted)
      }
      level = NamedThreshold(name: "level", nanogramsPerMilliliter: concentration / basisFraction)
    }

    /// The observation of its effect site (or of plasma, for an endpoint on plasma).
    public var site: Observation.Site { Observation.Site(rawValue: endpoint.id) }

    /// The effects (``EffectEndpoint/effectColumns`` order) at `concentration` ng/mL on the model's scale.
    @inlinable
    public func effects(at concentration: Double) -> [Double] {
      endpoint.link?.effects(at: concentration * basisFraction, c50: endpoint.c50NanogramsPerMilliliter) ?? []
    }

    /// `structure` with this endpoint's site: an effect site fed from plasma at the endpoint's ke0, or, for an
    /// endpoint on plasma, a second observation of plasma under the endpoint's name.
    public func adding(to structure: CompartmentStructure) throws -> CompartmentStructure {
      guard let ke0 = endpoint.ke0PerMinute else { return try structure.addingPlasmaObservation(named: endpoint.id) }
      return try structure.addingEffectSite(named: endpoint.id, ke0: ke0)
    }
  }
}

import KetasimCore

extension Preview {
  /// The built-in models, regimens and effect endpoints (`/api/models`):
  /// what the page's menus offer.
  public struct Catalog: Codable, Sendable, Equatable {
    /// One model: what a clinician chooses it by.
    public struct Model: Codable, Sendable, Equatable {
      public var id: String
      public var name: String
      public var drug: String
      public var population: String
      /// `arterial`, `venous` or `unknown`.
      public var sampling: String
      public var samplingNote: String
      public var compartments: Int
      public var hasEffectSite: Bool
      /// Whether the model publishes between-subject variability (a
      /// population run needs it, or an explicit `iiv`).
      public var hasVariability: Bool
      public var citation: String
      /// Studied weights (kg) and ages (years).
      public var weightKilograms: [Double]
      public var ageYears: [Double]
    }
    /// One built-in regimen.
    public struct Regimen: Codable, Sendable, Equatable {
      public var name: String
      public var title: String
      public var summary: String
    }
    /// One effect endpoint.
    public struct Effect: Codable, Sendable, Equatable {
      public var id: String
      public var name: String
    }

    public var defaultModel: String
    public var models: [Model]
    public var regimens: [Regimen]
    public var effects: [Effect]
    public var disclaimer: String
  }

  /// The catalogue the server was built with.
  public static func catalog() throws -> Catalog {
    let catalog = try ModelCatalog.builtIn()
    let regimens = try RegimenCatalog.builtIn()
    return Catalog(
      defaultModel: ModelCatalog.defaultModelID,
      models: catalog.models.map { model in
        Catalog.Model(
          id: model.id, name: model.name, drug: model.drug, population: model.population,
          sampling: model.sampling.rawValue, samplingNote: model.samplingNote, compartments: model.compartmentCount,
          hasEffectSite: model.effectSite != nil, hasVariability: !model.variability.isEmpty, citation: model.citation,
          weightKilograms: [model.weightRange.minimum, model.weightRange.maximum],
          ageYears: [model.ageRange.minimum, model.ageRange.maximum])
      },
      regimens: zip(RegimenCatalog.names, regimens).map { name, regimen in
        Catalog.Regimen(name: name, title: regimen.name, summary: regimen.summary)
      },
      effects: catalog.effects.map { Catalog.Effect(id: $0.id, name: $0.name) },
      disclaimer: disclaimer)
  }
}

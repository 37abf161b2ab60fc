import Foundation

/// Namespace for the model files embedded at build time (filled in by the
/// `EmbedModelCatalog` plugin from `Models/*.yaml`).
enum EmbeddedCatalog {}

/// The published ketamine models and reference thresholds that ship inside
/// ketasim, plus loading of a user's own model file.
public struct ModelCatalog: Sendable {
  /// Built-in models, ordered by id.
  public let models: [ModelDefinition]
  /// Reference thresholds for racemic ketamine.
  public let thresholds: ThresholdSet
  /// Published observations the models are validated against.
  public let observations: ObservationSet
  /// Effect endpoints (`Models/effects.yaml`).
  public var effects: [EffectEndpoint] = []

  /// The id of the model used when none is named.
  public static let defaultModelID = "clements250"

  /// The catalogue carried in the binary, read once per process (a dataset of thousands of subjects resolves
  /// its model once per subject).
  ///
  /// - Throws: ``KetasimError`` if an embedded file is invalid (the test
  ///   suite reads every file, so a release never does).
  public static func builtIn() throws -> ModelCatalog { try embedded.get() }

  /// The embedded files, read on first use (a `static let` is initialised once, safely across threads).
  private static let embedded = Result { try readEmbedded() }

  /// Reads the embedded files: the parts a single run reads alone (``builtInModel(id:)``,
  /// ``builtInThresholds()``, ``builtInEffects()``, each parsed once per process), plus the observations.
  private static func readEmbedded() throws -> ModelCatalog {
    let models = try builtInIDs.map { id in
      guard let model = try builtInModel(id: id) else { preconditionFailure("\(id) is a built-in id") }
      return model
    }
    let observations = try ObservationSet(
      yaml: try embeddedText("observations.yaml"), file: "Models/observations.yaml")
    var catalog = ModelCatalog(models: models, thresholds: try builtInThresholds(), observations: observations)
    catalog.effects = try builtInEffects()
    return catalog
  }

  /// The effect endpoint with this id.
  public func effect(id: String) throws -> EffectEndpoint { try Self.effect(id: id, in: effects) }

  /// The endpoint with this id among `effects`.
  static func effect(id: String, in effects: [EffectEndpoint]) throws -> EffectEndpoint {
    guard let endpoint = effects.first(where: { $0.id == id }) else {
      throw KetasimError.invalidValue("effect", id, accepted: effects.map(\.id).joined(separator: ", "))
    }
    return endpoint
  }

  /// The built-in model with this id.
  public func model(id: String) throws -> ModelDefinition {
    guard let model = models.first(where: { $0.id == id }) else {
      throw KetasimError.unknownName(.model, id, available: models.map(\.id))
    }
    return model
  }

  /// A built-in model by id, or else a model file at that path.
  ///
  /// A name that is not a catalogue id is taken as a path when it contains
  /// `/` or ends in `.yaml`/`.yml`; otherwise it is reported as an unknown id.
  public func resolve(_ name: String) throws -> ModelDefinition {
    if let model = models.first(where: { $0.id == name }) { return model }
    return try Self.modelFile(name, available: models.map(\.id))
  }

  /// The model file at `name` when `name` looks like a path (it contains `/`, ends in `.yaml` or `.yml`, or
  /// names a file); otherwise an unknown id, with the `available` ids in the message.
  static func modelFile(_ name: String, available: [String]) throws -> ModelDefinition {
    let looksLikePath = name.contains("/") || name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    guard looksLikePath || FileManager.default.fileExists(atPath: name) else {
      throw KetasimError.unknownName(.model, name, available: available)
    }
    return try ModelCatalog.loadModelFile(at: name)
  }

  /// Reads a user's model file.
  public static func loadModelFile(at path: String) throws -> ModelDefinition {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw KetasimError.unreadable(
        path, reason: "no such model file; expected a catalogue id or a readable YAML model file")
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
      throw KetasimError.unreadable(path, reason: "cannot read the model file; expected a readable YAML file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw KetasimError.invalidData(path, reason: "the model file is not UTF-8 text; expected a YAML file")
    }
    return try ModelDefinition(yaml: text, file: path)
  }
}

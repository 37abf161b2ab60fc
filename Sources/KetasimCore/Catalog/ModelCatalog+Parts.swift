import Foundation
import Synchronization

/// The parts of the built-in catalogue one run needs, each read on first use: one model, the thresholds,
/// the effect endpoints.
///
/// A command that simulates one model does not need the other models' files or the published observations,
/// and reading YAML is most of a short command's start-up: these read one file each, and
/// ``ModelCatalog/builtIn()`` is built from them (plus the observations), so no file is parsed twice.
extension ModelCatalog {
  /// The ids of the built-in models, in order, from the embedded files' names (nothing is parsed).
  static let builtInIDs: [String] = EmbeddedCatalog.files.map(\.name)
    .filter { !["thresholds.yaml", "observations.yaml", "effects.yaml"].contains($0) }
    .map { String($0.dropLast(".yaml".count)) }.sorted()

  /// Built-in models read so far, by id.
  private static let modelsRead = Mutex<[String: ModelDefinition]>([:])

  /// The built-in model `id`, read from its embedded file alone; nil when no built-in model has that id.
  static func builtInModel(id: String) throws -> ModelDefinition? {
    if let model = modelsRead.withLock({ $0[id] }) { return model }
    guard let file = EmbeddedCatalog.files.first(where: { $0.name == "\(id).yaml" }) else { return nil }
    let model = try ModelDefinition(yaml: file.text, file: "Models/\(file.name)", expectedID: id)
    modelsRead.withLock { $0[id] = model }
    return model
  }

  /// A built-in model by id, or else a model file at that path: ``resolve(_:)`` without reading the other
  /// built-in models.
  static func resolveBuiltInOrFile(_ name: String) throws -> ModelDefinition {
    if let model = try builtInModel(id: name) { return model }
    return try modelFile(name, available: builtInIDs)
  }

  /// The reference thresholds (`Models/thresholds.yaml`), read alone.
  static func builtInThresholds() throws -> ThresholdSet { try thresholdsRead.get() }

  /// The effect endpoints (`Models/effects.yaml`), read alone.
  static func builtInEffects() throws -> [EffectEndpoint] { try effectsRead.get() }

  private static let thresholdsRead = Result {
    try ThresholdSet(yaml: try embeddedText("thresholds.yaml"), file: "Models/thresholds.yaml")
  }

  private static let effectsRead = Result {
    try EffectEndpoint.read(yaml: try embeddedText("effects.yaml"), file: "Models/effects.yaml")
  }

  /// The text of the embedded file `name`.
  static func embeddedText(_ name: String) throws -> String {
    guard let file = EmbeddedCatalog.files.first(where: { $0.name == name }) else {
      throw KetasimError.invalidData("Models/\(name)", reason: "missing from the catalogue")
    }
    return file.text
  }
}

import Foundation

/// The example regimens that ship inside ketasim (`Models/regimens/*.yaml`,
/// embedded at build time like the models), plus loading of a user's own
/// regimen file.
public enum RegimenCatalog {
  /// Names of the built-in regimens (file names without `.yaml`), sorted.
  public static var names: [String] { EmbeddedCatalog.regimens.map { String($0.name.dropLast(".yaml".count)) } }

  /// Every built-in regimen, by name.
  ///
  /// - Throws: ``KetasimError`` if an embedded file is invalid (the test
  ///   suite reads every file, so a release never does).
  public static func builtIn() throws -> [Regimen] {
    try EmbeddedCatalog.regimens.map { try Regimen(yaml: $0.text, file: "Models/regimens/\($0.name)") }
  }

  /// The text of a built-in regimen file, or nil.
  public static func text(of name: String) -> String? {
    EmbeddedCatalog.regimens.first { $0.name == name + ".yaml" }?.text
  }

  /// A built-in regimen by name, or else a regimen file at that path.
  ///
  /// A name that is not built in is taken as a path when it contains `/`,
  /// ends in `.yaml`, `.yml` or `.json`, or names an existing file;
  /// otherwise it is reported as an unknown regimen. A relative model path
  /// inside a regimen file is taken relative to the file's directory.
  ///
  /// - Parameter syringeOverride: replaces the regimen's syringe strength
  ///   (mg/mL), for its mL doses and the mL/h column.
  public static func resolve(_ name: String, syringeOverride: Double? = nil) throws -> Regimen {
    if let entry = EmbeddedCatalog.regimens.first(where: { $0.name == name + ".yaml" }) {
      return try Regimen(yaml: entry.text, file: "Models/regimens/\(entry.name)", syringeOverride: syringeOverride)
    }
    let looksLikePath = name.contains("/") || [".yaml", ".yml", ".json"].contains { name.hasSuffix($0) }
    guard looksLikePath || FileManager.default.fileExists(atPath: name) else {
      throw KetasimError.unknownName(.regimen, name, available: names)
    }
    return try loadFile(at: name, syringeOverride: syringeOverride)
  }

  /// Reads a user's regimen file.
  public static func loadFile(at path: String, syringeOverride: Double? = nil) throws -> Regimen {
    let text = try readText(
      at: path, what: "regimen file", expected: "a built-in regimen name or a readable YAML or JSON file")
    var regimen = try Regimen(yaml: text, file: path, syringeOverride: syringeOverride)
    if let model = regimen.model, !model.hasPrefix("/"),
      model.contains("/") || model.hasSuffix(".yaml") || model.hasSuffix(".yml")
    {
      regimen.model = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(model).path
    }
    return regimen
  }

  /// The UTF-8 text of the file at `path`; a ``KetasimError/unreadable(_:reason:)``
  /// when it is missing or unreadable, an ``KetasimError/invalidData(_:reason:remedy:)``
  /// when it is not UTF-8.
  static func readText(at path: String, what: String, expected: String) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw KetasimError.unreadable(path, reason: "no such \(what); expected \(expected)")
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
      throw KetasimError.unreadable(path, reason: "cannot read the \(what); expected \(expected)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw KetasimError.invalidData(path, reason: "the \(what) is not UTF-8 text; expected \(expected)")
    }
    return text
  }
}

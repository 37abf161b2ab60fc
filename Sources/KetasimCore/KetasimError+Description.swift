extension KetasimError: CustomStringConvertible {
  /// The message on one line, with the remedy in words (see
  /// ``message(renderingRemedy:)``).
  public var description: String { message(renderingRemedy: \.words) }

  /// The message on one line, with the remedy rendered by `render` (which
  /// returns it with its leading separator, such as `"; pass …"`).
  ///
  /// Line breaks inside quoted values (a CSV field with an unterminated
  /// quote, say) are shown as `\n`.
  public func message(renderingRemedy render: (Remedy) -> String) -> String {
    let text = body + (remedy.map(render) ?? "")
    return text.replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
      .replacingOccurrences(of: "\r", with: "\\r")
  }

  /// The message without the remedy.
  private var body: String {
    let place: String
    if case .file? = origin { place = "\(origin!): " } else { place = "" }
    switch problem {
    case .invalidValue(let subject, let value, let accepted):
      return "\(place)invalid \(subject) '\(value)': expected \(accepted)"
    case .unknownName(let catalogue, let name, _):
      return "\(place)unknown \(catalogue.rawValue) '\(name)': expected \(accepted ?? "")"
    case .invalidDose(let spec, let reason):
      return "\(place)invalid dose '\(spec)': \(reason)"
    case .invalidData(let reason), .unreadable(let reason), .cannotCreate(let reason), .writeFailed(let reason):
      return "\(place)\(reason)"
    case .implausible(let subject, let value, let reason):
      return "\(place)refusing \(subject) \(value): \(reason)"
    case .tooLarge(let subject, let needed, let limit):
      return "\(subject) would need \(needed), above the limit of \(limit)"
    case .missingVariability(let model):
      return "model '\(model)' has no published between-subject variability"
    }
  }
}

/// An error in what the user gave ketasim: a value, a dose, a model file.
///
/// Every case renders as one line that names the offending value and what
/// would have been accepted, so that a command-line front can print it as is.
public enum KetasimError: Error, Equatable, Sendable {
  /// `what` had the value `value`; `accepted` says what is allowed.
  case invalidValue(_ what: String, _ value: String, accepted: String)
  /// No catalogue model has this id.
  case unknownModel(_ id: String, available: [String])
  /// A dose specification that could not be understood.
  case invalidDose(_ spec: String, reason: String)
  /// A model or thresholds file that is not valid; `location` is
  /// `file[:line[:column]]`.
  case invalidModelFile(_ location: String, reason: String)
  /// A file that could not be read or written.
  case fileAccess(_ path: String, reason: String)
  /// A regimen file or an event table that is not valid; `location` is
  /// `file[:line[:column]]`.
  case invalidInputFile(_ location: String, reason: String)
  /// No built-in regimen has this name (and no file has this path).
  case unknownRegimen(_ name: String, available: [String])
}

extension KetasimError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .invalidValue(let what, let value, let accepted):
      return "invalid \(what) '\(value)': expected \(accepted)"
    case .unknownModel(let id, let available):
      return "unknown model '\(id)': expected one of \(available.joined(separator: ", ")) or a model file path"
    case .invalidDose(let spec, let reason):
      return "invalid dose '\(spec)': \(reason)"
    case .invalidModelFile(let location, let reason):
      return "\(location): \(reason)"
    case .fileAccess(let path, let reason):
      return "\(path): \(reason)"
    case .invalidInputFile(let location, let reason):
      return "\(location): \(reason)"
    case .unknownRegimen(let name, let available):
      return "unknown regimen '\(name)': expected one of \(available.joined(separator: ", ")) or a regimen file path"
    }
  }
}

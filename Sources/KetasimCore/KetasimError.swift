import Foundation

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
  /// An input file that could not be read (missing, a directory, not
  /// readable).
  case fileAccess(_ path: String, reason: String)
  /// An output file that cannot be created (its directory is missing or not
  /// writable, or the path is a directory).
  case cannotCreate(_ path: String, reason: String)
  /// Writing an output failed part-way (a full disk, a broken device); the
  /// partial output was removed.
  case writeFailed(_ path: String, reason: String)
  /// An input data file (a regimen file, an event table, a patients table,
  /// a population shard) that is not valid; `location` is
  /// `file[:line[:column]]`.
  case invalidInputFile(_ location: String, reason: String)
  /// No built-in regimen has this name (and no file has this path).
  case unknownRegimen(_ name: String, available: [String])
  /// A value that is valid but far outside clinical use, refused unless
  /// the user confirms it (`--allow-extreme`); `value` carries its unit.
  case implausible(_ what: String, _ value: String, reason: String)
  /// A request whose size would exceed a limit; `flag` raises the limit.
  case tooLarge(_ what: String, needed: String, limit: String, flag: String)
  /// A population run for a model without published between-subject
  /// variability, and none given on the command line.
  case missingVariability(model: String)
}

extension KetasimError: CustomStringConvertible {
  /// The message on one line: line breaks inside quoted values (a CSV
  /// field with an unterminated quote, say) are shown as `\n`.
  public var description: String {
    message.replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
      .replacingOccurrences(of: "\r", with: "\\r")
  }

  private var message: String {
    switch self {
    case .invalidValue(let what, let value, let accepted):
      return "invalid \(what) '\(value)': expected \(accepted)"
    case .unknownModel(let id, let available):
      return "unknown model '\(id)': expected one of \(available.joined(separator: ", ")) or a model file path"
    case .invalidDose(let spec, let reason):
      return "invalid dose '\(spec)': \(reason)"
    case .invalidModelFile(let location, let reason):
      return "\(location): \(reason)"
    case .fileAccess(let path, let reason), .cannotCreate(let path, let reason), .writeFailed(let path, let reason):
      return "\(path): \(reason)"
    case .invalidInputFile(let location, let reason):
      return "\(location): \(reason)"
    case .unknownRegimen(let name, let available):
      return "unknown regimen '\(name)': expected one of \(available.joined(separator: ", ")) or a regimen file path"
    case .implausible(let what, let value, let reason):
      return "refusing \(what) \(value): \(reason); pass --allow-extreme to simulate it anyway"
    case .tooLarge(let what, let needed, let limit, let flag):
      return "\(what) would need \(needed), above the limit of \(limit); raise it with \(flag)"
    case .missingVariability(let model):
      return "model '\(model)' has no published between-subject variability: give it explicitly with "
        + "--iiv NAME=OMEGA,... (log-normal SD of eta, P_i = P*exp(eta)), such as --iiv CL=0.3,V1=0.3"
    }
  }
}

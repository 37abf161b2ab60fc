extension KetasimError {
  /// What is wrong, with the parts a message needs.
  ///
  /// A file problem (``invalidData(reason:)``, ``unreadable(reason:)``,
  /// ``cannotCreate(reason:)``, ``writeFailed(reason:)``) says where through
  /// the error's ``KetasimError/origin``.
  public enum Problem: Hashable, Sendable {
    /// `subject` had the value `value` (as typed where known); `accepted`
    /// says what is allowed.
    case invalidValue(_ subject: String, _ value: String, accepted: String)
    /// No entry of a catalogue has this name (and no file has this path).
    case unknownName(Catalogue, _ name: String, available: [String])
    /// A dose specification that could not be understood.
    case invalidDose(_ spec: String, reason: String)
    /// A file (a model, regimen, event table, patients table or shard) whose
    /// contents are not valid.
    case invalidData(reason: String)
    /// An input file that could not be read (missing, a directory, not
    /// readable).
    case unreadable(reason: String)
    /// An output file that cannot be created (its directory is missing or
    /// not writable, or the path is a directory).
    case cannotCreate(reason: String)
    /// Writing an output failed part-way (a full disk, a broken device); the
    /// partial output was removed.
    case writeFailed(reason: String)
    /// A value that is valid but far outside clinical use, refused unless the
    /// user confirms it; `value` carries its unit.
    case implausible(_ subject: String, _ value: String, reason: String)
    /// A request whose size would exceed a resource limit.
    case tooLarge(_ subject: String, needed: String, limit: String)
    /// A population run for a model without published between-subject
    /// variability, and none given.
    case missingVariability(model: String)
  }

  /// The catalogues a name is looked up in.
  public enum Catalogue: String, Hashable, Sendable {
    case model, regimen
  }

  /// How the error is to be treated; a command line maps it to its exit
  /// status.
  ///
  /// A mistake in the request, bad data in a file, a missing input, an
  /// output that cannot be created, or a failure while writing.
  public enum Kind: Hashable, Sendable {
    case usage, data, missingInput, cannotCreate, io
  }

  /// The kind of ``problem``: a bad value is a usage error, or bad data when
  /// it was read from a file (its ``origin`` is a file).
  public var kind: Kind {
    switch problem {
    case .invalidValue, .unknownName, .invalidDose, .implausible, .tooLarge, .missingVariability:
      if case .file? = origin { return .data }
      return .usage
    case .invalidData: return .data
    case .unreadable: return .missingInput
    case .cannotCreate: return .cannotCreate
    case .writeFailed: return .io
    }
  }

  /// The offending value, as typed where known: nil for file problems.
  public var value: String? {
    switch problem {
    case .invalidValue(_, let value, _), .implausible(_, let value, _): return value
    case .unknownName(_, let name, _): return name
    case .invalidDose(let spec, _): return spec
    case .missingVariability(let model): return model
    case .invalidData, .unreadable, .cannotCreate, .writeFailed, .tooLarge: return nil
    }
  }

  /// What would have been accepted, in words, when the problem says.
  public var accepted: String? {
    switch problem {
    case .invalidValue(_, _, let accepted): return accepted
    case .unknownName(let catalogue, _, let available):
      return "one of \(available.joined(separator: ", ")) or a \(catalogue.rawValue) file path"
    default: return nil
    }
  }
}

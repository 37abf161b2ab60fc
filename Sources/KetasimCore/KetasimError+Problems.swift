extension KetasimError {
  /// `subject` had the value `value`; `accepted` says what is allowed.
  public static func invalidValue(_ subject: String, _ value: String, accepted: String, remedy: Remedy? = nil)
    -> KetasimError
  {
    KetasimError(.invalidValue(subject, value, accepted: accepted), remedy: remedy)
  }

  /// A dose specification that could not be understood.
  public static func invalidDose(_ spec: String, reason: String, remedy: Remedy? = nil) -> KetasimError {
    KetasimError(.invalidDose(spec, reason: reason), remedy: remedy)
  }

  /// No entry of `catalogue` is called `name`.
  public static func unknownName(_ catalogue: Catalogue, _ name: String, available: [String]) -> KetasimError {
    KetasimError(.unknownName(catalogue, name, available: available))
  }

  /// A file whose contents are not valid at `location`
  /// (`file[:line[:column]]`).
  public static func invalidData(_ location: String, reason: String, remedy: Remedy? = nil) -> KetasimError {
    KetasimError(.invalidData(reason: reason), origin: InputOrigin(location: location), remedy: remedy)
  }

  /// An input file at `path` that could not be read.
  public static func unreadable(_ path: String, reason: String) -> KetasimError {
    KetasimError(.unreadable(reason: reason), origin: .file(path))
  }

  /// An output file at `path` that cannot be created.
  public static func cannotCreate(_ path: String, reason: String) -> KetasimError {
    KetasimError(.cannotCreate(reason: reason), origin: .file(path))
  }

  /// Writing the output at `path` failed part-way.
  public static func writeFailed(_ path: String, reason: String) -> KetasimError {
    KetasimError(.writeFailed(reason: reason), origin: .file(path))
  }

  /// A value far outside clinical use, refused unless extreme values are
  /// allowed (``Remedy/allowExtreme``).
  public static func implausible(_ subject: String, _ value: String, reason: String) -> KetasimError {
    KetasimError(.implausible(subject, value, reason: reason), remedy: .allowExtreme)
  }

  /// A request above a resource limit, which ``Remedy/raiseLimit(_:)`` raises.
  public static func tooLarge(_ subject: String, needed: String, limit: String, raising: Limit) -> KetasimError {
    KetasimError(.tooLarge(subject, needed: needed, limit: limit), remedy: .raiseLimit(raising))
  }

  /// A population run for `model`, which publishes no variability, without
  /// variability given (``Remedy/giveVariability``).
  public static func missingVariability(model: String) -> KetasimError {
    KetasimError(.missingVariability(model: model), remedy: .giveVariability)
  }
}

extension KetasimError {
  /// The error with `origin` where it has none yet: how a reader that knows
  /// where a value came from adds that to an error about the value.
  public func placed(at origin: InputOrigin) -> KetasimError {
    var error = self
    if error.origin == nil { error.origin = origin }
    return error
  }
}

extension KetasimError {
  /// The error with `value` as the offending value, for a problem that
  /// quotes one (an invalid or implausible value): how a reader that parsed
  /// a number from text reports the text as it was written ('-3', not
  /// '-3.0'), or adds where in a table the value sits.
  public func withValue(_ value: String) -> KetasimError {
    var error = self
    switch problem {
    case .invalidValue(let subject, _, let accepted): error.problem = .invalidValue(subject, value, accepted: accepted)
    case .implausible(let subject, _, let reason): error.problem = .implausible(subject, value, reason: reason)
    default: break
    }
    return error
  }
}

import KetasimCore

extension KetasimError {
  /// The library error inside an error of argument-parser's, or nil.
  ///
  /// A `transform:` closure or a `validate()` that throws a ``KetasimError``
  /// has it wrapped by argument-parser (whose error types are internal) with
  /// a message of its own around it ("The value 'x' is invalid for …").
  /// The command line shows the library's one-line message and exit status
  /// instead, as for an error thrown by `run()`; this finds the wrapped
  /// error by reflection, a few levels deep.
  init?(wrappedIn error: any Error) {
    guard let found = Self.find(in: error, depth: 6) else { return nil }
    self = found
  }

  private static func find(in value: Any, depth: Int) -> KetasimError? {
    if let error = value as? KetasimError { return error }
    guard depth > 0 else { return nil }
    for child in Mirror(reflecting: value).children {
      if let error = find(in: child.value, depth: depth - 1) { return error }
    }
    return nil
  }
}

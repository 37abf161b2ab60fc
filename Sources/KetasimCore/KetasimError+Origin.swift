/// Where a value came from: an input of a request, by name, or a place in
/// a file.
///
/// Like argument-parser's `InputOrigin`, it lets whoever renders an error
/// point at the input without the thrower knowing how it was given.
public enum InputOrigin: Hashable, Sendable {
  /// An input by name, such as `weight` or `duration` (a ``ScenarioRequest``
  /// field; on the command line, the option of the same name).
  case input(String)
  /// A file, with the 1-based line and column when known.
  case file(String, line: Int? = nil, column: Int? = nil)

  /// Reads `file[:line[:column]]`: trailing numbers after colons are the
  /// line and column, the rest is the path (which may hold colons).
  public init(location: String) {
    var parts = location.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    var numbers: [Int] = []
    while parts.count > 1, numbers.count < 2, let number = Int(parts[parts.count - 1]) {
      numbers.insert(number, at: 0)
      parts.removeLast()
    }
    let path = parts.joined(separator: ":")
    self = .file(path, line: numbers.first, column: numbers.count > 1 ? numbers[1] : nil)
  }
}

extension InputOrigin: CustomStringConvertible {
  /// The input's name, or `file[:line[:column]]`.
  public var description: String {
    switch self {
    case .input(let name): return name
    case .file(let path, let line?, let column?): return "\(path):\(line):\(column)"
    case .file(let path, let line?, nil): return "\(path):\(line)"
    case .file(let path, _, _): return path
    }
  }
}

import Yams

/// A YAML node together with the file it came from, with typed accessors
/// whose errors say `file:line:column` and what was expected there.
struct YAMLNode {
  let node: Node
  let file: String

  /// Parses `text` (the contents of `file`) into its root node.
  static func parse(_ text: String, file: String) throws -> YAMLNode {
    do {
      guard let root = try Yams.compose(yaml: text, .basic) else {
        throw KetasimError.invalidData(file, reason: "the file is empty; expected a YAML mapping")
      }
      return YAMLNode(node: root, file: file)
    } catch let error as YamlError {
      throw KetasimError.invalidData(YAMLNode.location(of: error, in: file), reason: YAMLNode.problem(of: error))
    }
  }

  /// `file:line:column` of this node (1-based).
  var location: String {
    guard let mark = node.mark else { return file }
    return "\(file):\(mark.line):\(mark.column)"
  }

  /// Where this node is, as an error's origin.
  var origin: InputOrigin { InputOrigin(location: location) }

  func failure(_ reason: String) -> KetasimError { .invalidData(location, reason: reason) }

  /// The node as a mapping whose keys are among `allowed`.
  ///
  /// Any string key is accepted when `allowed` is nil.
  func mapping(allowing allowed: [String]?) throws -> YAMLMapping {
    guard case .mapping(let mapping) = node else { throw failure("expected a mapping of keys to values") }
    var entries: [String: YAMLNode] = [:]
    for (key, value) in mapping {
      let name = key.string ?? ""
      guard let allowed else {
        entries[name] = YAMLNode(node: value, file: file)
        continue
      }
      guard allowed.contains(name) else {
        throw YAMLNode(node: key, file: file).failure(
          "unknown key '\(name)'; expected one of \(allowed.joined(separator: ", "))")
      }
      entries[name] = YAMLNode(node: value, file: file)
    }
    return YAMLMapping(owner: self, entries: entries, order: mapping.keys.compactMap(\.string))
  }

  func string() throws -> String {
    guard case .scalar(let scalar) = node else { throw failure("expected text") }
    return scalar.string
  }

  func number() throws -> Double {
    guard case .scalar = node, let value = node.float, value.isFinite else {
      throw failure("expected a finite number, found '\((try? string()) ?? "a non-scalar")'")
    }
    return value
  }

  func positiveNumber() throws -> Double {
    let value = try number()
    guard value > 0 else { throw failure("expected a positive number, found \(value)") }
    return value
  }

  func sequence() throws -> [YAMLNode] {
    guard case .sequence(let sequence) = node else { throw failure("expected a list") }
    return sequence.map { YAMLNode(node: $0, file: file) }
  }

  private static func location(of error: YamlError, in file: String) -> String {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
      return "\(file):\(mark.line):\(mark.column)"
    default:
      return file
    }
  }

  private static func problem(of error: YamlError) -> String {
    switch error {
    case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
      return "YAML syntax error: \(problem)"
    default:
      return "YAML error: \(error)"
    }
  }
}

/// A YAML mapping whose keys have been checked against an allowed list.
struct YAMLMapping {
  let owner: YAMLNode
  let entries: [String: YAMLNode]
  /// Keys in file order.
  let order: [String]

  subscript(key: String) -> YAMLNode? { entries[key] }

  func required(_ key: String) throws -> YAMLNode {
    guard let value = entries[key] else { throw owner.failure("missing required key '\(key)'") }
    return value
  }
}

/// A request the server cannot read.
///
/// That is a JSON body of the wrong shape or a query parameter outside its
/// choices. Its ``description`` is the one line of the 422 answer, in the
/// command line's style: what was wrong, where, and what is accepted.
struct RequestProblem: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) { self.description = description }

  /// The problem `error` describes, with the path of the field it is about.
  init(_ error: DecodingError) {
    func path(_ context: DecodingError.Context, _ key: CodingKey? = nil) -> String {
      let keys = context.codingPath + (key.map { [$0] } ?? [])
      let names = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return names.isEmpty ? "the request body" : String(names.drop { $0 == "." })
    }
    switch error {
    case .typeMismatch(let type, let context):
      self.init("invalid \(path(context)): expected \(Self.kind(type)), as /openapi.json describes")
    case .valueNotFound(let type, let context):
      self.init("missing \(path(context)): expected \(Self.kind(type))")
    case .keyNotFound(let key, let context):
      self.init("missing \(path(context, key)): the request must give it, as /openapi.json describes")
    case .dataCorrupted(let context):
      self.init(
        context.codingPath.isEmpty
          ? "the request body is not JSON: expected a JSON object, as /openapi.json describes"
          : "invalid \(path(context)): \(context.debugDescription)")
    @unknown default:
      self.init("the request body does not match /openapi.json")
    }
  }

  private static func kind(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Double.Type, is Int.Type, is UInt64.Type: "a number"
    case is Bool.Type: "true or false"
    case is [String].Type: "a list of strings"
    default: type is any Collection.Type ? "a list" : "an object"
    }
  }
}

/// A value parsed from an option, together with the text the user typed.
///
/// The library checks some bounds on the parsed value (a weight above zero,
/// a step no longer than the run); its error then quotes the text as typed
/// ('0', not '0.0') through ``InputParsing/quotingInput(_:_:)``.
struct Typed<Value: Sendable>: Sendable {
  /// What the user typed.
  let text: String
  /// What it parsed to.
  let value: Value
}

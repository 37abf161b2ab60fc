import Foundation

/// An error in what the user gave ketasim: a value, a dose, a model file.
///
/// The error is structured, so that a front end can render it in its own
/// terms: ``problem`` says what is wrong with which value and what would
/// have been accepted, ``origin`` where the value came from (an input by
/// name, or `file:line:column`), and ``remedy`` what the user can do about
/// it. The library never names a command-line flag: its ``description``
/// states the remedy in words ("confirm extreme values to simulate it
/// anyway"); the `ketasim` command renders remedies as flags.
///
/// ``kind`` follows from the problem and decides the exit status of a
/// command line.
public struct KetasimError: Error, Hashable, Sendable {
  /// What is wrong.
  public var problem: Problem
  /// Where the offending value came from, when known: set by the code that
  /// read it (a file location) or by a wrapper that knows the input's name.
  public var origin: InputOrigin?
  /// What the user can do about it, beyond giving an accepted value.
  public var remedy: Remedy?

  /// An error for `problem`.
  public init(_ problem: Problem, origin: InputOrigin? = nil, remedy: Remedy? = nil) {
    self.problem = problem
    self.origin = origin
    self.remedy = remedy
  }
}

import ArgumentParser
import Foundation
import KetasimCore

/// How a `--plot` picture frames the run: the stretch of time it shows and
/// a logarithmic concentration axis (simulate, compare and population).
struct PictureOptions: ParsableArguments {
  @Option(
    name: .customLong("x-range"),
    help: ArgumentHelp(
      "The stretch of time the picture shows, 'FROM..TO' (such as '0..2 h', '30 min..90 min').",
      valueName: "from..to"),
    transform: PictureOptions.timeRange(parsing:))
  var xRange: ClosedRange<Double>?

  @Flag(help: "Draw the picture's concentration axis in decades (logarithmic).")
  var log = false

  /// A time range `FROM..TO` in minutes, FROM before TO.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` naming `x-range`.
  @Sendable static func timeRange(parsing text: String) throws -> ClosedRange<Double> {
    let parts = text.components(separatedBy: "..")
    let accepted = "FROM..TO with times such as '0..2 h' or '30 min..90 min', FROM before TO"
    guard parts.count == 2,
      let from = try? ClockTime(parsingDuration: parts[0].trimmingCharacters(in: .whitespaces), what: "x-range"),
      let to = try? ClockTime(parsingDuration: parts[1].trimmingCharacters(in: .whitespaces), what: "x-range"),
      from < to
    else { throw KetasimError.invalidValue("x-range", text, accepted: accepted) }
    return from.minutes...to.minutes
  }
}

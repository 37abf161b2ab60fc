import Foundation

/// Numbers as people at the chair read them: concentrations to about three
/// significant figures, clock times as `h:mm`, durations in min or h and min.
///
/// Every function is total: non-finite values print as `-`.
public enum ClinicalFormat {
  /// Today's date, ISO 8601 in UTC (`2026-12-04`), as a picture's footer shows it.
  public static var today: String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: Date())
  }

  /// A concentration in ng/mL: whole numbers from 10 up, one decimal below
  /// (`177`, `48`, `7.0`).
  public static func concentration(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    return abs(value) >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value)
  }

  /// An amount (mg, mL) or a rate (mg/h, mL/h): whole numbers from 100 up,
  /// one decimal from 10, two from 1, three significant digits below, without
  /// trailing zeros (`41`, `61.5`, `6.15`, `0.75`, `0.375`), so that a pump
  /// rate keeps its hundredths and a per-kg rate its thousandths.
  public static func amount(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    var text =
      abs(value) >= 1 || value == 0
      ? String(format: "%.\(abs(value) >= 100 ? 0 : abs(value) >= 10 ? 1 : 2)f", value)
      : String(format: "%.3g", value)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  /// Minutes from the start of the run as a clock reading `h:mm`, rounded
  /// to the minute; from one day on, `day D h:mm` (day 1 is the first).
  public static func clock(_ minutes: Double) -> String {
    guard minutes.isFinite else { return "-" }
    let total = Int(minutes.rounded())
    let day = total / 1440
    let text = "\(total % 1440 / 60):" + String(format: "%02d", total % 60)
    return day > 0 ? "day \(day + 1) \(text)" : text
  }

  /// A duration: `16 min`, `1 h 05 min`, `2 d 3 h`; rounded to the minute
  /// (to the hour from two days on).
  public static func duration(_ minutes: Double) -> String {
    guard minutes.isFinite else { return "-" }
    let total = Int(minutes.rounded())
    if total < 60 { return "\(total) min" }
    if total < 2880 { return "\(total / 60) h " + String(format: "%02d", total % 60) + " min" }
    let hours = Int((minutes / 60).rounded())
    return "\(hours / 24) d \(hours % 24) h"
  }
}

import ArgumentParser
import KetasimCore

/// `--event-time-unit h|min`.
extension EventTable.TimeUnit: ArgumentChoices {
  static let optionName = "event time unit"
  static let acceptedText = "h or min"
}

import ArgumentParser

/// `models validate --format`: a table for people, or CSV with units.
enum ValidationFormat: String, ArgumentChoices {
  case text
  case csv

  static let optionName = "format"
  static let acceptedText = "text or csv"
}

import ArgumentParser
import KetasimCore

/// `tci --site`: where the pump's targets apply.
enum TargetSite: String, ArgumentChoices {
  case plasma
  case effect

  static let optionName = "site"
  static let acceptedText = "plasma or effect"

  /// Also `cp`, `ce` and `effect-site`, in any case.
  init?(argument: String) {
    switch argument.lowercased() {
    case "plasma", "cp": self = .plasma
    case "effect", "effect-site", "ce": self = .effect
    default: return nil
    }
  }

  /// The observation the targets are set on.
  var site: CurveReadout.Site { self == .plasma ? .plasma : .effectSite }
}

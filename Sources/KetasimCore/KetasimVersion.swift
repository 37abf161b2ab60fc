/// The version of ketasim, printed by `ketasim --version` and recorded in the
/// files it writes for later runs to check.
public enum KetasimVersion {
  /// Semantic version of this build.
  public static let current = "0.6.0"
}

/// What is given: racemic ketamine or esketamine (S-ketamine).
///
/// Doses are mg of the drug given. A racemic dose is half S- and half R-ketamine; an S-ketamine model
/// (``ModelDefinition/isSKetamine``) describes only the S enantiomer, so it simulates a racemic dose only
/// when the user states the S fraction (see ``ScenarioRequest/sFraction``).
public enum Drug: String, Sendable, CaseIterable {
  /// Racemic ketamine (the default: what ketamine clinics and emergency departments give IV).
  case racemic
  /// Esketamine (S-ketamine).
  case esketamine
}

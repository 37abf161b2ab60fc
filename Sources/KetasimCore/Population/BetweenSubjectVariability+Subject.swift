extension BetweenSubjectVariability {
  /// The variability of `subject`'s model: `text` parsed (`NAME=OMEGA,…`, `A~B=R`) against the parameters its
  /// model can vary, or, when `text` is nil, the model's published variability.
  ///
  /// The parameters that can vary are those of the model's own individual, without the effect sites of
  /// `--effect` endpoints.
  ///
  /// - Throws: ``KetasimError`` for a bad `text`, or a model that publishes no variability when `text` is nil.
  public init(parsing text: String?, for subject: ScenarioSubject) throws {
    guard let text else {
      try self.init(published: subject.definition)
      return
    }
    let design = PopulationDesign(
      model: subject.definition, ke0Override: subject.ke0Override, variability: BetweenSubjectVariability(),
      covariates: .fixed(subject.patient), seed: 0)
    let typical = try subject.definition.individual(
      for: subject.patient, ke0Override: subject.ke0Override, inputFraction: subject.inputFraction)
    try self.init(parsing: text, available: design.variableParameters(typical: typical))
  }
}

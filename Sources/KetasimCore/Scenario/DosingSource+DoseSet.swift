extension DosingSource {
  /// A labelled set of doses for a side-by-side comparison:
  /// `LABEL=SPEC; SPEC; change at TIME to RATE`, such as
  /// `slowed=0.5 mg/kg over 40 min; change at 20 min to 0.3 mg/kg/h`.
  ///
  /// Each item is a dose spec (or a `then` chain), or, starting with
  /// `change`, a ``RateChange`` made on the set's doses.
  ///
  /// - Parameter syringe: strength (mg/mL) for mL and mL/h doses.
  /// - Throws: ``KetasimError`` for a set without a label or doses, or an
  ///   item that does not parse.
  public init(doseSet text: String, syringe: Double?) throws {
    let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    let accepted =
      "LABEL=SPEC; SPEC (such as 'bolus=1 mg/kg; 0.5 mg/kg at 10 min' or "
      + "'slowed=0.5 mg/kg over 40 min; change at 20 min to 0.3 mg/kg/h'), LABEL of letters, digits, - or _"
    guard parts.count == 2, !parts[0].isEmpty,
      parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    else { throw KetasimError.invalidValue("dose set", text, accepted: accepted) }
    let items = parts[1].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let isChange = { (item: String) in item.lowercased().hasPrefix("change ") }
    let doseItems = items.filter { !isChange($0) }
    guard !doseItems.isEmpty else { throw KetasimError.invalidValue("dose set", text, accepted: accepted) }
    let specs = try doseItems.flatMap {
      try DoseSpec.chain(parsing: $0, salt: .base, syringeMilligramsPerMilliliter: syringe)
    }
    var regimen = Regimen(id: parts[0], name: parts[0], doses: specs)
    regimen.syringeMilligramsPerMilliliter = syringe
    regimen = try regimen.changing(
      try items.filter(isChange).map { try RateChange(parsing: $0, syringeMilligramsPerMilliliter: syringe) })
    self.init(regimen: regimen, isFile: false)
  }
}

/// What a dose spec reads beyond numbers and words: amounts and rates with
/// their units, the salt, and durations after a keyword.
extension QuantityScanner {
  private func fail(_ reason: String) -> KetasimError { .invalidDose(text, reason: reason) }

  /// A quantity as written: mass (mg) or volume (mL), per kg or not, per
  /// minute (a rate) or not; the salt and syringe are applied by
  /// ``resolve(_:salt:syringe:fail:)``.
  struct WrittenQuantity {
    var value: Double
    var unit: String
    var isVolume: Bool
    var perKilogram: Bool
    var isRate: Bool
    /// The number and unit as written, for messages.
    var typed: String
  }

  /// `HCl` or `base` right after the quantity, or nil without moving.
  mutating func salt() -> KetamineSalt? {
    let saved = position
    if let word = word(), let salt = KetamineSalt(named: word) { return salt }
    position = saved
    return nil
  }

  /// The quantity in mg (or mg/min) of base.
  static func resolve(
    _ written: WrittenQuantity, salt: KetamineSalt, syringe: Double?, fail: (String) -> KetasimError
  ) throws -> DoseSpec.Quantity {
    var milligrams = written.value
    if written.isVolume {
      guard let syringe else {
        var error = fail("'\(written.unit)' needs the syringe concentration")
        error.remedy = .giveSyringe(inRegimen: true)
        throw error
      }
      guard syringe.isFinite, syringe > 0 else {
        throw fail("the syringe concentration \(syringe) mg/mL is not a positive number")
      }
      milligrams *= syringe
    } else {
      milligrams *= salt.baseFraction
    }
    guard milligrams.isFinite, milligrams <= QuantityScanner.largestAmount else {
      throw fail("'\(written.typed)' is too large; expected at most 1e9 mg (or mg/min)")
    }
    if written.isRate { return .rate(milligramsPerMinute: milligrams, perKilogram: written.perKilogram) }
    return .amount(milligrams: milligrams, perKilogram: written.perKilogram)
  }

  /// The leading amount or rate, or nil if the spec does not start with a number.
  mutating func quantity() throws -> WrittenQuantity? {
    guard let value = number() else { return nil }
    guard value.isFinite, value >= 0 else {
      throw fail("the amount \(lastNumber) is negative or not finite; expected zero or more")
    }
    guard let unit = word() else {
      throw fail("'\(lastNumber)' has no unit; expected mg, ug, mg/kg, ug/kg or a rate such as mg/kg/h")
    }
    var parts = unit.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let first = parts.removeFirst()
    let isVolume = QuantityScanner.volumeUnits.contains(first)
    guard let amountFactor = isVolume ? 1 : QuantityScanner.amountUnits[first] else {
      throw fail("unknown unit '\(unit)'; " + QuantityScanner.acceptedUnits)
    }
    var perKilogram = false
    var perMinute: Double?
    for part in parts {
      if part == "kg", !perKilogram {
        perKilogram = true
      } else if let minutes = QuantityScanner.timeUnits[part], perMinute == nil {
        perMinute = 1 / minutes
      } else {
        throw fail("unknown unit '\(unit)'; " + QuantityScanner.acceptedUnits)
      }
    }
    let scaled = value * amountFactor * (perMinute ?? 1)
    guard scaled.isFinite, scaled <= QuantityScanner.largestAmount else {
      throw fail("'\(lastNumber) \(unit)' is too large; expected at most 1e9 mg (or mg/min)")
    }
    return WrittenQuantity(
      value: scaled, unit: unit, isVolume: isVolume, perKilogram: perKilogram, isRate: perMinute != nil,
      typed: "\(lastNumber) \(unit)")
  }

  /// A number and a time unit, read after the keyword `keyword`.
  mutating func duration(after keyword: String) throws -> ClockTime {
    guard let value = number() else {
      throw fail("'\(keyword)' must be followed by a number and a time unit, such as '40 min'")
    }
    let written = lastNumber
    guard let unit = word() else { throw fail("'\(keyword) \(written)' needs a time unit: s, min, h or d") }
    guard let minutes = QuantityScanner.timeUnits[unit] else {
      throw fail("'\(keyword) \(written) \(unit)': '\(unit)' is not a time unit; expected s, min, h or d")
    }
    guard value.isFinite, value >= 0, let time = ClockTime(validatingMinutes: value * minutes),
      time <= ClockTime.limit
    else {
      throw fail("'\(keyword) \(written) \(unit)' is negative or too large; expected a time from 0 up to 100 years")
    }
    return time
  }

  static let acceptedUnits =
    "expected an amount (mg, g, ug, mcg, optionally /kg) or a rate (such as mg/h, mg/min, mg/kg/h, ug/kg/min), "
    + "or mL and mL/h with a syringe concentration"
}

extension PlausibilityLimits {
  /// Throws ``KetasimError/implausible(_:_:reason:)`` for the first
  /// target-controlled infusion target above
  /// ``largestTargetNanogramsPerMilliliter``.
  public func check(_ targets: [TargetStep]) throws {
    if let high = targets.first(where: { $0.nanogramsPerMilliliter > largestTargetNanogramsPerMilliliter }) {
      throw KetasimError.implausible(
        "target", "\(Self.text(high.nanogramsPerMilliliter)) ng/mL",
        reason: "above \(Self.text(largestTargetNanogramsPerMilliliter)) ng/mL")
    }
  }
}

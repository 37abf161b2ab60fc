import Foundation

/// Independent reference solutions, written from the textbook formulas of Gibaldi & Perrier,
/// Pharmacokinetics, 2nd ed., not from KetasimCore.
///
/// Units: volumes L, rate constants 1/min, doses mg, rates mg/min, concentrations mg/L (multiply by 1000 for ng/mL).
enum Reference {
  /// Plasma concentration of a 2-compartment model during and after a
  /// zero-order infusion of `rate` from 0 to `duration`, at time `t`.
  static func twoCompartmentInfusion(
    v1: Double, k10: Double, k12: Double, k21: Double, rate: Double, duration: Double, at t: Double
  ) -> Double {
    let sum = k10 + k12 + k21
    let root = (sum * sum - 4 * k10 * k21).squareRoot()
    let alpha = (sum + root) / 2
    let beta = (sum - root) / 2
    let a = (alpha - k21) / (alpha * (alpha - beta))
    let b = (k21 - beta) / (beta * (alpha - beta))
    if t <= duration {
      return rate / v1 * (a * (1 - exp(-alpha * t)) + b * (1 - exp(-beta * t)))
    }
    return rate / v1
      * (a * (1 - exp(-alpha * duration)) * exp(-alpha * (t - duration))
        + b * (1 - exp(-beta * duration)) * exp(-beta * (t - duration)))
  }

  /// Plasma concentration of a 1-compartment model (volume `v`, clearance
  /// `cl` L/min) for a zero-order infusion of `rate` from 0 to `duration`.
  static func oneCompartmentInfusion(v: Double, cl: Double, rate: Double, duration: Double, at t: Double) -> Double {
    let k = cl / v
    let atEnd = rate / cl * (1 - exp(-k * min(t, duration)))
    return t <= duration ? atEnd : atEnd * exp(-k * (t - duration))
  }

  /// Classical fourth-order Runge-Kutta integration of a mammillary model with up to two peripheral compartments and an effect site (dCe/dt = ke0 (A1/V1 - Ce)), for one zero-order infusion from 0 to `duration`.
  ///
  /// Returns (Cp, Ce) in mg/L at each of `times` (minutes, in increasing order). Used with a small step as a
  /// brute-force check.
  static func rungeKutta(
    v1: Double, k10: Double, k12: Double, k21: Double, k13: Double, k31: Double, ke0: Double,
    rate: Double, duration: Double, times: [Double], step: Double = 0.002
  ) -> [(cp: Double, ce: Double)] {
    func derivative(_ x: [Double], _ input: Double) -> [Double] {
      let (a1, a2, a3, ce) = (x[0], x[1], x[2], x[3])
      return [
        input - (k10 + k12 + k13) * a1 + k21 * a2 + k31 * a3,
        k12 * a1 - k21 * a2,
        k13 * a1 - k31 * a3,
        ke0 * (a1 / v1 - ce),
      ]
    }
    var state = [0.0, 0.0, 0.0, 0.0]
    var now = 0.0
    var results: [(cp: Double, ce: Double)] = []
    func advance(to target: Double) {
      while now < target - 1e-12 {
        // Never step across the end of the infusion: the input jumps there.
        var h = min(step, target - now)
        if now < duration { h = min(h, duration - now) }
        let input = now < duration ? rate : 0
        let s1 = derivative(state, input)
        let s2 = derivative(zip(state, s1).map { $0 + h / 2 * $1 }, input)
        let s3 = derivative(zip(state, s2).map { $0 + h / 2 * $1 }, input)
        let s4 = derivative(zip(state, s3).map { $0 + h * $1 }, input)
        for i in 0..<4 { state[i] += h / 6 * (s1[i] + 2 * s2[i] + 2 * s3[i] + s4[i]) }
        now += h
      }
    }
    for time in times {
      advance(to: time)
      results.append((state[0] / v1, state[3]))
    }
    return results
  }
}

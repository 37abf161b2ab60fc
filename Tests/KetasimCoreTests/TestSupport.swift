import Foundation
import Testing

@testable import KetasimCore

// Shared helpers of the numerical test suite: tolerant comparisons, a seeded
// random generator, parameter and schedule builders, and the textbook closed
// forms (Gibaldi & Perrier, Pharmacokinetics, 2nd ed.) written out independently of the engine.

// MARK: - Tolerant comparisons

/// Expects `|a − b| ≤ rel · max(|a|, |b|)`.
///
/// NaN never passes.
func expectClose(
  _ a: Double, _ b: Double, rel: Double, _ comment: Comment? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  expectClose(a, b, rel: rel, abs: 0, comment, sourceLocation: sourceLocation)
}

/// Expects `|a − b| ≤ rel · max(|a|, |b|) + abs` (an absolute floor for values near zero).
///
/// NaN never passes.
func expectClose(
  _ a: Double, _ b: Double, rel: Double, abs absolute: Double, _ comment: Comment? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let difference = Swift.abs(a - b)
  let bound = rel * max(Swift.abs(a), Swift.abs(b)) + absolute
  let passes = difference <= bound
  let note = comment.map { "; " + $0.rawValue } ?? ""
  #expect(
    passes,
    Comment(rawValue: "\(a) vs \(b): |difference| \(difference) > bound \(bound) (rel \(rel), abs \(absolute))\(note)"),
    sourceLocation: sourceLocation)
}

/// Expects `value` to round to a published number printed with `decimals`
/// digits after the point: `|value − printed| ≤ ½·10^−decimals` (with a
/// hair of slack for the printed value's own binary representation).
func expectPrinted(
  _ value: Double, _ printed: Double, decimals: Int, _ comment: Comment? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let halfUnit = 0.5 * pow(10, -Double(decimals))
  let bound = halfUnit * (1 + 1e-9) + 1e-12 * Swift.abs(printed)
  let difference = Swift.abs(value - printed)
  let note = comment.map { "; " + $0.rawValue } ?? ""
  #expect(
    difference <= bound,
    Comment(
      rawValue:
        "got \(value), published \(printed) (\(decimals) decimals): |difference| \(difference) > \(bound)\(note)"),
    sourceLocation: sourceLocation)
}

/// Expects `value` to agree with a published number printed to `digits`
/// significant figures.
///
/// NONMEM tables print 5; R drops trailing zeros, so "1940" at 5 significant
/// figures means 1940.0 ± 0.05.
func expectSignificant(
  _ value: Double, _ printed: Double, digits: Int, _ comment: Comment? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let decimals = digits - 1 - Int(floor(log10(Swift.abs(printed))))
  expectPrinted(value, printed, decimals: decimals, comment, sourceLocation: sourceLocation)
}

/// Compares two series element by element with `rel · |b| + floor · max|b|`
/// and reports only the worst element (so a broken series gives one failure,
/// not thousands).
func expectSeriesClose(
  _ a: [Double], _ b: [Double], rel: Double, floor: Double, _ comment: Comment? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let note = comment.map { "; " + $0.rawValue } ?? ""
  guard a.count == b.count else {
    Issue.record(
      Comment(rawValue: "series lengths differ: \(a.count) vs \(b.count)\(note)"), sourceLocation: sourceLocation)
    return
  }
  let scale = b.reduce(0) { max($0, Swift.abs($1)) }
  var worstIndex = -1
  var worstRatio = 0.0
  for index in a.indices {
    let bound = rel * Swift.abs(b[index]) + floor * scale
    let difference = Swift.abs(a[index] - b[index])
    let ratio = bound > 0 ? difference / bound : (difference == 0 ? 0 : .infinity)
    if !(ratio <= worstRatio) || ratio.isNaN {
      worstRatio = ratio.isNaN ? .infinity : ratio
      worstIndex = index
    }
  }
  if worstIndex >= 0 {
    #expect(
      worstRatio <= 1,
      Comment(
        rawValue:
          "worst element \(worstIndex): \(a[worstIndex]) vs \(b[worstIndex]), |difference| \(Swift.abs(a[worstIndex] - b[worstIndex])) is \(worstRatio)× the bound (rel \(rel), floor \(floor)·\(scale))\(note)"
      ),
      sourceLocation: sourceLocation)
  }
}

// MARK: - Seeded random numbers

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fully reproducible generator for random-parameter property checks.
///
/// Failure comments print the seed so that a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
  let seed: UInt64
  private var state: UInt64

  init(seed: UInt64) {
    self.seed = seed
    self.state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in `range`.
  mutating func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &self) }

  /// Log-uniform in `range` (both bounds positive).
  mutating func logUniform(_ range: ClosedRange<Double>) -> Double {
    exp(Double.random(in: log(range.lowerBound)...log(range.upperBound), using: &self))
  }

  /// Uniform whole number in `range`.
  mutating func integer(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

/// Seeds used by the property checks (fixed: the suite is deterministic).
let propertySeeds: [UInt64] = [1, 42, 2024, 0xC0FFEE, 977_318_455]

// MARK: - Parameters

/// Builds parameters from clearances in L/h and volumes in L (the units of the peers' test files),
/// converting clearances to the engine's L/min.
///
/// `ke0` is per minute.
func pkPerHour(
  cl: Double, v1: Double, peripherals: [(q: Double, v: Double)] = [], ke0PerMinute: Double? = nil
) throws -> PKParameters {
  try PKParameters(
    centralVolume: v1, clearance: cl / 60,
    peripherals: peripherals.map { (volume: $0.v, clearance: $0.q / 60) }, ke0: ke0PerMinute)
}

/// Builds parameters from clearances in L/min and volumes in L.
func pkPerMinute(
  cl: Double, v1: Double, peripherals: [(q: Double, v: Double)] = [], ke0: Double? = nil
) throws -> PKParameters {
  try PKParameters(
    centralVolume: v1, clearance: cl, peripherals: peripherals.map { (volume: $0.v, clearance: $0.q) }, ke0: ke0)
}

/// Builds parameters from micro-constants (1/min): `CL = k10·V1`, `Qj = k1j·V1`, `Vj = Qj/kj1`.
///
/// Zero k12 (k13) means no second (third) compartment.
func pkMicro(
  v1: Double, k10: Double, k12: Double = 0, k21: Double = 0, k13: Double = 0, k31: Double = 0,
  ke0: Double? = nil
) throws -> PKParameters {
  var peripherals: [(volume: Double, clearance: Double)] = []
  if k12 > 0 { peripherals.append((volume: k12 * v1 / k21, clearance: k12 * v1)) }
  if k13 > 0 { peripherals.append((volume: k13 * v1 / k31, clearance: k13 * v1)) }
  return try PKParameters(centralVolume: v1, clearance: k10 * v1, peripherals: peripherals, ke0: ke0)
}

/// Random but physiologically plausible parameters (L, L/min, 1/min).
func randomParameters(compartments: Int, effectSite: Bool, using rng: inout SplitMix64) throws -> PKParameters {
  let v1 = rng.logUniform(2...60)
  let cl = rng.logUniform(0.2...3)
  var peripherals: [(q: Double, v: Double)] = []
  if compartments >= 2 { peripherals.append((q: rng.logUniform(0.2...5), v: rng.logUniform(5...200))) }
  if compartments >= 3 { peripherals.append((q: rng.logUniform(0.05...3), v: rng.logUniform(20...500))) }
  return try pkPerMinute(cl: cl, v1: v1, peripherals: peripherals, ke0: effectSite ? rng.logUniform(0.05...2) : nil)
}

/// The 2-compartment Domino-derived ketamine model of regression case K1
/// (V1 4.41 L, k10 0.4381, k12 0.5921, k21 0.2470 /min).
func dominoTwoCompartment(ke0: Double? = nil) throws -> PKParameters {
  try pkMicro(v1: 4.41, k10: 0.4381, k12: 0.5921, k21: 0.2470, ke0: ke0)
}

/// The 3-compartment Domino model of regression case K2 (70 kg).
func dominoThreeCompartment(ke0: Double? = nil) throws -> PKParameters {
  try pkMicro(v1: 4.41, k10: 0.4381, k12: 0.5921, k21: 0.2470, k13: 0.5900, k31: 0.0146, ke0: ke0)
}

// MARK: - Times and doses

func minutes(_ value: Double) -> ClockTime { ClockTime(minutes: value) }
func hours(_ value: Double) -> ClockTime { ClockTime(minutes: value * 60) }
func minuteTimes(_ values: [Double]) -> [ClockTime] { values.map { ClockTime(minutes: $0) } }
func hourTimes(_ values: [Double]) -> [ClockTime] { values.map { ClockTime(minutes: $0 * 60) } }

func bolus(_ milligrams: Double, atMinutes time: Double) -> Dose {
  .bolus(milligrams: milligrams, at: ClockTime(minutes: time))
}

/// An infusion of `milligramsPerMinute` from `start` for `duration` minutes.
func infusion(_ milligramsPerMinute: Double, fromMinutes start: Double, forMinutes duration: Double) -> Dose {
  .infusion(
    milligramsPerMinute: milligramsPerMinute, start: ClockTime(minutes: start), duration: ClockTime(minutes: duration))
}

/// `total` mg spread evenly over `duration` minutes from `start`.
func infusion(totalMilligrams total: Double, fromMinutes start: Double, overMinutes duration: Double) -> Dose {
  infusion(total / duration, fromMinutes: start, forMinutes: duration)
}

func schedule(_ doses: [Dose]) throws -> DosingSchedule { try DosingSchedule(doses) }
func schedule(_ doses: Dose...) throws -> DosingSchedule { try DosingSchedule(doses) }

/// The exact central concentrations of `doses` at `times` (mg/L).
func simulatedConcentrations(
  _ parameters: PKParameters, _ doses: [Dose], at times: [ClockTime], initialState: SIMD4<Double> = .zero
) throws -> [Double] {
  let simulation = Simulation(
    disposition: Disposition(parameters), schedule: try DosingSchedule(doses), initialState: initialState)
  return simulation.centralConcentrations(at: times)
}

// MARK: - Independent closed forms (Gibaldi & Perrier, Pharmacokinetics, 2nd ed.)

/// A textbook closed form: single-dose responses (mg/L) that superpose.
protocol ClosedFormReference {
  /// Concentration `t` minutes after a bolus of `dose` mg (0 before it).
  func bolus(_ dose: Double, after t: Double) -> Double
  /// Concentration `t` minutes after the start of an infusion of `rate`
  /// mg/min lasting `duration` minutes (0 before it).
  func infusion(rate: Double, duration: Double, after t: Double) -> Double
}

extension ClosedFormReference {
  /// Superposition of `doses` at `t` minutes (a bolus at `t` counts).
  func concentration(_ doses: [Dose], at t: Double) -> Double {
    doses.reduce(0) { total, dose in
      switch dose {
      case .bolus(let amount, let time): return total + bolus(amount, after: t - time.minutes)
      case .infusion(let rate, let start, let duration):
        return total + infusion(rate: rate, duration: duration.minutes, after: t - start.minutes)
      }
    }
  }
}

/// Textbook one-compartment model: `C = D/V·e^(−kt)`, infusion
/// `C = R/CL·(1 − e^(−kt))`, then mono-exponential decline.
struct OneCompartmentClosedForm: ClosedFormReference {
  let volume: Double
  let k: Double

  init(volume: Double, clearance: Double) {
    self.volume = volume
    self.k = clearance / volume
  }

  func bolus(_ dose: Double, after t: Double) -> Double { t < 0 ? 0 : dose / volume * exp(-k * t) }

  func infusion(rate: Double, duration: Double, after t: Double) -> Double {
    if t <= 0 { return 0 }
    let css = rate / (volume * k)
    if t <= duration { return css * (1 - exp(-k * t)) }
    return css * (1 - exp(-k * duration)) * exp(-k * (t - duration))
  }

}

/// Textbook two-compartment model in α/β form (Gibaldi & Perrier, Pharmacokinetics, 2nd ed.).
///
/// In formulas:
///
///   α, β = ½[(k10+k12+k21) ± √((k10+k12+k21)² − 4·k10·k21)]
///   bolus:    C = (D/V1)[(α−k21)/(α−β)·e^(−αt) + (k21−β)/(α−β)·e^(−βt)]
///   infusion: C = (R/V1)[(α−k21)/(α(α−β))·(1−e^(−αt)) + (k21−β)/(β(α−β))·(1−e^(−βt))]  (t ≤ T)
///             C = (R/V1)[(α−k21)/(α(α−β))·(1−e^(−αT))e^(−α(t−T)) + (k21−β)/(β(α−β))·(1−e^(−βT))e^(−β(t−T))]
struct TwoCompartmentClosedForm: ClosedFormReference {
  let v1: Double
  let k10: Double
  let k12: Double
  let k21: Double
  let alpha: Double
  let beta: Double

  init(v1: Double, k10: Double, k12: Double, k21: Double) {
    self.v1 = v1
    self.k10 = k10
    self.k12 = k12
    self.k21 = k21
    let sum = k10 + k12 + k21
    let root = (sum * sum - 4 * k10 * k21).squareRoot()
    alpha = (sum + root) / 2
    // β from α·β = k10·k21 (avoids the cancellation in (sum − root)/2).
    beta = k10 * k21 / alpha
  }

  /// From volumes and clearances (any consistent time unit).
  init(v1: Double, cl: Double, q: Double, v2: Double) {
    self.init(v1: v1, k10: cl / v1, k12: q / v1, k21: q / v2)
  }

  func bolus(_ dose: Double, after t: Double) -> Double {
    if t < 0 { return 0 }
    let a = (alpha - k21) / (alpha - beta)
    let b = (k21 - beta) / (alpha - beta)
    return dose / v1 * (a * exp(-alpha * t) + b * exp(-beta * t))
  }

  func infusion(rate: Double, duration: Double, after t: Double) -> Double {
    if t <= 0 { return 0 }
    let a = (alpha - k21) / (alpha * (alpha - beta))
    let b = (k21 - beta) / (beta * (alpha - beta))
    if t <= duration {
      return rate / v1 * (a * -expm1(-alpha * t) + b * -expm1(-beta * t))
    }
    return rate / v1
      * (a * -expm1(-alpha * duration) * exp(-alpha * (t - duration))
        + b * -expm1(-beta * duration) * exp(-beta * (t - duration)))
  }

}

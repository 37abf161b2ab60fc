import Foundation
import Testing

@testable import KetasimCore

// Disposition.rowCurve, the read-out's one-row modal evaluation, against the whole transition applied to the
// state (the default every other engine uses): random 1-3 compartment models with and without an effect site,
// rows reading the compartments, offsets from 0 to days, the pump on and off.

@Suite struct ModalEvaluationTests {
  @Test(arguments: [1, 2, 3])
  func oneRowEqualsTheWholeTransition(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    var checked = 0
    for _ in 0..<60 {
      let compartments = rng.integer(1...3)
      let parameters = try randomParameters(
        compartments: compartments, effectSite: rng.integer(0...1) == 1, using: &rng)
      let disposition = Disposition(parameters)
      var state = SIMD4<Double>.zero
      for i in 0..<disposition.stateCount { state[i] = rng.uniform(0...50) }
      var row = SIMD4<Double>.zero
      for i in 0..<compartments { row[i] = rng.uniform(-2...2) }
      for rate in [0, rng.uniform(0.1...20)] {
        for offset in [0, rng.uniform(0...1), rng.uniform(1...60), rng.uniform(60...5000)] {
          let whole = (row * disposition.transition(overMinutes: offset).apply(to: state, rate: rate)).sum()
          let modal = disposition.rowCurve(row, from: state, rate: rate).value(atMinutes: offset)
          // Amounts stay non-negative from a non-negative state: Σ|rᵢ|·xᵢ bounds the terms' size.
          let x = disposition.transition(overMinutes: offset).apply(to: state, rate: rate)
          let size = (0..<4).reduce(0.0) { $0 + abs(row[$1]) * x[$1] }
          #expect(abs(modal - whole) <= 1e-13 * size + 1e-300, "\(parameters) row \(row) t \(offset) u \(rate)")
          checked += 1
        }
      }
    }
    #expect(checked == 480)
  }

  @Test func aRowWithEffectSiteWeightUsesTheWholeTransition() throws {
    let disposition = Disposition(try dominoTwoCompartment(ke0: 0.238))
    let state = SIMD4<Double>(20, 5, 0.1, 0)
    let row = SIMD4<Double>(0, 0, 1000, 0)
    let whole = (row * disposition.transition(overMinutes: 7).apply(to: state, rate: 2)).sum()
    #expect(disposition.rowCurve(row, from: state, rate: 2).value(atMinutes: 7) == whole)
  }
}

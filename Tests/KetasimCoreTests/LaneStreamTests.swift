import Foundation
import Testing

@testable import KetasimCore

// The streaming population engine against the exact single-patient
// Simulation, lane by lane: per-lane parameters and schedules, doses on and
// between output times, a final partial step, blocks of every size.

@Suite("Streaming lanes agree with the exact simulation")
struct LaneStreamTests {

  /// Lanes of `shape` with their own weights and mg/kg doses, some between
  /// output times (on a 1-min grid).
  static func lanes(_ shape: ModelShape, count: Int, seed: UInt64) throws -> ([Disposition], [DosingSchedule]) {
    var rng = SplitMix64(seed: seed)
    var dispositions: [Disposition] = []
    var schedules: [DosingSchedule] = []
    for lane in 0..<count {
      let weight = rng.uniform(40...120)
      dispositions.append(Disposition(try scaled(shape, weight: weight)))
      var doses = [infusion(totalMilligrams: 0.5 * weight, fromMinutes: 0, overMinutes: 40)]
      if lane % 3 == 1 { doses.append(bolus(0.2 * weight, atMinutes: 12.25 + Double(lane % 5))) }
      if lane % 4 == 2 { doses.append(infusion(0.1 * weight / 60, fromMinutes: 50.5, forMinutes: 30)) }
      if lane % 5 == 0 { doses.append(bolus(10, atMinutes: 45)) }
      schedules.append(try schedule(doses))
    }
    return (dispositions, schedules)
  }

  @Test(
    "every lane equals Simulation to 1e-12 (off-grid doses, partial last step)",
    arguments: [ModelShape.oneCompartmentEffect, .twoCompartment, .threeCompartmentEffect], [1, 7, 256])
  func matchesSimulation(shape: ModelShape, rows: Int) throws {
    let count = 37
    let (dispositions, schedules) = try Self.lanes(shape, count: count, seed: 11)
    let grid = try TimeGrid(end: minutes(100.5), step: .minutes(1))
    let stream = LaneStream(dispositions: dispositions, schedules: schedules, grid: grid, rowCapacity: rows)
    let sites = dispositions[0].effectSiteIndex == nil ? 1 : 2
    var series = [[Double]](repeating: [], count: count * sites)
    var values = [Double](repeating: 0, count: count)
    var start = 0
    while start < grid.count {
      let block = start..<min(grid.count, start + rows)
      stream.advance(block)
      for row in 0..<block.count {
        for site in 0..<sites {
          stream.copyRow(row, site: site, into: &values, at: 0)
          for lane in 0..<count { series[lane * sites + site].append(values[lane]) }
        }
      }
      start = block.upperBound
    }
    for lane in 0..<count {
      let simulation = Simulation(disposition: dispositions[lane], schedule: schedules[lane])
      let states = simulation.states(at: grid.times)
      let v1 = dispositions[lane].parameters.centralVolume
      expectSeriesClose(
        series[lane * sites], states.map { $0[0] * (1000 / v1) }, rel: 1e-12, floor: 1e-13,
        "plasma, lane \(lane), \(shape), \(rows) rows per block")
      if let effect = dispositions[lane].effectSiteIndex {
        expectSeriesClose(
          series[lane * sites + 1], states.map { $0[effect] * 1000 }, rel: 1e-12, floor: 1e-13,
          "effect site, lane \(lane), \(shape)")
      }
    }
  }

  @Test("a lane's values do not depend on the other lanes of its stream")
  func lanesAreIndependent() throws {
    let (dispositions, schedules) = try Self.lanes(.threeCompartmentEffect, count: 70, seed: 5)
    let grid = try TimeGrid(end: minutes(90), step: .seconds(30))
    func run(_ range: Range<Int>) -> [Double] {
      let stream = LaneStream(
        dispositions: Array(dispositions[range]), schedules: Array(schedules[range]), grid: grid, rowCapacity: 50)
      var values = [Double](repeating: 0, count: range.count)
      var result: [Double] = []
      var start = 0
      while start < grid.count {
        let block = start..<min(grid.count, start + 50)
        stream.advance(block)
        for row in 0..<block.count {
          stream.copyRow(row, site: 1, into: &values, at: 0)
          result.append(values[range.count - 1])
        }
        start = block.upperBound
      }
      return result
    }
    // Lane 69 alone, in a stream of 2 and in the full stream: bit-identical.
    #expect(run(69..<70) == run(0..<70))
    #expect(run(68..<70) == run(0..<70))
  }
}

import Foundation
import Testing

@testable import KetasimCore

// The batched lane path (LaneSimulation with the C kernels) against the
// exact single-patient Simulation, lane by lane, with shared and per-lane
// parameters and schedules, doses on and off the output grid.

extension Kernel: CustomTestStringConvertible {
  public var testDescription: String { rawValue }
}

/// The three concrete kernels.
let concreteKernels: [Kernel] = [.tiled, .blas, .scalar]

/// Weight-scaled parameters of `shape` (volumes ∝ W, clearances ∝ W^0.75).
func scaled(_ shape: ModelShape, weight: Double) throws -> PKParameters {
  let p = try shape.parameters()
  let f = weight / 70
  let g = pow(f, 0.75)
  return try PKParameters(
    centralVolume: p.centralVolume * f, clearance: p.clearance * g,
    peripherals: p.peripherals.map { (volume: $0.volume * f, clearance: $0.clearance * g) }, ke0: p.ke0)
}

/// Runs `lanes` with `kernel` and compares every lane's central (and
/// effect-site) series with Simulation on the same grid.
func expectLanesMatchSimulation(
  dispositions: [Disposition], schedules: [DosingSchedule], lanes: Int, grid: TimeGrid, kernel: Kernel,
  rel: Double = 1e-12, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let lane = try LaneSimulation(dispositions: dispositions, schedules: schedules, lanes: lanes, grid: grid)
  let result = lane.run(kernel: kernel)
  let times = grid.times
  #expect(result.times == times, sourceLocation: sourceLocation)
  #expect(result.central.count == times.count * lanes, sourceLocation: sourceLocation)
  let hasEffect = dispositions[0].effectSiteIndex != nil
  #expect((result.effectSite != nil) == hasEffect, sourceLocation: sourceLocation)
  for l in 0..<lanes {
    let d = dispositions.count == 1 ? dispositions[0] : dispositions[l]
    let s = schedules.count == 1 ? schedules[0] : schedules[l]
    let states = Simulation(disposition: d, schedule: s).states(at: times)
    let v1 = d.parameters.centralVolume
    let central = (0..<times.count).map { result.central[$0 * lanes + l] }
    expectSeriesClose(
      central, states.map { $0[0] / v1 }, rel: rel, floor: 1e-12,
      Comment(rawValue: "central, lane \(l), kernel \(kernel), internal step \(lane.internalStep), \(label)"),
      sourceLocation: sourceLocation)
    if let effect = d.effectSiteIndex, let ce = result.effectSite {
      expectSeriesClose(
        (0..<times.count).map { ce[$0 * lanes + l] }, states.map { $0[effect] }, rel: rel, floor: 1e-12,
        Comment(rawValue: "effect site, lane \(l), kernel \(kernel), internal step \(lane.internalStep), \(label)"),
        sourceLocation: sourceLocation)
    }
  }
}

@Suite("Lane kernels agree with the exact simulation")
struct KernelAgreementTests {

  /// Doses on the 1-min grid.
  static let onGrid: [Dose] = [
    bolus(20, atMinutes: 0), infusion(0.6, fromMinutes: 5, forMinutes: 40), bolus(8, atMinutes: 30),
    infusion(0.3, fromMinutes: 20, forMinutes: 60),
  ]

  /// Doses between grid instants: the lane engine must refine its step
  /// (here to 5 s: gcd of 60 s, 30 s, 15 s and 20 s).
  static let offGrid: [Dose] = [
    bolus(15, atMinutes: 0.5), infusion(0.6, fromMinutes: 10.5, forMinutes: 20.25),
    bolus(6, atMinutes: 45 + 20.0 / 60), infusion(0.25, fromMinutes: 33, forMinutes: 47.75),
  ]

  @Test(
    "shared parameters and schedule, doses on the grid",
    arguments: concreteKernels, ModelShape.allCases)
  func sharedOnGrid(kernel: Kernel, shape: ModelShape) throws {
    let grid = try TimeGrid(end: minutes(180), step: .minutes(1))
    try expectLanesMatchSimulation(
      dispositions: [Disposition(try shape.parameters())], schedules: [try schedule(Self.onGrid)], lanes: 3,
      grid: grid, kernel: kernel, "\(shape) on grid")
  }

  @Test(
    "shared parameters and schedule, doses off the grid (refined internal step)",
    arguments: concreteKernels, ModelShape.allCases)
  func sharedOffGrid(kernel: Kernel, shape: ModelShape) throws {
    let grid = try TimeGrid(end: minutes(150), step: .minutes(1))
    let lane = try LaneSimulation(
      dispositions: [Disposition(try shape.parameters())], schedules: [try schedule(Self.offGrid)], lanes: 1,
      grid: grid)
    #expect(lane.internalStep == .seconds(5))
    try expectLanesMatchSimulation(
      dispositions: [Disposition(try shape.parameters())], schedules: [try schedule(Self.offGrid)], lanes: 2,
      grid: grid, kernel: kernel, "\(shape) off grid")
  }

  @Test(
    "37 lanes of different weights (a partial second tile), shared mg schedule",
    arguments: concreteKernels, [ModelShape.twoCompartment, .threeCompartment, .threeCompartmentEffect])
  func perLaneParameters(kernel: Kernel, shape: ModelShape) throws {
    let lanes = 37
    let weights = (0..<lanes).map { 40 + 110 * Double($0) / Double(lanes - 1) }
    let dispositions = try weights.map { Disposition(try scaled(shape, weight: $0)) }
    let grid = try TimeGrid(end: minutes(120), step: .seconds(30))
    try expectLanesMatchSimulation(
      dispositions: dispositions, schedules: [try schedule(Self.offGrid)], lanes: lanes, grid: grid, kernel: kernel,
      "\(shape), weights 40-150 kg")
  }

  @Test(
    "37 lanes with their own parameters and their own mg/kg schedules, off the grid",
    arguments: concreteKernels, [ModelShape.oneCompartmentEffect, .twoCompartmentEffect, .threeCompartmentEffect])
  func perLaneParametersAndSchedules(kernel: Kernel, shape: ModelShape) throws {
    let lanes = 37
    var rng = SplitMix64(seed: 37)
    let weights = (0..<lanes).map { _ in rng.uniform(40...150) }
    let dispositions = try weights.map { Disposition(try scaled(shape, weight: $0)) }
    // 0.5 mg/kg over 40 min starting at a lane-specific whole number of
    // 15-s ticks, and a 0.1 mg/kg bolus at another.
    let schedules = try weights.map { w -> DosingSchedule in
      let start = Double(rng.integer(0...40)) * 0.25
      let bolusTime = Double(rng.integer(0...240)) * 0.25
      return try schedule(
        infusion(totalMilligrams: 0.5 * w, fromMinutes: start, overMinutes: 40), bolus(0.1 * w, atMinutes: bolusTime))
    }
    let grid = try TimeGrid(end: minutes(150), step: .minutes(1))
    try expectLanesMatchSimulation(
      dispositions: dispositions, schedules: schedules, lanes: lanes, grid: grid, kernel: kernel,
      "\(shape), per-lane schedules, seed 37")
  }

  @Test("per-lane schedules with shared parameters", arguments: concreteKernels)
  func perLaneSchedulesShared(kernel: Kernel) throws {
    let lanes = 33
    var schedules: [DosingSchedule] = []
    for l in 0..<lanes {
      let x = Double(l)
      let start: Double = Double(l % 5) * 7.5
      let doses: [Dose] = [
        bolus(x, atMinutes: x * 1.25), infusion(0.02 * (x + 1), fromMinutes: start, forMinutes: 30 + x),
      ]
      schedules.append(try schedule(doses))
    }
    let grid = try TimeGrid(end: minutes(100), step: .minutes(2.5))
    try expectLanesMatchSimulation(
      dispositions: [Disposition(try dominoThreeCompartment(ke0: 0.238))], schedules: schedules, lanes: lanes,
      grid: grid, kernel: kernel, "shared 3-cmt + ke0, per-lane schedules")
  }

  @Test("a grid whose end is not a whole number of steps", arguments: concreteKernels)
  func ragged(kernel: Kernel) throws {
    let grid = try TimeGrid(end: minutes(95.5), step: .minutes(2))
    #expect(grid.times.last == minutes(95.5))
    try expectLanesMatchSimulation(
      dispositions: [Disposition(try dominoTwoCompartment(ke0: 0.238))], schedules: [try schedule(Self.onGrid)],
      lanes: 4, grid: grid, kernel: kernel, "ragged end")
  }

  @Test("a bolus at time zero only, long grid", arguments: concreteKernels)
  func bolusOnly(kernel: Kernel) throws {
    let grid = try TimeGrid(end: minutes(24 * 60), step: .minutes(1))
    try expectLanesMatchSimulation(
      dispositions: [Disposition(try dominoThreeCompartment())], schedules: [try schedule(bolus(140, atMinutes: 0))],
      lanes: 1, grid: grid, kernel: kernel, "one bolus, 24 h")
  }

  @Test("boluses at kernel-chunk boundaries (256 steps) and at the last grid instant", arguments: concreteKernels)
  func chunkBoundariesAndLastInstant(kernel: Kernel) throws {
    let doses = [
      bolus(30, atMinutes: 0), bolus(10, atMinutes: 255), bolus(10, atMinutes: 256), bolus(10, atMinutes: 257),
      infusion(0.2, fromMinutes: 250, forMinutes: 262), bolus(5, atMinutes: 512), bolus(7, atMinutes: 600),
    ]
    let grid = try TimeGrid(end: minutes(600), step: .minutes(1))
    try expectLanesMatchSimulation(
      dispositions: [Disposition(try dominoThreeCompartment(ke0: 0.238))], schedules: [try schedule(doses)],
      lanes: 2, grid: grid, kernel: kernel, "chunk boundaries")
    // Same with a refined internal step (a dose at 30 s past a minute).
    let refined = doses + [bolus(1, atMinutes: 300.5)]
    try expectLanesMatchSimulation(
      dispositions: [Disposition(try dominoThreeCompartment(ke0: 0.238))], schedules: [try schedule(refined)],
      lanes: 2, grid: grid, kernel: kernel, "chunk boundaries, 30-s internal step")
  }

  @Test("a 1-s grid with doses at fractions of a second (14,400 internal steps)", arguments: concreteKernels)
  func fineGridHalfSeconds(kernel: Kernel) throws {
    let doses = [
      bolus(10, atMinutes: 0.5 / 60), infusion(0.875, fromMinutes: 10.25 / 60, forMinutes: 40),
      bolus(3, atMinutes: 20 + 30.5 / 60),
    ]
    let grid = try TimeGrid(end: minutes(60), step: .seconds(1))
    let lane = try LaneSimulation(
      dispositions: [Disposition(try dominoTwoCompartment())], schedules: [try schedule(doses)], lanes: 1, grid: grid)
    #expect(lane.internalStep == .seconds(0.25))
    try expectLanesMatchSimulation(
      dispositions: [Disposition(try dominoThreeCompartment(ke0: 0.238))], schedules: [try schedule(doses)],
      lanes: 2, grid: grid, kernel: kernel, "1-s grid, 0.25-s internal step")
  }

  @Test("a zero-length grid reports the state after the boluses at time zero", arguments: concreteKernels)
  func zeroLengthGrid(kernel: Kernel) throws {
    let p = try dominoTwoCompartment(ke0: 0.238)
    let lane = try LaneSimulation(
      dispositions: [Disposition(p)], schedules: [try schedule(bolus(35, atMinutes: 0), bolus(5, atMinutes: 0))],
      lanes: 3, grid: try TimeGrid(end: .zero, step: .minutes(1)))
    let result = lane.run(kernel: kernel)
    #expect(result.times == [.zero])
    let expected: Double = 40 / 4.41
    #expect(result.central.count == 3)
    for value in result.central { expectClose(value, expected, rel: 1e-15) }
    let zeros: [Double] = [0, 0, 0]
    #expect(result.effectSite == zeros)
  }

  @Test("Kernel.auto follows the measured crossover (Benchmarks/README.md)")
  func autoResolution() {
    for set in InstructionSet.allCases {
      // Per-lane parameters: tiled at every size, on every instruction set.
      for states in 1...16 {
        for lanes in [1, 100, 10_000] {
          #expect(
            Kernel.auto.choice(states: states, lanes: lanes, perLaneParameters: true, instructionSet: set)
              == (.tiled, 0))
        }
      }
      // Shared parameters: tiled up to 0 (SSE2), 2 (AVX2) or 4 (AVX-512)
      // states; otherwise blocked BLAS, 8 steps per product below a tile of
      // lanes, 32 from 1,000 lanes at 5 states or more, else 16.
      let limit = [InstructionSet.sse2: 0, .avx2: 2, .avx512: 4][set]!
      for states in 1...16 {
        for lanes in [1, 31, 32, 999, 1_000, 10_000] {
          let choice = Kernel.auto.choice(states: states, lanes: lanes, perLaneParameters: false, instructionSet: set)
          let block = lanes < 32 ? 8 : states >= 5 && lanes >= 1_000 ? 32 : 16
          let expected: (Kernel, Int) = states <= limit ? (.tiled, 0) : (.blas, block)
          #expect(choice == expected, "\(set), \(states) states, \(lanes) lanes")
          #expect(
            Kernel.auto.resolved(states: states, lanes: lanes, perLaneParameters: false, instructionSet: set)
              == choice.kernel)
        }
      }
    }
    // A concrete choice is never overridden, and BLAS stays one product per step.
    for kernel in concreteKernels {
      for states in [1, 4, 12, 16] {
        #expect(kernel.choice(states: states, lanes: 1, perLaneParameters: false) == (kernel, 0))
      }
    }
  }

  @Test("auto runs the blocked BLAS formulation where its rule picks it", arguments: [5, 40])
  func autoRuns(lanes: Int) throws {
    // 4 states on the SSE2 path: blocked BLAS at every lane count (doses
    // on the grid, so that kernel calls span many steps).
    let lane = try LaneSimulation(
      dispositions: [Disposition(try dominoThreeCompartment(ke0: 0.238))], schedules: [try schedule(Self.onGrid)],
      lanes: lanes, grid: try TimeGrid(end: minutes(60), step: .minutes(1)))
    let picked = Kernel.auto.choice(states: 4, lanes: lanes, perLaneParameters: false, instructionSet: .sse2)
    #expect(picked == (.blas, lanes < 32 ? 8 : 16))
    let auto = lane.run(kernel: .auto, instructionSet: .sse2)
    let perStep = lane.run(kernel: .blas, instructionSet: .sse2)
    // The blocked formulation sums in another order than one product per
    // step: equal to rounding, not bit for bit (so auto did not run that).
    #expect(auto.central != perStep.central)
    expectSeriesClose(auto.central, perStep.central, rel: 1e-12, floor: 1e-12, "auto against one dgemm per step")
  }

  @Test("dose times needing more than the maximum substeps are refused")
  func tooFineDoseTimes() throws {
    let grid = try TimeGrid(end: minutes(60), step: .minutes(1))
    // 1 µs past a grid instant would need 60,000,000 internal steps per minute.
    let odd = Dose.bolus(milligrams: 1, at: ClockTime(microseconds: 60_000_001))
    #expect(throws: KetasimError.self) {
      try LaneSimulation(
        dispositions: [Disposition(try dominoTwoCompartment())], schedules: [try schedule(odd)], lanes: 1, grid: grid)
    }
    // Mismatched lane inputs are refused too.
    #expect(throws: KetasimError.self) {
      try LaneSimulation(
        dispositions: [Disposition(try dominoTwoCompartment()), Disposition(try dominoTwoCompartment())],
        schedules: [try schedule(odd)], lanes: 3, grid: grid)
    }
    #expect(throws: KetasimError.self) {
      try LaneSimulation(
        dispositions: [Disposition(try dominoTwoCompartment()), Disposition(try dominoThreeCompartment())],
        schedules: [try schedule(Self.onGrid)], lanes: 2, grid: grid)
    }
  }
}

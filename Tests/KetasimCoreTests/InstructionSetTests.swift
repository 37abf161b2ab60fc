import Testing

@testable @_spi(Benchmarks) import KetasimCore

// Runtime CPU dispatch of the tiled kernel: every instruction set this CPU
// runs is forced in turn, and its output must equal the others' and the
// scalar reference's bit for bit (no fused multiply-adds on any path, the
// same operation order per lane).

extension InstructionSet: CustomTestStringConvertible {
  public var testDescription: String { rawValue }
}

@Suite("Instruction sets of the tiled kernel")
struct InstructionSetTests {

  /// Advances `lanes` random stable lanes of `states` states by `steps`
  /// steps with `kernel` on `instructionSet`; returns the observed rows and
  /// the final state of the lanes that matter (padding excluded).
  static func run(
    kernel: Kernel, instructionSet: InstructionSet, states: Int, perLane: Bool, mode: KernelWorkspace.RateMode,
    lanes: Int = 45, steps: Int = 37, blasBlock: Int = 0
  ) -> (output: [Double], state: [Double]) {
    var rng = SplitMix64(seed: UInt64(1000 * states + (perLane ? 1 : 0)))
    let stride = LaneCoefficients.stride(lanes: lanes)
    let copies = perLane ? stride : 1
    // Entries below 0.9 / states: spectral radius below 0.9, and rounding in
    // every product (random mantissas).
    let phi = (0..<(states * states * copies)).map { _ in rng.uniform(0...(0.9 / Double(states))) }
    let gamma = (0..<(states * copies)).map { _ in rng.uniform(0...0.1) }
    var workspace = KernelWorkspace(
      coefficients: LaneCoefficients(phi: phi, gamma: gamma), states: states, lanes: lanes, perLaneSystem: perLane,
      kernel: kernel, observed: [0, Int32(states - 1)], outputRows: steps, instructionSet: instructionSet,
      blasBlock: blasBlock)
    workspace.reserveRates(mode, steps: steps)
    for index in workspace.rates.indices { workspace.rates[index] = rng.uniform(0...5) }
    for index in workspace.state.indices { workspace.state[index] = rng.uniform(0...50) }
    workspace.advance(steps: steps, rates: mode, record: true)
    let rows = steps * workspace.observedCount
    let output = workspace.output
    let state = workspace.state
    return (
      (0..<rows).flatMap { row in (0..<lanes).map { output[row * stride + $0] } },
      (0..<states).flatMap { i in (0..<lanes).map { state[i * stride + $0] } }
    )
  }

  /// How many values differ in any bit (sign of zero included); a length
  /// mismatch counts every value.
  static func differingBits(_ a: [Double], _ b: [Double]) -> Int {
    guard a.count == b.count else { return max(a.count, b.count) }
    return zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
  }

  @Test(
    "every supported instruction set gives the scalar kernel's bits",
    arguments: [1, 2, 3, 4, 5, 6, 8], [false, true])
  func bitwiseIdentical(states: Int, perLane: Bool) {
    for mode in [KernelWorkspace.RateMode.shared, .perStep, .held] {
      let reference = Self.run(
        kernel: .scalar, instructionSet: .sse2, states: states, perLane: perLane, mode: mode)
      #expect(reference.output.contains { $0 != 0 })
      for set in InstructionSet.supported {
        let tiled = Self.run(kernel: .tiled, instructionSet: set, states: states, perLane: perLane, mode: mode)
        let label = "\(set), \(states) states, per-lane \(perLane), \(mode)"
        #expect(Self.differingBits(tiled.output, reference.output) == 0, "outputs, \(label)")
        #expect(Self.differingBits(tiled.state, reference.state) == 0, "final states, \(label)")
      }
    }
  }

  @Test("the bands' bin scan gives the same statistics, keys and counts on every supported set")
  func binScanIdentical() {
    var rng = SplitMix64(seed: 2026)
    // 1,001 values (not a multiple of any vector width): zeros, negatives,
    // tiny and huge positives.
    let values = (0..<1001).map { i -> Double in
      switch i % 7 {
      case 0: 0
      case 1: -rng.uniform(0...10)
      case 2: rng.logUniform(1e-300...1e-290)
      default: rng.logUniform(1e-3...1e6)
      }
    }
    let thresholds: [Double] = [0, 1, 100, 150, 640, 1000]
    func scan(_ set: InstructionSet, count: Int) -> (KernelWorkspace.BinStats, [UInt32], [Int64]) {
      var keys = [UInt32](repeating: 0, count: values.count)
      var above = [Int64](repeating: -1, count: thresholds.count)
      let stats = KernelWorkspace.binValues(
        values, count: count, thresholds: thresholds, keys: &keys, above: &above, instructionSet: set)
      return (stats, Array(keys.prefix(stats.positives)), above)
    }
    for count in [0, 1, 7, 1001] {
      let reference = scan(.sse2, count: count)
      #expect(reference.0.zeros + reference.0.positives == count)
      for set in InstructionSet.supported {
        let result = scan(set, count: count)
        #expect(result.0 == reference.0, "\(set), \(count) values")
        #expect(result.1 == reference.1, "\(set), \(count) values")
        #expect(result.2 == reference.2, "\(set), \(count) values")
      }
    }
  }

  @Test("the CPU's sets: SSE2 always, best is the widest, selected is one of them")
  func supportedSets() {
    let supported = InstructionSet.supported
    #expect(supported.first == .sse2)
    #expect(InstructionSet.best == supported.last)
    #expect(supported.contains(InstructionSet.selected))
    // Each set implies the narrower ones (cpuid), so the list has no holes.
    #expect(supported == Array(InstructionSet.allCases.prefix(supported.count)))
  }

  @Test("KETASIM_CPU values: auto, empty or unset is the best set; each supported name is itself")
  func parseAccepted() throws {
    for value in [nil, "", "auto"] {
      #expect(try InstructionSet.parse(environmentValue: value) == InstructionSet.best)
    }
    for set in InstructionSet.supported {
      #expect(try InstructionSet.parse(environmentValue: set.rawValue) == set)
    }
  }

  @Test(
    "a bad KETASIM_CPU value is one line saying what is accepted",
    arguments: ["avx", "AVX2", "sse4", "native", " avx2", "avx512f"])
  func parseRefused(value: String) {
    do {
      _ = try InstructionSet.parse(environmentValue: value)
      Issue.record("'\(value)' was accepted")
    } catch {
      let message = "\(error)"
      #expect(message.hasPrefix("invalid KETASIM_CPU '\(value)': expected auto or an instruction set this CPU runs: "))
      #expect(message.contains("sse2"))
      #expect(!message.contains("\n"))
    }
  }

  @Test("a set this CPU does not run is refused by name")
  func parseUnsupported() {
    for set in InstructionSet.allCases where !set.isSupported {
      #expect(throws: KetasimError.self) { try InstructionSet.parse(environmentValue: set.rawValue) }
    }
  }
}

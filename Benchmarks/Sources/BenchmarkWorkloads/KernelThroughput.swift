import CBenchmarkKernels
import KetasimCore

/// W5, the kernels: lane-steps per second of ketasim's tiled and BLAS
/// kernels for the two-compartment scenario model and Domino's
/// three-compartment model, with parameters shared by all lanes or per lane
/// (the population's), measured beside the compute ceiling of this core
/// (``ComputeCeiling``).
///
/// A lane-step is one lane advanced by one step. Each configuration runs
/// `lanes` lanes for `steps` steps with a piecewise-constant input, in
/// chunks of 256 steps, either storing the central amount after every step
/// into the chunk buffer (as the engine does) or storing nothing (the
/// kernel's compute-only speed).
public struct KernelThroughput {
  /// One measured configuration.
  public struct Configuration: Sendable, CustomStringConvertible {
    public var kernel: Kernel
    public var compartments: Int
    public var perLaneParameters: Bool
    public var record: Bool

    public init(kernel: Kernel, compartments: Int, perLaneParameters: Bool, record: Bool) {
      self.kernel = kernel
      self.compartments = compartments
      self.perLaneParameters = perLaneParameters
      self.record = record
    }

    public var description: String {
      "\(kernel.rawValue) \(compartments)-cmt \(perLaneParameters ? "per-lane" : "shared")"
        + (record ? "" : " no-output")
    }

    /// The same without spaces: `tiled-2cmt-perlane-nooutput`.
    public var slug: String {
      "\(kernel.rawValue)-\(compartments)cmt-\(perLaneParameters ? "perlane" : "shared")"
        + (record ? "" : "-nooutput")
    }

    /// Every configuration W5 reports.
    public static let all: [Configuration] = [Kernel.tiled, .blas].flatMap { kernel in
      [2, 3].flatMap { compartments in
        [false, true].flatMap { perLane in
          [true, false].map {
            Configuration(kernel: kernel, compartments: compartments, perLaneParameters: perLane, record: $0)
          }
        }
      }
    }
  }

  public let configuration: Configuration
  public let lanes: Int
  public let steps: Int
  private var batch: LaneBatch
  private let rates: [Double]

  /// Sets up lanes and transitions (10-s steps); nothing here is timed.
  public init(_ configuration: Configuration, lanes: Int = 1_000, steps: Int = 8_640) throws {
    self.configuration = configuration
    self.lanes = lanes
    self.steps = steps
    let dt = 10.0 / 60
    let subjects = PopulationScenario.subjects(count: configuration.perLaneParameters ? lanes : 1)
    let parameters: [PKParameters]
    if configuration.compartments == 2 {
      parameters = try subjects.map { try $0.parameters() }
    } else {
      // Domino 1984 at each subject's weight, with the subject's etas applied
      // to V1 and CL through the scenario's ratios.
      let domino = try ModelCatalog.builtIn().model(id: "domino1984")
      parameters = try subjects.map { subject in
        let typical = try domino.parameters(for: Patient(weightKilograms: subject.weightKilograms))
        let reference = PopulationScenario.typicalSubject(weightKilograms: subject.weightKilograms)
        return try PKParameters(
          centralVolume: typical.centralVolume * subject.v1 / reference.v1,
          clearance: typical.clearance * subject.cl / reference.cl, peripherals: typical.peripherals)
      }
    }
    let transitions = parameters.map { Disposition($0).transition(overMinutes: dt) }
    batch = LaneBatch(
      transitions: transitions, states: configuration.compartments, lanes: lanes, kernel: configuration.kernel)
    // 40 min on, then off, repeating: a piecewise-constant input.
    rates = (0..<steps).map { $0 % 1440 < 240 ? 1.0 : 0.0 }
  }

  /// Lane-steps one ``run()`` performs.
  public var laneSteps: Int { lanes * steps }

  /// Advances all lanes through all steps from zero; returns the sum of the
  /// final central amounts (a checksum that keeps the work observable).
  public mutating func run() -> Double {
    batch.reset()
    var reducer = DiscardingReducer()
    batch.run(rates: rates, record: configuration.record, into: &reducer)
    return batch.centralSum()
  }
}

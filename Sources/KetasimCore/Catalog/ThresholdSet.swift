/// Reference plasma concentrations for racemic ketamine (analgesia,
/// dissociation, anaesthesia, awakening), read from `Models/thresholds.yaml`.
public struct ThresholdSet: Sendable {
  /// One named reference concentration with its sources.
  public struct Threshold: Sendable {
    public var name: String
    /// Typical value in ng/mL.
    public var typicalNanogramsPerMilliliter: Double
    /// Low–high range in ng/mL.
    public var range: ClosedRange<Double>
    public var meaning: String
    public var sources: [String]
    public var notes: String?
  }

  public var drug: String
  public var basis: String
  /// Thresholds in file order.
  public var thresholds: [Threshold]

  public subscript(name: String) -> Threshold? { thresholds.first { $0.name == name } }

  /// Reads a thresholds file; concentrations must be in ng/mL.
  public init(yaml text: String, file: String) throws {
    let map = try YAMLNode.parse(text, file: file).mapping(allowing: ["drug", "unit", "basis", "thresholds"])
    let unitNode = try map.required("unit")
    guard try unitNode.string() == "ng/mL" else { throw unitNode.failure("expected unit ng/mL") }
    drug = try map.required("drug").string()
    basis = try map.required("basis").string()
    thresholds = try map.required("thresholds").sequence().map { node in
      let entry = try node.mapping(allowing: ["name", "typical", "range", "meaning", "sources", "notes"])
      let typical = try entry.required("typical").positiveNumber()
      let rangeNode = try entry.required("range")
      let bounds = try rangeNode.sequence().map { try $0.positiveNumber() }
      guard bounds.count == 2, bounds[0] <= typical, typical <= bounds[1] else {
        throw rangeNode.failure("expected [low, high] around the typical value \(typical)")
      }
      return Threshold(
        name: try entry.required("name").string(), typicalNanogramsPerMilliliter: typical,
        range: bounds[0]...bounds[1], meaning: try entry.required("meaning").string(),
        sources: try entry.required("sources").sequence().map { try $0.string() },
        notes: try entry["notes"]?.string())
    }
  }
}

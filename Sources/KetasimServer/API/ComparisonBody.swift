import KetasimCore

/// Up to four profiles for one patient, drawn on the same axes or tabled
/// side by side (`/api/compare`, `/api/plot`).
///
/// Every profile runs on the same grid: the longest duration and the
/// finest step of the profiles, as `ketasim compare` does.
public struct ComparisonBody: Codable, Sendable, Equatable {
  /// The most profiles one request may compare.
  public static let maximumProfiles = 4

  /// The profiles, first as planned; each names its own doses and changes.
  public var profiles: [ScenarioBody]
  /// Draw the concentration axis logarithmically (`/api/plot`).
  public var logarithmic: Bool?

  public init(profiles: [ScenarioBody], logarithmic: Bool? = nil) {
    self.profiles = profiles
    self.logarithmic = logarithmic
  }

  /// Each profile's scenario on the shared grid, with its label.
  ///
  /// - Throws: ``KetasimError`` for no profile or too many, two profiles
  ///   with one label, or any profile's own error.
  func resolve(limits: ResourceLimits) throws -> [(label: String, scenario: Scenario)] {
    guard (1...Self.maximumProfiles).contains(profiles.count) else {
      throw KetasimError.invalidValue(
        "profiles", "\(profiles.count)", accepted: "1 to \(Self.maximumProfiles) profiles to compare")
    }
    let labels = profiles.enumerated().map { index, profile in
      profile.label ?? String(UnicodeScalar(UInt8(65 + index)))
    }
    if let duplicate = labels.first(where: { label in labels.filter { $0 == label }.count > 1 }) {
      throw KetasimError.invalidValue("label", duplicate, accepted: "a different label for each profile")
    }
    let requests = try profiles.map { try $0.scenarioRequest() }
    let sources = try zip(profiles, requests).map { profile, request in
      try profile.quotingNumbers { try request.sources() }
    }
    let grids = try zip(requests, sources).map { request, sources in try request.grid(for: sources) }
    let end = grids.map(\.end).max() ?? ScenarioRequest.defaultDuration
    let step = grids.map(\.step).min() ?? ScenarioRequest.defaultStep
    let grid = try TimeGrid(end: end, step: step)
    try limits.check(rows: grid.count * profiles.count, of: "the comparison")
    return try zip(labels, zip(profiles, zip(requests, sources))).map { label, item in
      let (profile, (request, sources)) = item
      return (label, try profile.quotingNumbers { try request.resolve(sources, grid: grid) })
    }
  }
}

import Foundation
import KetasimCore
import Testing

/// The built-in catalogue against the published numbers.
///
/// Every expected value below is typed in from the literature
/// (the source papers and the TCI codes opentiva, SimTIVA and stanpumpR) or from a peer's
/// regression test (stanpumpR tests/testthat/test-drugs-ketamine.R), not read from the YAML.
@Suite struct ModelCatalogTests {
  static let shippedIDs = ["clements250", "domino1984", "herd2007", "hijazi2003", "kamp2020", "sherwin2015"]
  /// The S-ketamine models with a metabolite (general structures; see MetaboliteCatalogTests).
  static let metaboliteIDs = ["flint2017", "perezruixo2021"]

  static func catalog() throws -> ModelCatalog { try ModelCatalog.builtIn() }

  static func parameters(_ id: String, weight: Double) throws -> PKParameters {
    try catalog().model(id: id).parameters(for: Patient(weightKilograms: weight))
  }

  // MARK: - Contents

  @Test func builtInCatalogueLoadsWithTheShippedModels() throws {
    let catalog = try Self.catalog()
    let ids = catalog.models.map(\.id)
    for id in Self.shippedIDs { #expect(ids.contains(id), "\(id) missing from \(ids)") }
    #expect(ids == ids.sorted(), "models are ordered by id")
    #expect(Set(ids).count == ids.count, "ids are unique")
    #expect(ids.contains(ModelCatalog.defaultModelID))
    #expect(ModelCatalog.defaultModelID == "clements250")
  }

  /// The source papers: Domino 1984 and Kamp 2020 (Anesthesiology 133:1192) are 3-compartment, the others 2.
  @Test(arguments: [
    ("clements250", 2), ("domino1984", 3), ("herd2007", 2), ("hijazi2003", 2), ("kamp2020", 3), ("sherwin2015", 2),
  ])
  func compartmentCountsMatchTheSources(id: String, compartments: Int) throws {
    let model = try Self.catalog().model(id: id)
    #expect(model.compartmentCount == compartments)
    #expect(try model.parameters(for: Patient(weightKilograms: 70)).compartmentCount == compartments)
  }

  @Test func kampPredictsArterialConcentrations() throws {
    // Kamp et al., Anesthesiology 2020;133:1192, doi 10.1097/ALN.0000000000003577:
    // the raw-data model's central compartment is arterial.
    #expect(try Self.catalog().model(id: "kamp2020").sampling == .arterial)
  }

  @Test(arguments: shippedIDs)
  func everyModelCarriesItsProvenance(id: String) throws {
    let model = try Self.catalog().model(id: id)
    #expect(!model.name.isEmpty)
    #expect(!model.citation.isEmpty)
    #expect(!model.population.isEmpty)
    #expect(!model.drug.isEmpty)
    for range in [model.weightRange, model.ageRange] {
      #expect(range.minimum >= 0 && range.minimum <= range.maximum)
      #expect(!range.source.isEmpty)
    }
    #expect(model.weightRange.minimum > 0, "a weight range must exclude 0 kg")
    for parameter in model.parameters {
      #expect(!parameter.source.isEmpty, "\(id).\(parameter.name) has no source")
      #expect(!parameter.verification.isEmpty, "\(id).\(parameter.name) has no verification")
      #expect(Self.hasTag(parameter.verification), "\(id).\(parameter.name) verification lacks a tag")
      #expect(Self.hasTag(parameter.source), "\(id).\(parameter.name) source lacks a tag")
      #expect(parameter.value > 0)
    }
    if let site = model.effectSite {
      #expect(!site.source.isEmpty && !site.verification.isEmpty && !site.endpoint.isEmpty)
    }
  }

  /// Models/README.md: every source and verification carries [V], [V2],
  /// [S], [C] or [R].
  static func hasTag(_ text: String) -> Bool {
    ["[V", "[S", "[C", "[R"].contains { text.contains($0) }
  }

  @Test(arguments: shippedIDs)
  func citationsNameTheFirstAuthorAndYear(id: String) throws {
    // The source papers (see each model's citation): first author and year of each source.
    let expected: [String: (author: String, year: String)] = [
      "clements250": ("Clements", "1981"), "domino1984": ("Domino", "1984"), "herd2007": ("Herd", "2007"),
      "hijazi2003": ("Hijazi", "2003"), "kamp2020": ("Kamp", "2020"), "sherwin2015": ("Sherwin", "2015"),
    ]
    let citation = try Self.catalog().model(id: id).citation
    let source = try #require(expected[id])
    #expect(citation.contains(source.author))
    #expect(citation.contains(source.year))
  }

  @Test func embeddedCatalogueIsTheTextOfTheModelsFolder() throws {
    let folder = ParsingSupport.packageRoot.appendingPathComponent("Models")
    for model in try Self.catalog().models {
      let file = folder.appendingPathComponent("\(model.id).yaml")
      let text = try String(contentsOf: file, encoding: .utf8)
      // The plugin emits each file as a multi-line raw string literal, which
      // must be identical, final newline included.
      let same = model.sourceText == text
      #expect(same, "the embedded \(model.id) differs from Models/\(model.id).yaml: rebuild")
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
    #expect(
      files.count == (try Self.catalog().models.count) + 3,
      "every Models/*.yaml but thresholds.yaml, observations.yaml and effects.yaml is a model")
  }

  // MARK: - Effect site

  @Test func dominoHasNavarretesKe0() throws {
    // Navarrete 2025: ke0 0.238 /min (95 % CI 0.20-0.28) with the Domino PK set.
    let model = try Self.catalog().model(id: "domino1984")
    let site = try #require(model.effectSite)
    #expect(ParsingSupport.isClose(site.ke0PerMinute, 0.238, rel: 1e-12))
    #expect(site.confidenceInterval95 == 0.20...0.28)
    let parameters = try model.parameters(for: Patient(weightKilograms: 70))
    #expect(parameters.ke0.map { ParsingSupport.isClose($0, 0.238, rel: 1e-12) } == true)
  }

  @Test(arguments: shippedIDs.filter { $0 != "domino1984" })
  func otherModelsHaveNoPublishedKe0(id: String) throws {
    let model = try Self.catalog().model(id: id)
    #expect(model.effectSite == nil)
    #expect(try model.parameters(for: Patient(weightKilograms: 70)).ke0 == nil)
  }

  @Test func ke0OverrideReplacesThePublishedValue() throws {
    let model = try Self.catalog().model(id: "clements250")
    let parameters = try model.parameters(for: Patient(weightKilograms: 70), ke0Override: 0.5)
    #expect(parameters.ke0 == 0.5)
  }

  // MARK: - Published values at 70 kg

  /// Published individual values at 70 kg: volumes L, clearances L/min.
  struct Published: Sendable, CustomTestStringConvertible {
    var id: String
    var v1: Double
    var cl: Double
    /// (V, Q) per peripheral compartment.
    var peripherals: [(volume: Double, clearance: Double)]
    /// Relative tolerance: the rounding of the published figures.
    var tolerance: Double
    var testDescription: String { id }
  }

  static let publishedAt70: [Published] = [
    // R11: stanpumpR tests/testthat/test-drugs-ketamine.R: v1 4.41, v2 10.56972, v3 178.2123 L;
    // cl1 1.93158, cl2 2.61072, cl3 2.6019 L/min. stanpumpR rounds k10 to 0.438, hence 0.1 %.
    Published(
      id: "domino1984", v1: 4.41, cl: 1.93158, peripherals: [(10.56972, 2.61072), (178.2123, 2.6019)], tolerance: 1e-3),
    // Herd 2007 abstract [V]: V1 38.7, V2 102 L; CL 90, Q 215 L/h per 70 kg.
    Published(id: "herd2007", v1: 38.7, cl: 90.0 / 60, peripherals: [(102, 215.0 / 60)], tolerance: 1e-9),
    // Kamp 2020 raw-data model, arterial part [S x 2]: V 25, 56, 157 L; CL 84, Q2 161, Q3 79 L/h.
    Published(
      id: "kamp2020", v1: 25, cl: 84.0 / 60, peripherals: [(56, 161.0 / 60), (157, 79.0 / 60)], tolerance: 1e-9),
    // Sherwin 2015 abstract [V]: V1 20.5, V2 220 L; CL 87.9, Q 87.3 L/h per 70 kg.
    Published(id: "sherwin2015", v1: 20.5, cl: 87.9 / 60, peripherals: [(220, 87.3 / 60)], tolerance: 1e-9),
    // Clements 250 (opentiva [S]): V1 1.7522 L/kg, k10 0.0109, k12 0.0186, k21 0.0137 /min:
    // V1 = 122.654 L, CL = k10 V1, Q = k12 V1, V2 = Q / k21.
    Published(
      id: "clements250", v1: 1.7522 * 70, cl: 0.0109 * 1.7522 * 70,
      peripherals: [(0.0186 * 1.7522 * 70 / 0.0137, 0.0186 * 1.7522 * 70)], tolerance: 1e-12),
    // Hijazi (opentiva [S]): V1 1.08 L/kg, k10 0.0333, k12 0.0088, k21 0.0030 /min.
    Published(
      id: "hijazi2003", v1: 1.08 * 70, cl: 0.0333 * 1.08 * 70,
      peripherals: [(0.0088 * 1.08 * 70 / 0.0030, 0.0088 * 1.08 * 70)], tolerance: 1e-12),
  ]

  @Test(arguments: publishedAt70)
  func reproducesThePublishedVolumesAndClearancesAtSeventyKilograms(_ published: Published) throws {
    let p = try Self.parameters(published.id, weight: 70)
    #expect(ParsingSupport.isClose(p.centralVolume, published.v1, rel: published.tolerance), "V1 \(p.centralVolume)")
    #expect(ParsingSupport.isClose(p.clearance, published.cl, rel: published.tolerance), "CL \(p.clearance) L/min")
    try #require(p.peripherals.count == published.peripherals.count)
    for (index, (actual, expected)) in zip(p.peripherals, published.peripherals).enumerated() {
      #expect(
        ParsingSupport.isClose(actual.volume, expected.volume, rel: published.tolerance),
        "V\(index + 2) \(actual.volume) vs \(expected.volume)")
      #expect(
        ParsingSupport.isClose(actual.clearance, expected.clearance, rel: published.tolerance),
        "Q\(index + 2) \(actual.clearance) vs \(expected.clearance)")
    }
  }

  @Test func dominoMicroConstantsAreTheSTANPUMPSet() throws {
    // Domino 1984 as coded in opentiva, SimTIVA and stanpumpR:
    // k10 0.4381, k12 0.5921, k21 0.2470, k13 0.5900, k31 0.0146 /min.
    let p = try Self.parameters("domino1984", weight: 70)
    #expect(ParsingSupport.isClose(p.k10, 0.4381, rel: 1e-12))
    let rates = p.distributionRates
    try #require(rates.count == 2)
    #expect(ParsingSupport.isClose(rates[0].outOfCentral, 0.5921, rel: 1e-12))
    #expect(ParsingSupport.isClose(rates[0].backToCentral, 0.2470, rel: 1e-12))
    #expect(ParsingSupport.isClose(rates[1].outOfCentral, 0.5900, rel: 1e-12))
    #expect(ParsingSupport.isClose(rates[1].backToCentral, 0.0146, rel: 1e-12))
  }

  @Test func hijaziReproducesTheAbstractsClearanceAndHalfLife() throws {
    // Hijazi 2003 abstract [V]: CL 36.0 (SD 13.3) mL/min/kg, t1/2 4.9 (SD 1.6) h,
    // Vbeta 16.0 (SD 8.6) L/kg.
    let p = try Self.parameters("hijazi2003", weight: 70)
    let clearanceMillilitersPerMinutePerKilogram = p.clearance * 1000 / 70
    #expect(abs(clearanceMillilitersPerMinutePerKilogram - 36.0) <= 0.05, "\(clearanceMillilitersPerMinutePerKilogram)")
    let eigenvalues = Disposition(p).eigenvalues
    let slowest = try #require(eigenvalues.map { -$0 }.min())
    let halfLifeHours = log(2) / slowest / 60
    #expect(abs(halfLifeHours - 4.9) <= 0.05, "terminal half-life \(halfLifeHours) h")
    // Vbeta = CL / beta: 15.4 L/kg from these constants; the abstract's mean is
    // 16.0 with SD 8.6, so only a loose agreement is expected.
    let vBeta = p.clearance / slowest / 70
    #expect(abs(vBeta - 16.0) / 16.0 < 0.05, "Vbeta \(vBeta) L/kg")
  }

  /// Half-lives computed here [C] (min) of the disposition
  /// phases at 70 kg, computed there from the same inputs and given to 0.1 min.
  @Test(arguments: [
    ("domino1984", [0.4, 4.6, 114.6]), ("clements250", [17.6, 182.9]), ("hijazi2003", [16.2, 296.7]),
    ("herd2007", [4.4, 80.4]), ("sherwin2015", [4.8, 213.8]), ("kamp2020", [2.8, 28.4, 183.8]),
  ])
  func dispositionHalfLivesMatchTheDigest(id: String, halfLives: [Double]) throws {
    let eigenvalues = Disposition(try Self.parameters(id, weight: 70)).eigenvalues
    let computed = eigenvalues.map { log(2) / -$0 }.sorted()
    try #require(computed.count == halfLives.count)
    for (value, printed) in zip(computed, halfLives) {
      #expect(abs(value - printed) <= 0.05 + 1e-9, "\(id): \(value) vs \(printed) min")
    }
  }

  // MARK: - Weight scaling

  @Test func herdScalesAllometricallyAtTwentyKilograms() throws {
    // V x (W/70), CL and Q x (W/70)^0.75 (Herd 2007, exponent as coded in opentiva).
    let p = try Self.parameters("herd2007", weight: 20)
    let ratio = 20.0 / 70
    #expect(ParsingSupport.isClose(p.centralVolume, 38.7 * ratio, rel: 1e-12))
    #expect(ParsingSupport.isClose(p.clearance, 90 * pow(ratio, 0.75) / 60, rel: 1e-12))
    #expect(ParsingSupport.isClose(p.peripherals[0].volume, 102 * ratio, rel: 1e-12))
    #expect(ParsingSupport.isClose(p.peripherals[0].clearance, 215 * pow(ratio, 0.75) / 60, rel: 1e-12))
  }

  @Test func kampAndSherwinScaleAllometricallyAtFortyFiveKilograms() throws {
    let ratio = 45.0 / 70
    let kamp = try Self.parameters("kamp2020", weight: 45)
    #expect(ParsingSupport.isClose(kamp.centralVolume, 25 * ratio, rel: 1e-12))
    #expect(ParsingSupport.isClose(kamp.clearance, 84 * pow(ratio, 0.75) / 60, rel: 1e-12))
    #expect(ParsingSupport.isClose(kamp.peripherals[1].volume, 157 * ratio, rel: 1e-12))
    #expect(ParsingSupport.isClose(kamp.peripherals[1].clearance, 79 * pow(ratio, 0.75) / 60, rel: 1e-12))
    let sherwin = try Self.parameters("sherwin2015", weight: 45)
    #expect(ParsingSupport.isClose(sherwin.centralVolume, 20.5 * ratio, rel: 1e-12))
    #expect(ParsingSupport.isClose(sherwin.clearance, 87.9 * pow(ratio, 0.75) / 60, rel: 1e-12))
  }

  @Test(arguments: [("domino1984", 0.063, 0.4381), ("clements250", 1.7522, 0.0109), ("hijazi2003", 1.08, 0.0333)])
  func microConstantModelsAreLinearInWeight(id: String, v1PerKilogram: Double, k10: Double) throws {
    for weight in [50.0, 70, 100] {
      let p = try Self.parameters(id, weight: weight)
      #expect(ParsingSupport.isClose(p.centralVolume, v1PerKilogram * weight, rel: 1e-12))
      #expect(ParsingSupport.isClose(p.clearance, k10 * v1PerKilogram * weight, rel: 1e-12))
      #expect(ParsingSupport.isClose(p.k10, k10, rel: 1e-12), "rate constants are not weight scaled")
    }
  }

  // MARK: - Validity

  @Test func validityWarningsNameTheCovariateOutsideTheRange() throws {
    let herd = try Self.catalog().model(id: "herd2007")
    #expect(herd.validityWarnings(for: try Patient(weightKilograms: 30, ageYears: 8)).isEmpty)
    let adult = herd.validityWarnings(for: try Patient(weightKilograms: 70, ageYears: 40))
    #expect(adult.count == 1)
    #expect(adult.first?.contains("age") == true)
    let heavy = herd.validityWarnings(for: try Patient(weightKilograms: 120))
    #expect(heavy.count == 1)
    #expect(heavy.first?.contains("weight") == true)
  }

  // MARK: - Resolving names

  @Test func resolvesIDsAndReportsUnknownOnesWithTheCatalogue() throws {
    let catalog = try Self.catalog()
    #expect(try catalog.resolve("kamp2020").id == "kamp2020")
    let error = #expect(throws: KetasimError.self) { try catalog.resolve("kamp2021") }
    guard case .unknownName(.model, let id, let available)? = error?.problem else {
      Issue.record("expected unknownModel, got \(String(describing: error))")
      return
    }
    #expect(id == "kamp2021")
    #expect(available == (Self.shippedIDs + Self.metaboliteIDs).sorted())
  }

  @Test func resolvingAMissingPathIsAFileError() throws {
    let error = #expect(throws: KetasimError.self) {
      try Self.catalog().resolve("/nonexistent-ketasim-dir/model.yaml")
    }
    guard case .unreadable? = error?.problem, case .file(let path, _, _)? = error?.origin else {
      Issue.record("expected unreadable, got \(String(describing: error))")
      return
    }
    #expect(path == "/nonexistent-ketasim-dir/model.yaml")
  }

  // MARK: - Thresholds

  @Test func thresholdsHaveTheFourBandsWithTypicalValuesInside() throws {
    let set = try Self.catalog().thresholds
    #expect(set.thresholds.map(\.name) == ["analgesia", "dissociation", "anesthesia", "awakening"])
    for threshold in set.thresholds {
      #expect(threshold.range.contains(threshold.typicalNanogramsPerMilliliter), "\(threshold.name)")
      #expect(!threshold.sources.isEmpty)
      #expect(!threshold.meaning.isEmpty)
    }
    #expect(set.drug == "racemic ketamine")
  }

  @Test func thresholdsAgreeWithThePublishedBands() throws {
    let set = try Self.catalog().thresholds
    // Zanos 2018 Table 1 [V2]: analgesia 70-160 ng/mL; dissociation (Krystal 1994) 100-250 ng/mL.
    #expect(set["analgesia"]?.range == 70...160)
    #expect(set["dissociation"]?.range == 100...250)
    // Herd 2007 [V]: 0.1 mg/L associated with analgesia = 100 ng/mL.
    #expect(set["analgesia"]?.typicalNanogramsPerMilliliter == 100)
    // Idvall 1979 [V]: recovery at 2.7 (SD 0.9) umol/L, M = 237.73 g/mol:
    // 641.9 (427.9-855.8) ng/mL; maintenance 9.3 umol/L = 2210.9 ng/mL.
    let molar = 237.73
    let awakening = try #require(set["awakening"])
    #expect(ParsingSupport.isClose(awakening.typicalNanogramsPerMilliliter, 2.7 * molar, rel: 0.01))
    #expect(ParsingSupport.isClose(awakening.range.lowerBound, 1.8 * molar, rel: 0.01))
    #expect(ParsingSupport.isClose(awakening.range.upperBound, 3.6 * molar, rel: 0.01))
    let anesthesia = try #require(set["anesthesia"])
    #expect(ParsingSupport.isClose(anesthesia.range.upperBound, 9.3 * molar, rel: 0.01))
  }
}

import Foundation
import Testing

// `ketasim compare --plot` and `ketasim population --plot` end to end: the
// rate lines and the bands read back from the SVG through its own tick
// labels, the picture options, and outputs unchanged by asking for a picture.

/// Reads an SVG written by ketasim as text: elements by class, numbers, and
/// the linear maps its tick labels define.
enum SVGText {
  /// The lines holding `<NAME ... class="CLS"`.
  static func elements(_ svg: String, _ name: String, class cls: String) -> [String] {
    svg.split(separator: "\n").map(String.init).filter { $0.hasPrefix("<\(name) class=\"\(cls)\"") }
  }

  /// The value of `attribute` in an element's line.
  static func attribute(_ line: String, _ attribute: String) -> String? {
    guard let start = line.range(of: " \(attribute)=\"") else { return nil }
    let rest = line[start.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
  }

  /// The `points` of a polyline or polygon.
  static func points(_ line: String) -> [(x: Double, y: Double)] {
    (attribute(line, "points") ?? "").split(separator: " ").compactMap { pair in
      let parts = pair.split(separator: ",")
      guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]) else { return nil }
      return (x, y)
    }
  }

  /// The `x` or `y` of the text element that reads exactly `label` with `font-size` `size` and anchor `anchor`.
  static func textPosition(_ svg: String, label: String, size: String, anchor: String, _ coordinate: String)
    -> Double?
  {
    svg.split(separator: "\n").map(String.init).first {
      $0.hasPrefix("<text x=") && $0.hasSuffix(">\(label)</text>") && $0.contains("font-size=\"\(size)\"")
        && $0.contains("text-anchor=\"\(anchor)\"")
    }.flatMap { attribute($0, coordinate) }.flatMap(Double.init)
  }

  /// The linear map from px to values through two labelled px positions.
  static func map(_ a: (px: Double, value: Double), _ b: (px: Double, value: Double)) -> (Double) -> Double {
    { px in a.value + (px - a.px) / (b.px - a.px) * (b.value - a.value) }
  }
}

@Suite struct ComparePlotCommandTests {
  static let runs = [
    "compare", "--dose-set", "slow=0.5 mg/kg over 40 min", "--dose-set", "bolus=1 mg/kg", "--model",
    "clements250,domino1984",
  ]

  @Test func oneRateLinePerRunAtItsScheduledRatesInItsColour() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("overlay.svg")
    let result = try CLI.run(Self.runs + ["--plot", path, "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    let rates = SVGText.elements(svg, "polyline", class: "rate")
    let curves = SVGText.elements(svg, "polyline", class: "cp")
    #expect(rates.count == 4 && curves.count == 4)
    // The time axis from its tick labels (0 and 240 min), the rate axis from its labels (0 and 100 mg/h, 4 px
    // under the line they label).
    let x0 = try #require(SVGText.textPosition(svg, label: "0", size: "11", anchor: "middle", "x"))
    let x240 = try #require(SVGText.textPosition(svg, label: "240", size: "11", anchor: "middle", "x"))
    let r0 = try #require(SVGText.textPosition(svg, label: "0", size: "10", anchor: "end", "y")) - 4
    let r100 = try #require(SVGText.textPosition(svg, label: "100", size: "10", anchor: "end", "y")) - 4
    let time = SVGText.map((x0, 0), (x240, 240))
    let rate = SVGText.map((r0, 0), (r100, 100))
    // 0.5 mg/kg over 40 min at 70 kg is 52.5 mg/h until 40 min; a bolus alone is no rate at all.
    let slow: [(Double, Double)] = [(0, 52.5), (40, 52.5), (40, 0), (240, 0)]
    let bolus: [(Double, Double)] = [(0, 0), (240, 0)]
    for (index, (line, expected)) in zip(rates, [slow, slow, bolus, bolus]).enumerated() {
      let vertices = SVGText.points(line).map { (time($0.x), rate($0.y)) }
      #expect(vertices.count == expected.count, "run \(index): \(vertices)")
      for (got, want) in zip(vertices, expected) {
        #expect(abs(got.0 - want.0) < 0.01 && abs(got.1 - want.1) < 0.01, "run \(index): \(got) vs \(want)")
      }
      #expect(SVGText.attribute(line, "stroke") == SVGText.attribute(curves[index], "stroke"), "run \(index)")
    }
    #expect(Set(curves.compactMap { SVGText.attribute($0, "stroke") }).count == 4)
    #expect(svg.contains("4 runs, 70 kg: slow, bolus with clements250, domino1984"))
    let footer = try #require(SVGText.elements(svg, "text", class: "footer").last)
    #expect(footer.contains("70 kg · clements250, domino1984 · "))
    #expect(footer.hasSuffix("population-model estimate, not a medical device</text>"))
    // domino1984 with 1 mg/kg peaks above the anaesthesia level: the run's warning is in the picture.
    #expect(svg.contains("class=\"warning\"") && svg.contains(">warning: bolus / domino1984: "))
  }

  @Test func xRangeLogAndFormats() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("overlay.svg")
    let result = try CLI.run(Self.runs + ["--x-range", "30 min..90 min", "--log", "--plot", path, "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    #expect(svg.contains(">30</text>") && svg.contains(">90</text>") && !svg.contains(">240</text>"))
    #expect(svg.contains(">10</text>") && svg.contains(">100</text>") && svg.contains(">1000</text>"), "decades")
    let refused = try CLI.run(Self.runs + ["--x-range", "2 h..1 h", "--plot", scratch.path("x.svg")])
    #expect(refused.status == 64 && refused.stderr.contains("invalid x-range '2 h..1 h'"))
    let png = scratch.path("overlay.png")
    #expect(try CLI.run(Self.runs + ["--plot", png, "--quiet"]).status == 0)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
    let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
    #expect(width == 1800, "900 px at 2 pixels per unit")
  }
}

@Suite struct PopulationPlotCommandTests {
  static let run = [
    "population", "--model", "herd2007", "--weight", "30", "--subjects", "200", "--seed", "7", "--dose", "1 mg/kg",
    "--dose", "0.5 mg/kg/h for 1 h at 10 min", "--duration", "2h", "--percentiles", "5,25,50,75,95",
  ]

  @Test func theBandsAreTheCSVsPercentilesAndTheCSVIsUnchanged() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("bands.svg")
    let plain = try CLI.run(Self.run + ["--quiet"])
    let drawn = try CLI.run(Self.run + ["--plot", path, "--quiet"])
    #expect(plain.status == 0 && drawn.status == 0, "\(drawn.stderr)")
    #expect(drawn.stdout == plain.stdout, "asking for a picture changes no byte of the bands")
    let lines = plain.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    let header = try #require(lines.first)
    let rows = lines.dropFirst().map { $0.compactMap(Double.init) }
    struct MissingColumn: Error { let name: String }
    func column(_ name: String) throws -> [Double] {
      guard let index = header.firstIndex(of: name) else { throw MissingColumn(name: name) }
      return rows.map { $0[index] }
    }
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    // The maps from the tick labels: time 0 and 120 min; concentration 0 and the highest tick.
    let x0 = try #require(SVGText.textPosition(svg, label: "0", size: "11", anchor: "middle", "x"))
    let x120 = try #require(SVGText.textPosition(svg, label: "120", size: "11", anchor: "middle", "x"))
    let time = SVGText.map((x0, 0), (x120, 120))
    let ticks = svg.split(separator: "\n").map(String.init).filter {
      $0.hasPrefix("<text x=\"65\"") && $0.contains("font-size=\"11\" text-anchor=\"end\"")
    }
    let labelled = ticks.compactMap { line -> (px: Double, value: Double)? in
      guard let y = SVGText.attribute(line, "y").flatMap(Double.init),
        let value = line.split(separator: ">").last?.split(separator: "<").first.flatMap({ Double($0) })
      else { return nil }
      return (y - 4, value)
    }
    let bottom = try #require(labelled.first { $0.value == 0 })
    let top = try #require(labelled.max { $0.value < $1.value })
    let concentration = SVGText.map(bottom, top)
    func expectCurve(_ points: [(x: Double, y: Double)], _ values: [Double], _ what: String) {
      #expect(points.count == values.count, "\(what): \(points.count) points")
      for (index, (point, value)) in zip(points, values).enumerated() {
        #expect(abs(time(point.x) - rows[index][0]) < 0.01, "\(what) time \(index)")
        #expect(abs(concentration(point.y) - value) <= 0.02 + 1e-5 * value, "\(what) \(index): \(point) vs \(value)")
      }
    }
    let bands = SVGText.elements(svg, "polygon", class: "band")
    #expect(bands.count == 2)
    let times = rows.count
    let outer = SVGText.points(bands[0])
    let inner = SVGText.points(bands[1])
    expectCurve(Array(outer.prefix(times)), try column("cp_p95_ng_per_ml"), "95th")
    expectCurve(Array(outer.suffix(times).reversed()), try column("cp_p05_ng_per_ml"), "5th")
    expectCurve(Array(inner.prefix(times)), try column("cp_p75_ng_per_ml"), "75th")
    expectCurve(Array(inner.suffix(times).reversed()), try column("cp_p25_ng_per_ml"), "25th")
    let median = try #require(SVGText.elements(svg, "polyline", class: "median").first)
    expectCurve(SVGText.points(median), try column("cp_p50_ng_per_ml"), "median")
    // The typical patient's rate: 0.5 mg/kg/h at 30 kg is 15 mg/h from 10 to 70 min.
    #expect(svg.contains(">15 mg/h</text>"))
    #expect(SVGText.elements(svg, "polyline", class: "rate").count == 1)
    #expect(svg.contains("herd2007, 200 virtual patients, 30 kg: "))
    #expect(svg.contains("200 subjects, seed 7 · ") && svg.contains("not a medical device"))
  }

  @Test func summaryPictureOptionsAndRefusals() throws {
    let scratch = try TemporaryDirectory()
    let plain = try CLI.run(Self.run + ["--summary", "--quiet"])
    let path = scratch.path("bands.png")
    let drawn = try CLI.run(Self.run + ["--summary", "--plot", path, "--log", "--x-range", "0..1 h", "--quiet"])
    #expect(plain.status == 0 && drawn.status == 0, "\(drawn.stderr)")
    #expect(drawn.stdout == plain.stdout, "the summary is unchanged")
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
    let svgPath = scratch.path("range.svg")
    #expect(try CLI.run(Self.run + ["--plot", svgPath, "--x-range", "0..1 h", "--quiet"]).status == 0)
    let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
    #expect(SVGText.textPosition(svg, label: "60", size: "11", anchor: "middle", "x") != nil)
    #expect(SVGText.textPosition(svg, label: "120", size: "11", anchor: "middle", "x") == nil)

    let shard = try CLI.run(
      Self.run + ["--shard", "1/2", "--output", scratch.path("a.kspop"), "--plot", scratch.path("s.svg")])
    #expect(shard.status == 64 && shard.stderr.contains("--plot"))
    let same = try CLI.run(Self.run + ["--output", scratch.path("o.csv"), "--plot", scratch.path("o.csv")])
    #expect(same.status == 64 && same.stderr.contains("invalid --plot"))
    let jpeg = try CLI.run(Self.run + ["--plot", scratch.path("o.jpg")])
    #expect(jpeg.status == 64)
  }
}

import Foundation
import Testing

@testable import KetasimCore

#if canImport(FoundationXML)
import FoundationXML
#endif

// The SVG plot as a real browser draws it: headless Chromium takes a
// screenshot, a small Python script (standard library only) decodes the PNG,
// and the pixels are checked: the Cp colour along the mapped curve, the
// infusion shading inside the infusion's x-range, the reference-level colour
// at the mapped heights, and dark text where the labels are.
//
// Without Chromium (or python3) the test is skipped, except when the
// environment variable CI is set: there it fails, because .ci/browser-setup
// must have installed Chromium. Set KETASIM_PLOT_ARTIFACTS to a directory to
// keep the SVG and the screenshot.

@Suite("SVG plot rendered by a real browser")
struct BrowserRenderTests {
  static let environment = ProcessInfo.processInfo.environment
  static let chromium = executable(named: ["chromium", "chromium-browser", "google-chrome"])
  static let python = executable(named: ["python3"])
  static let inCI = environment["CI"] != nil

  @Test(
    "Chromium's screenshot shows the curve, the infusion band, the reference lines and the labels",
    .enabled(
      if: (chromium != nil && python != nil) || inCI,
      "needs Chromium and python3 on PATH (bash .ci/browser-setup installs Chromium)"),
    .timeLimit(.minutes(2)))
  func screenshot() throws {
    guard let chromium = Self.chromium else {
      Issue.record(
        "Chromium is missing (no chromium, chromium-browser or google-chrome on PATH): .ci/browser-setup must install it"
      )
      return
    }
    guard let python = Self.python else {
      Issue.record("python3 is missing: it decodes the screenshot")
      return
    }
    let catalog = try ModelCatalog.builtIn()
    var data = PlotFixtures.defaultRun()
    data.thresholds = catalog.thresholds.thresholds.map { ($0.name, $0.typicalNanogramsPerMilliliter) }
    let plot = ConcentrationPlot(data, width: 900, height: 500)

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ketasim-browser-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let svgFile = directory.appendingPathComponent("plot.svg")
    let pngFile = directory.appendingPathComponent("plot.png")
    let rawFile = directory.appendingPathComponent("plot.ppm")
    let decoder = directory.appendingPathComponent("png2ppm.py")
    try Data(plot.svg.utf8).write(to: svgFile)
    try Data(Self.decoderScript.utf8).write(to: decoder)

    // `--headless` is the new headless mode from Chromium 132 on and the old one before; both take screenshots.
    var log = ""
    for mode in ["--headless", "--headless=new"] where !FileManager.default.fileExists(atPath: pngFile.path) {
      let result = try Self.run(
        chromium,
        [
          mode, "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
          "--no-first-run", "--user-data-dir=\(directory.path)/profile", "--window-size=\(plot.width),\(plot.height)",
          "--screenshot=\(pngFile.path)", svgFile.absoluteString,
        ],
        timeout: 60, log: directory.appendingPathComponent("chromium.log"))
      log = result.log
    }
    try #require(
      FileManager.default.fileExists(atPath: pngFile.path), "Chromium wrote no screenshot; its output:\n\(log)")
    let decoded = try Self.run(python, [decoder.path, pngFile.path, rawFile.path], timeout: 60, log: nil)
    try #require(decoded.status == 0, "decoding the PNG failed:\n\(decoded.log)")
    let image = try #require(Image(ppm: try Data(contentsOf: rawFile)), "unreadable decoder output")
    if let keep = Self.environment["KETASIM_PLOT_ARTIFACTS"] {
      let target = URL(fileURLWithPath: keep)
      try? FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
      for file in [svgFile, pngFile] {
        let destination = target.appendingPathComponent(file.lastPathComponent)
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.copyItem(at: file, to: destination)
      }
    }

    #expect(image.width == plot.width && image.height == plot.height)
    try #require(image.width >= plot.width && image.height >= plot.height)

    // Not blank: a real share of non-white pixels and many colours.
    var nonWhite = 0
    var colours = Set<Int>()
    for y in 0..<image.height {
      for x in 0..<image.width {
        let p = image[x, y]
        if p.r < 245 || p.g < 245 || p.b < 245 { nonWhite += 1 }
        colours.insert(Int(p.r) << 16 | Int(p.g) << 8 | Int(p.b))
      }
    }
    #expect(nonWhite > image.width * image.height / 50, "only \(nonWhite) non-white pixels")
    #expect(colours.count > 20, "only \(colours.count) colours")

    let plasma = RGB(hex: ConcentrationPlot.plasmaColour)
    let band = RGB(hex: ConcentrationPlot.infusionColour)
    let level = RGB(hex: ConcentrationPlot.thresholdColour)

    // The Cp curve: its colour within 3 px of mapped samples along the whole run ...
    for minute in [3, 10, 25, 39, 41, 60, 90, 130, 180, 235] {
      let p = plot.point(timeMinutes: Double(minute), concentration: data.plasma[minute])
      let hit = image.find(plasma, near: p, radius: 3)
      #expect(hit, "Cp colour missing near t = \(minute) min, (\(p.x), \(p.y))")
    }
    // ... and not where the curve is not (well above it, inside the plot area).
    for minute in [60, 150, 230] {
      let p = plot.point(timeMinutes: Double(minute), concentration: data.plasma[minute] + 35)
      #expect(!image.find(plasma, near: p, radius: 3), "Cp colour off the curve at t = \(minute) min")
    }

    // The infusion band (0 to 40 min): its colour fills most of a column inside, none outside the band.
    let top = Int(plot.plotTop.rounded(.up)) + 2
    let bottom = Int(plot.plotBottom.rounded(.down)) - 2
    for minute in [8.5, 20.5, 33.5] {
      let x = Int(plot.point(timeMinutes: minute, concentration: 0).x.rounded())
      let shaded = (top...bottom).filter { image[x, $0].isClose(to: band, tolerance: 6) }.count
      #expect(shaded > (bottom - top) / 2, "infusion shading at t = \(minute) min: \(shaded) px")
    }
    for minute in [45.5, 120.5, 220.5] {
      let x = Int(plot.point(timeMinutes: minute, concentration: 0).x.rounded())
      let shaded = (top...bottom).filter { image[x, $0].isClose(to: band, tolerance: 6) }.count
      // (A few antialiased edge pixels of the curve come close to the light band colour.)
      #expect(shaded <= 3, "infusion shading outside the infusion at t = \(minute) min: \(shaded) px")
    }

    // Reference levels: a dashed run of their colour along the mapped height, and none halfway between.
    let left = Int(plot.plotLeft.rounded(.up)) + 1
    let right = Int(plot.plotRight.rounded(.down)) - 1
    func levelPixels(atY y: Double) -> Int {
      (left...right).filter { x in
        (-1...1).contains { dy in image[x, Int(y.rounded()) + dy].isBlend(of: level, minimumCoverage: 0.6) }
      }.count
    }
    for drawn in plot.scale.drawnThresholds {
      let y = plot.point(timeMinutes: 0, concentration: drawn.nanogramsPerMilliliter).y
      let count = levelPixels(atY: y)
      #expect(count > (right - left) / 3, "\(drawn.name): \(count) px of the line colour at y = \(y)")
    }
    #expect(plot.scale.drawnThresholds.count == 2)
    #expect(levelPixels(atY: plot.point(timeMinutes: 0, concentration: 125).y) == 0)

    // Labels: dark text pixels inside each label's box, read from the SVG itself.
    let tree = try SVGTree(plot.svg)
    var boxes: [(String, Box)] = []
    for text in tree.elements("text") {
      guard let content = text.stringValue, !content.isEmpty, SVGTree.attribute(text, "transform") == nil,
        let x = SVGTree.number(text, "x"), let y = SVGTree.number(text, "y"),
        let size = SVGTree.number(text, "font-size")
      else { continue }
      let width = Double(content.count) * size * 0.5
      let anchor = SVGTree.attribute(text, "text-anchor") ?? "start"
      let minX = anchor == "end" ? x - width : anchor == "middle" ? x - width / 2 : x
      boxes.append((content, Box(minX: minX, maxX: minX + width, minY: y - size * 0.75, maxY: y + 1)))
    }
    let wanted = [
      "clements250, 70 kg: 0.5 mg/kg over 40 min", "time (min)", "plasma (Cp)", "infusion",
      "analgesia 100 ng/mL", "dissociation 150 ng/mL", "population-model estimate, not a medical device",
    ]
    for label in wanted {
      let box = try #require(boxes.first { $0.0 == label }?.1, "no text \(label) in the SVG")
      let dark = image.count(in: box) { $0.luminance < 120 }
      #expect(dark >= 15, "label \(label): \(dark) dark pixels in \(box)")
    }
    // The rotated concentration-axis title: dark pixels in a tall narrow strip left of the tick labels.
    let axisTitle = Box(minX: 8, maxX: 24, minY: plot.plotTop + 60, maxY: plot.plotBottom - 60)
    #expect(image.count(in: axisTitle) { $0.luminance < 120 } >= 40, "concentration axis title")
    // A stretch of the plot area between lines holds no dark pixels (no stray text).
    let quiet = Box(
      minX: plot.point(timeMinutes: 90, concentration: 0).x, maxX: plot.point(timeMinutes: 140, concentration: 0).x,
      minY: plot.point(timeMinutes: 0, concentration: 195).y, maxY: plot.point(timeMinutes: 0, concentration: 160).y)
    #expect(image.count(in: quiet) { $0.luminance < 120 } == 0, "unexpected dark pixels in an empty area")
  }

  // MARK: - Helpers

  struct RGB {
    var r: UInt8
    var g: UInt8
    var b: UInt8

    init(r: UInt8, g: UInt8, b: UInt8) {
      self.r = r
      self.g = g
      self.b = b
    }

    init(hex: String) {
      let value = Int(hex.dropFirst(), radix: 16) ?? 0
      self.init(r: UInt8(value >> 16 & 255), g: UInt8(value >> 8 & 255), b: UInt8(value & 255))
    }

    var luminance: Double { 0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b) }

    /// Whether this is `colour` drawn over white with at least the given coverage (antialiased thin lines).
    func isBlend(of colour: RGB, minimumCoverage: Double) -> Bool {
      let ink = [255 - Double(colour.r), 255 - Double(colour.g), 255 - Double(colour.b)]
      let seen = [255 - Double(r), 255 - Double(g), 255 - Double(b)]
      let strongest = ink.indices.max { ink[$0] < ink[$1] }!
      let coverage = seen[strongest] / ink[strongest]
      guard coverage >= minimumCoverage, coverage <= 1.05 else { return false }
      return ink.indices.allSatisfy { abs(seen[$0] - coverage * ink[$0]) <= 12 }
    }

    func isClose(to other: RGB, tolerance: Int) -> Bool {
      abs(Int(r) - Int(other.r)) <= tolerance && abs(Int(g) - Int(other.g)) <= tolerance
        && abs(Int(b) - Int(other.b)) <= tolerance
    }
  }

  struct Box: CustomStringConvertible {
    var minX: Double
    var maxX: Double
    var minY: Double
    var maxY: Double
    var description: String { "x \(Int(minX))...\(Int(maxX)), y \(Int(minY))...\(Int(maxY))" }
  }

  /// An RGB image read from binary PPM (P6, maxval 255).
  struct Image {
    let width: Int
    let height: Int
    let pixels: [UInt8]

    init?(ppm: Data) {
      let bytes = [UInt8](ppm)
      var fields: [String] = []
      var index = 0
      while fields.count < 4 && index < bytes.count {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A { index += 1 }
        var field = ""
        while index < bytes.count, bytes[index] != 0x20 && bytes[index] != 0x0A {
          field.append(Character(UnicodeScalar(bytes[index])))
          index += 1
        }
        fields.append(field)
      }
      index += 1
      guard fields.count == 4, fields[0] == "P6", let width = Int(fields[1]), let height = Int(fields[2]),
        fields[3] == "255", bytes.count - index == width * height * 3
      else { return nil }
      self.width = width
      self.height = height
      pixels = Array(bytes[index...])
    }

    /// The pixel at (x, y), white outside the image.
    subscript(x: Int, y: Int) -> RGB {
      guard x >= 0, y >= 0, x < width, y < height else { return RGB(r: 255, g: 255, b: 255) }
      let offset = (y * width + x) * 3
      return RGB(r: pixels[offset], g: pixels[offset + 1], b: pixels[offset + 2])
    }

    /// Whether a pixel within `radius` px of `point` has (about) the colour.
    func find(_ colour: RGB, near point: (x: Double, y: Double), radius: Int) -> Bool {
      let cx = Int(point.x.rounded())
      let cy = Int(point.y.rounded())
      for y in (cy - radius)...(cy + radius) {
        for x in (cx - radius)...(cx + radius) where self[x, y].isClose(to: colour, tolerance: 30) {
          return true
        }
      }
      return false
    }

    /// Pixels in the box that satisfy `test`.
    func count(in box: Box, where test: (RGB) -> Bool) -> Int {
      var count = 0
      for y in Int(box.minY.rounded(.down))...Int(box.maxY.rounded(.up)) {
        for x in Int(box.minX.rounded(.down))...Int(box.maxX.rounded(.up)) where test(self[x, y]) { count += 1 }
      }
      return count
    }
  }

  static func executable(named names: [String]) -> String? {
    let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for name in names {
      for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    return nil
  }

  /// Runs a program with a time limit (s); its output and errors go to `log` (or a temporary file).
  static func run(_ program: String, _ arguments: [String], timeout: Double, log: URL?) throws -> (
    status: Int32?, log: String
  ) {
    let logFile =
      log ?? FileManager.default.temporaryDirectory.appendingPathComponent("ketasim-run-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
    defer { if log == nil { try? FileManager.default.removeItem(at: logFile) } }
    let handle = try FileHandle(forWritingTo: logFile)
    defer { try? handle.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    var timedOut = false
    if process.isRunning {
      timedOut = true
      process.terminate()
    }
    process.waitUntilExit()
    let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    return (timedOut ? nil : process.terminationStatus, timedOut ? "timed out after \(timeout) s\n" + text : text)
  }

  /// PNG to binary PPM (RGB, alpha composited over white), Python standard library only.
  static let decoderScript = """
    import struct, sys, zlib

    def paeth(a, b, c):
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        if pa <= pb and pa <= pc:
            return a
        return b if pb <= pc else c

    def main(source, target):
        data = open(source, 'rb').read()
        if data[:8] != b'\\x89PNG\\r\\n\\x1a\\n':
            sys.exit('not a PNG file')
        position, chunks, palette = 8, [], None
        while position < len(data):
            length, kind = struct.unpack('>I4s', data[position:position + 8])
            body = data[position + 8:position + 8 + length]
            position += 12 + length
            if kind == b'IHDR':
                width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
            elif kind == b'PLTE':
                palette = body
            elif kind == b'IDAT':
                chunks.append(body)
            elif kind == b'IEND':
                break
        if depth != 8 or interlace != 0 or colour not in (0, 2, 3, 4, 6):
            sys.exit('unsupported PNG: depth %d, colour type %d, interlace %d' % (depth, colour, interlace))
        channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
        raw = zlib.decompress(b''.join(chunks))
        stride = width * channels
        previous = bytearray(stride)
        out = bytearray()
        offset = 0
        for _ in range(height):
            kind = raw[offset]
            line = bytearray(raw[offset + 1:offset + 1 + stride])
            offset += 1 + stride
            if kind == 1:
                for i in range(channels, stride):
                    line[i] = (line[i] + line[i - channels]) & 255
            elif kind == 2:
                for i in range(stride):
                    line[i] = (line[i] + previous[i]) & 255
            elif kind == 3:
                for i in range(stride):
                    left = line[i - channels] if i >= channels else 0
                    line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
            elif kind == 4:
                for i in range(stride):
                    left = line[i - channels] if i >= channels else 0
                    corner = previous[i - channels] if i >= channels else 0
                    line[i] = (line[i] + paeth(left, previous[i], corner)) & 255
            elif kind != 0:
                sys.exit('bad filter type %d' % kind)
            for i in range(0, stride, channels):
                if colour == 3:
                    r, g, b = palette[3 * line[i]:3 * line[i] + 3]
                    a = 255
                elif colour in (0, 4):
                    r = g = b = line[i]
                    a = line[i + 1] if colour == 4 else 255
                else:
                    r, g, b = line[i], line[i + 1], line[i + 2]
                    a = line[i + 3] if colour == 6 else 255
                out += bytes(((r * a + 255 * (255 - a)) // 255, (g * a + 255 * (255 - a)) // 255,
                              (b * a + 255 * (255 - a)) // 255))
            previous = line
        with open(target, 'wb') as handle:
            handle.write(b'P6\\n%d %d\\n255\\n' % (width, height))
            handle.write(out)

    main(sys.argv[1], sys.argv[2])
    """
}

import CRsvg
import Foundation
import Testing

@testable import KetasimCore
@testable import KetasimRender

/// PNG and PDF pictures, decoded again: the PNG by cairo's own reader, the
/// PDF by poppler's pdftoppm (Debian poppler-utils, which .ci/setup installs).
@Suite("Pictures as PNG and PDF")
struct PictureRendererTests {
  /// The default run's picture (Clements 250, 70 kg, 0.5 mg/kg over 40 min, 4 h).
  static func defaultPicture() throws -> ConcentrationPlot {
    let catalog = try ModelCatalog.builtIn()
    let model = try catalog.resolve("clements250")
    let patient = try Patient(weightKilograms: 70)
    let schedule = try DosingSchedule(try DoseSpec(parsing: "0.5 mg/kg over 40 min").doses(forWeight: 70))
    let simulation = Simulation(disposition: Disposition(try model.parameters(for: patient)), schedule: schedule)
    let grid = try TimeGrid(end: .hours(4), step: .minutes(1))
    return ConcentrationPlot(
      PlotData(
        title: "clements250, 70 kg", simulation: simulation, grid: grid,
        thresholds: try catalog.thresholds.applying(overrides: [])))
  }

  /// Decodes a PNG with cairo; returns width, height and the ARGB pixels.
  static func decode(_ png: [UInt8]) throws -> (width: Int, height: Int, pixels: [UInt32]) {
    var offset = 0
    var input = png
    let surface = withUnsafeMutablePointer(to: &input) { buffer in
      withUnsafeMutablePointer(to: &offset) { position in
        var context = (buffer, position)
        return withUnsafeMutablePointer(to: &context) { pointer in
          cairo_image_surface_create_from_png_stream(
            { closure, data, length in
              guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
              let state = closure.assumingMemoryBound(
                to: (UnsafeMutablePointer<[UInt8]>, UnsafeMutablePointer<Int>).self)
              let (bytes, position) = state.pointee
              let count = Int(length)
              guard position.pointee + count <= bytes.pointee.count else { return CAIRO_STATUS_READ_ERROR }
              for k in 0..<count { data[k] = bytes.pointee[position.pointee + k] }
              position.pointee += count
              return CAIRO_STATUS_SUCCESS
            }, UnsafeMutableRawPointer(pointer))
        }
      }
    }
    defer { cairo_surface_destroy(surface) }
    try #require(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, "not a PNG cairo can read")
    let width = Int(cairo_image_surface_get_width(surface))
    let height = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    let data = try #require(cairo_image_surface_get_data(surface))
    var pixels: [UInt32] = []
    pixels.reserveCapacity(width * height)
    for y in 0..<height {
      let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
      for x in 0..<width { pixels.append(row[x]) }
    }
    return (width, height, pixels)
  }

  /// Pixels close to `rgb` (within 24 per channel).
  static func count(_ pixels: [UInt32], near rgb: UInt32) -> Int {
    pixels.filter { pixel in
      let channels = [16, 8, 0].map { Int((pixel >> UInt32($0)) & 0xFF) - Int((rgb >> UInt32($0)) & 0xFF) }
      return channels.allSatisfy { abs($0) <= 24 }
    }.count
  }

  @Test func thePNGOfTheDefaultRunDecodesAtTwicePixelsPerUnitWithItsCurve() throws {
    let plot = try Self.defaultPicture()
    let png = try PictureRenderer.render(svg: plot.svg, width: 900, height: 500, as: .png, label: "test.png")
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature")
    let image = try Self.decode(png)
    #expect(image.width == 1800 && image.height == 1000)
    // The plasma curve is drawn in #1f5fa8 and the background is white.
    #expect(Self.count(image.pixels, near: 0x1F5FA8) > 1000, "no plasma curve in the image")
    #expect(Self.count(image.pixels, near: 0xFFFFFF) > image.pixels.count / 2, "the background is not white")
  }

  @Test func thePDFOfTheDefaultRunIsOnePageThatPopplerDraws() throws {
    let plot = try Self.defaultPicture()
    let pdf = try PictureRenderer.render(svg: plot.svg, width: 900, height: 500, as: .pdf, label: "test.pdf")
    #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
    let pdftoppm = ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let pdftoppm else {
      #expect(
        ProcessInfo.processInfo.environment["CI"] == nil, "CI must have pdftoppm (.ci/setup installs poppler-utils)")
      return
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ketasim-pdf-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = directory.appendingPathComponent("plot.pdf")
    try Data(pdf).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: pdftoppm)
    process.arguments = ["-png", "-r", "96", "-singlefile", input.path, directory.appendingPathComponent("page").path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let image = try Self.decode(Array(try Data(contentsOf: directory.appendingPathComponent("page.png"))))
    // 900 × 500 units at 0.75 pt each is 675 × 375 pt, 900 × 500 px at 96 dpi.
    #expect(abs(image.width - 900) <= 1 && abs(image.height - 500) <= 1, "\(image.width) × \(image.height)")
    #expect(Self.count(image.pixels, near: 0x1F5FA8) > 300, "no plasma curve on the page")
  }

  @Test func formatsFollowTheExtension() throws {
    #expect(try PictureFormat(path: "a/b.PNG") == .png)
    #expect(try PictureFormat(path: "run.pdf") == .pdf)
    #expect(try PictureFormat(path: "run.svg") == .svg)
    #expect(throws: KetasimError.self) { try PictureFormat(path: "run.jpg") }
  }

  @Test func aDocumentLibrsvgCannotReadIsAnErrorNotACrash() {
    #expect(throws: KetasimError.self) {
      try PictureRenderer.render(svg: "<svg", width: 10, height: 10, as: .png, label: "bad.png")
    }
  }
}

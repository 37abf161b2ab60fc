import Foundation
import Testing

@testable import KetasimCore
@testable import KetasimRender

/// The compare and population pictures as PNG and PDF, decoded again (see
/// ``PictureRendererTests``).
@Suite("Overlay and band pictures as PNG and PDF")
struct BandAndOverlayRenderTests {
  /// Two runs of Clements 250 at 70 kg with their rates, 4 h.
  static func overlay() throws -> OverlayPlot {
    let catalog = try ModelCatalog.builtIn()
    let model = try catalog.resolve("clements250")
    let patient = try Patient(weightKilograms: 70)
    let grid = try TimeGrid(end: .hours(4), step: .minutes(1))
    let arms = try ["0.5 mg/kg over 40 min", "0.2 mg/kg"].map { spec in
      let schedule = try DosingSchedule(try DoseSpec(parsing: spec).doses(forWeight: 70))
      return ComparisonTable.Arm(
        regimen: spec, model: model, patient: patient,
        simulation: Simulation(disposition: Disposition(try model.parameters(for: patient)), schedule: schedule),
        thresholds: try catalog.thresholds.applying(overrides: []), ke0Source: "none", syringe: nil)
    }
    return OverlayPlot(ComparisonTable(arms: arms, end: grid.end).plotData(at: grid.times, title: "2 runs"))
  }

  /// Hand-made bands (5th, 50th, 95th percentile) and a rate step.
  static func bands() -> BandPlot {
    let times = (0...120).map(Double.init)
    let median = times.map { 200 * (1 - exp(-$0 / 20)) * exp(-$0 / 200) }
    var data = BandPlotData(
      title: "bands", timesMinutes: times,
      percentiles: [(5, median.map { $0 * 0.6 }), (50, median), (95, median.map { $0 * 1.5 })],
      thresholds: [("analgesia", 100)])
    data.rates = [(0, 52.5), (40, 0)]
    return BandPlot(data)
  }

  @Test func bothPicturesDecodeAsPNGWithTheirColours() throws {
    let overlay = try Self.overlay()
    let png = try PictureRenderer.render(overlay, as: .png, label: "overlay.png")
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature")
    #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
    let image = try PictureRendererTests.decode(png)
    #expect(image.width == 2 * overlay.width && image.height == 2 * overlay.height)
    #expect(PictureRendererTests.count(image.pixels, near: 0x0072B2) > 500, "the first run's colour")
    #expect(PictureRendererTests.count(image.pixels, near: 0xD55E00) > 500, "the second run's colour")

    let bands = Self.bands()
    let bandImage = try PictureRendererTests.decode(try PictureRenderer.render(bands, as: .png, label: "bands.png"))
    #expect(bandImage.width == 2 * bands.width && bandImage.height == 2 * bands.height)
    #expect(PictureRendererTests.count(bandImage.pixels, near: 0xD6E4F5) > 5000, "the light band")
    #expect(PictureRendererTests.count(bandImage.pixels, near: 0x1E7B4F) > 200, "the rate line")
  }

  @Test func bothPicturesArePDFsPopplerDraws() throws {
    let pdftoppm = ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    let overlay = try Self.overlay()
    let bands = Self.bands()
    let pdfs = [
      (try PictureRenderer.render(overlay, as: .pdf, label: "o.pdf"), overlay.width, overlay.height, 0x0072B2),
      (try PictureRenderer.render(bands, as: .pdf, label: "b.pdf"), bands.width, bands.height, 0x1F5FA8),
    ]
    for (pdf, width, height, colour) in pdfs {
      #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
      guard let pdftoppm else {
        #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CI must have pdftoppm")
        continue
      }
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ketasim-pdf-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: directory) }
      let input = directory.appendingPathComponent("plot.pdf")
      try Data(pdf).write(to: input)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: pdftoppm)
      process.arguments = [
        "-png", "-r", "96", "-singlefile", input.path, directory.appendingPathComponent("page").path,
      ]
      try process.run()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      let image = try PictureRendererTests.decode(
        Array(try Data(contentsOf: directory.appendingPathComponent("page.png"))))
      #expect(abs(image.width - width) <= 1 && abs(image.height - height) <= 1, "\(image.width) × \(image.height)")
      #expect(PictureRendererTests.count(image.pixels, near: UInt32(colour)) > 200, "the curve on the page")
    }
  }
}

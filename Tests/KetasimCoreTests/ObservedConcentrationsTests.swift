import Foundation
import Testing

@testable import KetasimCore

/// Observed DV against population bands: the interpolation between output times, the positions, which records
/// count, and the dots on the picture.
@Suite struct ObservedConcentrationsTests {
  /// Bands at 0, 10 and 20 min: p05 = t, p50 = 2t, p95 = 3t (ng/mL), so every interpolated value is known.
  static let rows: [[Double]] = [0.0, 10, 20].map { [$0, $0, 2 * $0, 3 * $0] }

  static func dataset(_ rows: String, header: String = "ID,TIME,AMT,EVID,MDV,DV") throws -> Dataset {
    try Dataset(csv: header + "\n" + rows, file: "observed.csv", timeUnit: .minutes)
  }

  @Test func interpolatesBetweenOutputTimesAndPlacesEachObservation() throws {
    let data = try Self.dataset(
      """
      1,0,35,1,1,.
      1,5,0,0,0,4
      1,10,0,0,0,25
      1,15,0,0,0,50
      1,12.5,0,0,1,99
      2,20,0,0,0,10
      2,30,0,0,0,10
      """)
    let check = try ObservedConcentrations(dataset: data, bandRows: Self.rows, percents: [5, 50, 95])
    #expect(check.points.map(\.minutes) == [5, 10, 15, 20])
    #expect(check.points.map(\.bands) == [[5, 10, 15], [10, 20, 30], [15, 30, 45], [20, 40, 60]])
    #expect(check.points.map(\.position) == [.below, .within, .above, .below])
    #expect(check.points.map(\.id) == ["1", "1", "1", "2"])
    #expect(check.outsideTimeSpan == 1)  // ID 2 at 30 min; the MDV=1 row and the dose are not observations
    #expect(check.summaryLine.contains("4 concentrations; 2 below the p05 band (50.0 %"))
    #expect(check.summaryLine.contains("1 above the p95 (25.0 %"))
    var bytes: [UInt8] = []
    var writer = CSVWriter(sink: { bytes += $0 })
    try check.write(to: &writer)
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    #expect(lines.first == "ID,time_min,DV_ng_per_ml,cp_p05_ng_per_ml,cp_p50_ng_per_ml,cp_p95_ng_per_ml,position")
    #expect(lines[3] == "1,15.0,50.0,15.0,30.0,45.0,above")
  }

  @Test func aDatasetWithoutDVOrObservationsIsRefused() throws {
    let noDV = try Self.dataset("1,0,35,1,1\n1,5,0,0,0", header: "ID,TIME,AMT,EVID,MDV")
    #expect(throws: KetasimError.self) {
      try ObservedConcentrations(dataset: noDV, bandRows: Self.rows, percents: [5, 50, 95])
    }
    let noValues = try Self.dataset("1,0,35,1,1,.\n1,5,0,0,0,.")
    let error = #expect(throws: KetasimError.self) {
      try ObservedConcentrations(dataset: noValues, bandRows: Self.rows, percents: [5, 50, 95])
    }
    #expect(error?.description.contains("numeric DV") == true)
  }

  @Test func theBandsPictureDrawsADotPerObservationInRange() throws {
    var data = BandPlotData(
      title: "vpc", timesMinutes: Self.rows.map { $0[0] },
      percentiles: [(5, Self.rows.map { $0[1] }), (50, Self.rows.map { $0[2] }), (95, Self.rows.map { $0[3] })],
      thresholds: [])
    data.observed = [(5, 4), (15, 500), (25, 1)]  // the last is after the run
    let plot = BandPlot(data)
    let svg = plot.svg
    #expect(svg.components(separatedBy: "<circle class=\"observed\"").count - 1 == 2)
    #expect(svg.contains("observed DV"))
    // The axis reaches the highest dot (500 ng/mL, far above the bands' 60).
    let top = plot.point(timeMinutes: 15, concentration: 500).y
    #expect(top >= 0 && top < plot.point(timeMinutes: 15, concentration: 60).y)
  }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import KetasimCore
import Testing

@testable import KetasimServer

/// The API in process (Hummingbird's router test client): every answer is
/// checked against the library computed independently of the server's code
/// path (the ``TimeCourse``, ``SummaryTable`` and ``SessionSheet`` the
/// command line writes), and every kind of bad input against the one line
/// the library's error gives.
@Suite("API")
struct APITests {
  private func app() -> some ApplicationProtocol { Application(router: KetasimServer.router()) }

  /// POSTs `body` to `uri` and hands the response to `check`.
  private func post(
    _ uri: String, _ body: String, _ check: @escaping @Sendable (TestResponse) async throws -> Void
  ) async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: body)) { try await check($0) }
    }
  }

  /// The command line's time course for `request`, built from the library directly.
  private func libraryCSV(_ request: ScenarioRequest) throws -> String {
    let scenario = try request.resolve()
    guard case .mammillary(let simulation) = try scenario.run() else {
      Issue.record("expected a mammillary model")
      return ""
    }
    var course = TimeCourse(
      simulation: simulation, grid: scenario.grid, thresholds: scenario.subject.thresholds,
      syringeMilligramsPerMilliliter: nil, outputTimes: nil)
    course.endpoints = scenario.subject.endpoints
    var bytes: [UInt8] = []
    var writer = CSVWriter(sink: { bytes += $0 })
    _ = try course.write(to: &writer)
    try writer.flush()
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func simulateIsTheCommandLinesTimeCourse() async throws {
    var request = ScenarioRequest()
    request.weightKilograms = 82
    request.doses = ["0.5 mg/kg over 40 min"]
    request.changes = ["at 20 min to 0.3 mg/kg/h"]
    request.duration = .hours(2)
    let expected = try libraryCSV(request)
    #expect(expected.hasPrefix("time_min,rate_mg_per_h,cp_ng_per_ml"))
    let body = #"""
      {"weightKilograms": 82, "doses": ["0.5 mg/kg over 40 min"], "changes": ["at 20 min to 0.3 mg/kg/h"],
       "duration": "2 h"}
      """#
    try await post("/api/simulate", body) { response in
      #expect(response.status == .ok)
      #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
      #expect(String(buffer: response.body) == expected)
      #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
      #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
      #expect(response.headers[.setCookie] == nil)
    }
  }

  @Test func summaryCarriesTheReadoutTheSheetAndTheDisclaimer() async throws {
    var request = ScenarioRequest()
    request.weightKilograms = 60
    let scenario = try request.resolve()
    guard case .mammillary(let simulation) = try scenario.run() else { return }
    let subject = scenario.subject
    let table = SummaryTable(
      simulation: simulation, end: scenario.grid.end, model: subject.definition, patient: subject.patient,
      thresholds: subject.thresholds, ke0Source: subject.ke0Source, syringe: nil)
    let sheet = SessionSheet(
      simulation: simulation, end: scenario.grid.end, model: subject.definition, patient: subject.patient,
      thresholds: subject.thresholds, syringe: nil)
    try await post("/api/summary", #"{"weightKilograms": 60}"#) { response in
      #expect(response.status == .ok)
      let summary = try JSONDecoder().decode(Preview.Summary.self, from: Data(buffer: response.body))
      #expect(summary.readout.map(\.metric) == table.rows.map(\.metric))
      #expect(summary.readout.map(\.value) == table.rows.map(\.value))
      #expect(summary.sheet.map(\.lines) == sheet.sections.map(\.lines))
      #expect(summary.model.id == ModelCatalog.defaultModelID)
      #expect(summary.disclaimer.contains("not a medical device"))
    }
  }

  @Test func comparisonDrawsBothProfilesOnOneGrid() async throws {
    // B runs 2 h, A 4 h: both on the 4 h grid; the overlay names both labels.
    let body = #"""
      {"profiles": [{"label": "as planned"},
                    {"label": "slowed", "doses": ["0.5 mg/kg over 40 min"], "changes": ["at 20 min to 0.3 mg/kg/h"],
                     "duration": "2 h"}]}
      """#
    try await post("/api/compare?series=true", body) { response in
      #expect(response.status == .ok)
      let lines = String(buffer: response.body).split(separator: "\n")
      #expect(lines.count == 1 + 2 * 241)
      #expect(lines.dropFirst().filter { $0.hasPrefix("slowed,") }.count == 241)
    }
    try await post("/api/plot?format=svg", body) { response in
      #expect(response.headers[.contentType] == "image/svg+xml")
      let svg = String(buffer: response.body)
      #expect(svg.contains("as planned / clements250") && svg.contains("slowed / clements250"))
      #expect(svg.contains("not a medical device"))
    }
  }

  @Test(arguments: [
    (#"{"weightKilograms": -5}"#, "invalid weight '-5': expected a positive number of kilograms"),
    (#"{"weightKilograms": "x"}"#, "invalid weightKilograms: expected a number"),
    (#"{"weigthKilograms": 80}"#, "unknown field 'weigthKilograms'"),
    (#"{"model": "../etc/passwd"}"#, "passwd"),
    (#"{"regimens": ["/etc/passwd"]}"#, "invalid regimen '/etc/passwd': expected a built-in regimen"),
    (#"{"doses": ["5 bananas"]}"#, "5 bananas"),
    (#"{"duration": "1000 y"}"#, "invalid duration '1000 y'"),
    (#"{"duration": "100 d", "step": "1 s"}"#, "rows"),
    ("{", "not JSON"),
    ("[1]", "the request body"),
  ])
  func badInputIs422WithOneLine(body: String, fragment: String) async throws {
    try await post("/api/summary", body) { response in
      #expect(response.status == .unprocessableContent)
      let answer = try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))
      let message = answer["error"] ?? ""
      #expect(message.contains(fragment), "\(message)")
      #expect(!message.contains("\n"))
    }
  }

  /// The command line quotes the number as typed (`--weight -5`); the
  /// server quotes it as the JSON wrote it.
  @Test func theCommandLinesMessageForABadWeight() async throws {
    var request = ScenarioRequest()
    request.weightKilograms = -5
    let error = #expect(throws: KetasimError.self) { try request.resolve() }?.withValue("-5")
    try await post("/api/simulate", #"{"weightKilograms": -5}"#) { response in
      let answer = try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))
      #expect(answer["error"] == error?.description)
    }
  }

  @Test func aBadFormatIs422() async throws {
    try await post("/api/plot?format=bmp", #"{"profiles": [{}]}"#) { response in
      #expect(response.status == .unprocessableContent)
      #expect(String(buffer: response.body).contains("expected svg, png, pdf"))
    }
  }

  @Test func oversizedBodyIs413() async throws {
    let big = "{\"doses\":[\"" + String(repeating: "x", count: 100_000) + "\"]}"
    try await post("/api/simulate", big) { response in #expect(response.status == .contentTooLarge) }
  }

  @Test func populationIsRefusedAboveTheLimitAndDrawnBelowIt() async throws {
    try await post("/api/population", #"{"scenario": {}, "subjects": 5000, "iiv": "CL=0.3"}"#) { response in
      #expect(response.status == .unprocessableContent)
    }
    try await post("/api/population?format=csv", #"{"scenario": {}, "subjects": 50, "iiv": "CL=0.3"}"#) {
      response in
      #expect(response.status == .ok)
      #expect(String(buffer: response.body).split(separator: "\n").count == 242)
    }
  }

  @Test func aRequestOverTheTimeLimitIs503AndThePageStillAnswers() async throws {
    let app = Application(router: KetasimServer.router(timeLimit: .milliseconds(1)))
    try await app.test(.router) { client in
      let body = #"{"scenario": {"duration": "24 h", "step": "10 s"}, "subjects": 2000, "iiv": "CL=0.3"}"#
      try await client.execute(uri: "/api/population", method: .post, body: ByteBuffer(string: body)) { response in
        #expect(response.status == .serviceUnavailable)
        #expect(String(buffer: response.body).contains("took longer than 1 ms"))
      }
      try await client.execute(uri: "/", method: .get) { response in #expect(response.status == .ok) }
    }
  }

  @Test func tciPlansTheTargets() async throws {
    try await post("/api/tci?format=json", #"{"scenario": {}, "targets": ["150 ng/mL for 1 h"]}"#) { response in
      #expect(response.status == .ok)
      let summary = try JSONDecoder().decode(Preview.Summary.self, from: Data(buffer: response.body))
      #expect(!summary.readout.isEmpty)
    }
  }

  @Test func modelsListsTheCatalogue() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/api/models", method: .get) { response in
        #expect(response.status == .ok)
        let catalog = try JSONDecoder().decode(Preview.Catalog.self, from: Data(buffer: response.body))
        #expect(catalog.models.map(\.id) == (try ModelCatalog.builtIn()).models.map(\.id))
        #expect(catalog.regimens.map(\.name) == RegimenCatalog.names)
      }
    }
  }

  @Test func thePageAndItsAssetsAreServed() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/", method: .get) { response in
        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
        let page = String(buffer: response.body)
        #expect(page.contains("not a medical") && page.contains("/app.js"))
      }
      try await client.execute(uri: "/app.js", method: .get) { response in
        #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
      }
    }
  }
}

@Suite("OpenAPI")
struct OpenAPITests {
  @Test func documentParsesAndListsEveryRoute() async throws {
    try await Application(router: KetasimServer.router()).test(.router) { client in
      try await client.execute(uri: "/openapi.json", method: .get) { response in
        #expect(response.status == .ok)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
        let paths = (object as? [String: Any])?["paths"] as? [String: Any]
        #expect(Set(paths?.keys.map { $0 } ?? []) == Set(OpenAPIDocument.paths))
      }
    }
  }
}

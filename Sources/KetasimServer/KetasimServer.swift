import Foundation
import Hummingbird
import KetasimCore
import KetasimRender

/// `ketasim serve`: the preview page and its JSON API on Hummingbird.
///
/// Stateless: nothing about a request is stored, and nothing of a request
/// (weight, age, dose) is logged; no cookies are set. Every response
/// carries a strict Content-Security-Policy. Request bodies are limited to
/// ``maximumBodyBytes``, the work of a request by ``Preview/serverLimits``,
/// and an idle connection is closed after ``idleTimeoutSeconds``.
public enum KetasimServer {
  /// The largest request body accepted (bytes).
  public static let maximumBodyBytes = 64 * 1024
  /// How long a connection may stay silent before it is closed (seconds).
  public static let idleTimeoutSeconds: Int64 = 30

  /// How long a request may compute before it is answered with 503.
  public static let timeLimit = Duration.seconds(10)

  /// The router with every route: the page, its assets, the API and its
  /// OpenAPI document; each request computes for at most `timeLimit`.
  public static func router(preview: Preview = Preview(), timeLimit: Duration = timeLimit)
    -> Router<BasicRequestContext>
  {
    let limit = TimeLimit(limit: timeLimit)
    let router = Router()
    router.add(middleware: SecurityHeadersMiddleware())
    for asset in WebAssets.files {
      let bytes = ByteBuffer(string: asset.text)
      router.get(RouterPath(asset.path)) { _, _ -> Response in
        Response(
          status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
          body: .init(byteBuffer: bytes))
      }
    }
    let document = ByteBuffer(string: OpenAPIDocument.json)
    router.get("/openapi.json") { _, _ in
      Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
    }
    router.get("/api/models") { _, _ in
      try await answer(limit) { (try JSONBytes.encode(try Preview.catalog()), "application/json") }
    }
    router.post("/api/simulate") { request, _ in
      try await answer(request, limit, ScenarioBody.self) { body in
        (try preview.timeCourseCSV(body), "text/csv; charset=utf-8")
      }
    }
    router.post("/api/summary") { request, _ in
      try await answer(request, limit, ScenarioBody.self) { body in
        (try JSONBytes.encode(try preview.summary(body)), "application/json")
      }
    }
    router.post("/api/sheet") { request, _ in
      try await answer(request, limit, ScenarioBody.self) { body in
        let format = try choice(request, "format", default: SessionSheet.Format.html)
        return (try preview.sheet(body, format: format), format.contentType)
      }
    }
    router.post("/api/plot") { request, _ in
      try await answer(request, limit, ComparisonBody.self) { body in
        let format = try choice(request, "format", default: PictureFormat.svg)
        return (try preview.picture(body, format: format), format.contentType)
      }
    }
    router.post("/api/compare") { request, _ in
      try await answer(request, limit, ComparisonBody.self) { body in
        let series = try choice(request, "series", default: Flag.no) == .yes
        return (try preview.comparisonCSV(body, series: series), "text/csv; charset=utf-8")
      }
    }
    router.post("/api/population") { request, _ in
      try await answer(request, limit, PopulationBody.self) { body in
        let format = try choice(request, "format", default: Preview.OutputFormat.csv)
        return (try preview.population(body, format: format), format.contentType)
      }
    }
    router.post("/api/tci") { request, _ in
      try await answer(request, limit, TCIBody.self) { body in
        let format = try choice(request, "format", default: Preview.OutputFormat.csv)
        return (try preview.tci(body, format: format), format.contentType)
      }
    }
    return router
  }

  /// The application bound to `host`:`port` (0: any free port); `running`
  /// is called with the port once the server listens.
  public static func application(
    host: String, port: Int, running: @escaping @Sendable (Int) async -> Void = { _ in }
  ) -> some ApplicationProtocol {
    Application(
      router: router(),
      server: .http1(configuration: .init(idleTimeout: .seconds(idleTimeoutSeconds))),
      configuration: .init(address: .hostname(host, port: port), serverName: nil),
      onServerRunning: { channel in await running(channel.localAddress?.port ?? port) })
  }

  // MARK: - Answers

  /// Decodes the JSON body as `Body`, then answers with `produce`'s bytes;
  /// bad input of any kind is a 422 with one line.
  private static func answer<Body: RequestFields & Sendable>(
    _ request: Request, _ limit: TimeLimit, _ type: Body.Type,
    _ produce: @escaping @Sendable (Body) throws -> ([UInt8], String)
  ) async throws -> Response {
    let buffer: ByteBuffer
    do {
      buffer = try await request.body.collect(upTo: maximumBodyBytes)
    } catch {
      return problem(.contentTooLarge, "the request body is larger than \(maximumBodyBytes / 1024) KB")
    }
    let body: Body
    do {
      let data = Data(buffer.readableBytesView)
      if let json = try? JSONSerialization.jsonObject(with: data) { try Body.checkFields(json) }
      body = try JSONDecoder().decode(Body.self, from: data)
    } catch let error as DecodingError {
      return problem(.unprocessableContent, RequestProblem(error).description)
    } catch let error as RequestProblem {
      return problem(.unprocessableContent, error.description)
    }
    return try await answer(limit) { try produce(body) }
  }

  /// `produce`'s bytes with their content type, computed within `limit`;
  /// a 422 with the one line the command line prints for the same error,
  /// or a 503 when the limit is reached.
  private static func answer(_ limit: TimeLimit, _ produce: @escaping @Sendable () throws -> ([UInt8], String))
    async throws -> Response
  {
    do {
      let (bytes, type) = try await limit.run(produce)
      return Response(
        status: .ok, headers: [.contentType: type, .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    } catch let error as KetasimError {
      return problem(.unprocessableContent, error.description)
    } catch let error as RequestProblem {
      return problem(.unprocessableContent, error.description)
    } catch let error as TimeLimit.Exceeded {
      return problem(.serviceUnavailable, error.description)
    }
  }

  /// The query parameter `name` as one of `Choice`'s values.
  private static func choice<Choice: RawRepresentable & CaseIterable>(
    _ request: Request, _ name: String, default value: Choice
  ) throws -> Choice where Choice.RawValue == String {
    guard let text = request.uri.queryParameters[name[...]].map(String.init) else { return value }
    guard let chosen = Choice(rawValue: text.lowercased()) else {
      throw RequestProblem(
        "invalid \(name) '\(text)': expected \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return chosen
  }

  /// A yes/no query parameter.
  enum Flag: String, CaseIterable {
    case yes = "true"
    case no = "false"
  }

  static func problemJSON(_ message: String) -> String {
    String(
      decoding: (try? JSONBytes.encode(["error": message])) ?? Array(#"{"error":"bad input"}"#.utf8), as: UTF8.self)
  }

  private static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
    json(status, Array(problemJSON(message).utf8))
  }

  private static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
    Response(
      status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
  }
}

extension PictureFormat {
  /// The HTTP content type.
  var contentType: String {
    switch self {
    case .svg: "image/svg+xml"
    case .png: "image/png"
    case .pdf: "application/pdf"
    }
  }
}

import CRsvg
import Foundation
import KetasimCore

/// Turns the SVG pictures of ``ConcentrationPlot``, ``OverlayPlot`` and
/// ``BandPlot`` into PNG or PDF with librsvg and cairo, the renderers of the
/// GNOME desktop, rather than an encoder of our own.
///
/// This file is the only one that calls the C libraries; every pointer it
/// hands them lives inside the call that uses it.
public enum PictureRenderer {
  /// Pixels per SVG unit in a PNG: 2, so that a 900 × 500 picture is a
  /// 1800 × 1000 image, sharp on a high-density screen and in print.
  public static let pixelsPerSVGUnit = 2.0

  /// The picture `svg` (a standalone SVG document of `width` × `height`
  /// units) in `format`.
  ///
  /// - Throws: ``KetasimError/writeFailed(_:reason:)`` naming `label` when
  ///   librsvg cannot read the document or cairo cannot draw it.
  public static func render(svg: String, width: Double, height: Double, as format: PictureFormat, label: String)
    throws -> [UInt8]
  {
    precondition(width > 0 && height > 0, "a picture needs a positive size, got \(width) × \(height)")
    switch format {
    case .svg:
      return Array(svg.utf8)
    case .png:
      let scale = pixelsPerSVGUnit
      let surface = cairo_image_surface_create(
        CAIRO_FORMAT_ARGB32, Int32((width * scale).rounded()), Int32((height * scale).rounded()))
      defer { cairo_surface_destroy(surface) }
      try draw(svg, on: surface, width: width, height: height, scale: scale, label: label)
      return try stream(label) { write, closure in cairo_surface_write_to_png_stream(surface, write, closure) }
    case .pdf:
      let points = 0.75
      var bytes: [UInt8] = []
      try withUnsafeMutablePointer(to: &bytes) { buffer in
        let surface = cairo_pdf_surface_create_for_stream(
          PictureRenderer.append, UnsafeMutableRawPointer(buffer), width * points, height * points)
        try draw(svg, on: surface, width: width, height: height, scale: points, label: label)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
          throw KetasimError.writeFailed(
            label, reason: "cairo could not write the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
      }
      return bytes
    }
  }

  /// Draws `svg` on `surface`, scaled by `scale`.
  private static func draw(
    _ svg: String, on surface: OpaquePointer?, width: Double, height: Double, scale: Double, label: String
  ) throws {
    var error: UnsafeMutablePointer<GError>?
    let data = Array(svg.utf8)
    let handle = data.withUnsafeBufferPointer { bytes in
      rsvg_handle_new_from_data(bytes.baseAddress, gsize(bytes.count), &error)
    }
    guard let handle else { throw failure(error, label, "librsvg could not read the picture") }
    defer { g_object_unref(UnsafeMutableRawPointer(handle)) }
    let context = cairo_create(surface)
    defer { cairo_destroy(context) }
    cairo_set_source_rgb(context, 1, 1, 1)
    cairo_paint(context)
    cairo_scale(context, scale, scale)
    var viewport = RsvgRectangle(x: 0, y: 0, width: width, height: height)
    guard rsvg_handle_render_document(handle, context, &viewport, &error) != 0 else {
      throw failure(error, label, "librsvg could not draw the picture")
    }
    let status = cairo_status(context)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw KetasimError.writeFailed(label, reason: "cairo: \(String(cString: cairo_status_to_string(status)))")
    }
  }

  /// The bytes a cairo writer produces through its stream callback.
  private static func stream(
    _ label: String, _ write: (cairo_write_func_t, UnsafeMutableRawPointer) -> cairo_status_t
  ) throws -> [UInt8] {
    var bytes: [UInt8] = []
    let status = withUnsafeMutablePointer(to: &bytes) { write(PictureRenderer.append, UnsafeMutableRawPointer($0)) }
    guard status == CAIRO_STATUS_SUCCESS else {
      throw KetasimError.writeFailed(
        label, reason: "cairo could not encode the image: \(String(cString: cairo_status_to_string(status)))")
    }
    return bytes
  }

  /// cairo's stream callback: appends `length` bytes to the `[UInt8]` that `closure` points to.
  private static let append: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let buffer = closure.assumingMemoryBound(to: [UInt8].self)
    buffer.pointee.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
  }

  private static func failure(_ error: UnsafeMutablePointer<GError>?, _ label: String, _ what: String) -> KetasimError {
    defer { if let error { g_error_free(error) } }
    let detail = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unknown error"
    return .writeFailed(label, reason: "\(what): \(detail)")
  }
}

extension PictureRenderer {
  /// `plot` in `format` (see ``render(svg:width:height:as:label:)``).
  public static func render(_ plot: ConcentrationPlot, as format: PictureFormat, label: String) throws -> [UInt8] {
    try render(svg: plot.svg, width: Double(plot.width), height: Double(plot.height), as: format, label: label)
  }

  /// `plot` in `format` (see ``render(svg:width:height:as:label:)``).
  public static func render(_ plot: OverlayPlot, as format: PictureFormat, label: String) throws -> [UInt8] {
    try render(svg: plot.svg, width: Double(plot.width), height: Double(plot.height), as: format, label: label)
  }

  /// `plot` in `format` (see ``render(svg:width:height:as:label:)``).
  public static func render(_ plot: BandPlot, as format: PictureFormat, label: String) throws -> [UInt8] {
    try render(svg: plot.svg, width: Double(plot.width), height: Double(plot.height), as: format, label: label)
  }
}

import Foundation

extension SessionSheet {
  /// A file format of the sheet; the raw value is its usual file extension.
  public enum Format: String, Sendable, CaseIterable {
    case html
    case markdown = "md"
    case text = "txt"
  }

  /// The sheet in `format`: ``html``, ``markdown`` or ``text``.
  public func rendered(as format: Format) -> String {
    switch format {
    case .html: return html
    case .markdown: return markdown
    case .text: return text
    }
  }

  /// The title line.
  static let title = "ketasim session sheet"

  /// Width of the plain-text sheet (characters) and of its label column.
  static let textWidth = 100
  static let labelWidth = 22

  /// Plain text for a terminal: a heading per section, lines indented under
  /// it and wrapped at ``textWidth`` characters, the disclaimer last.
  public var text: String {
    var lines = [Self.title, String(repeating: "=", count: Self.title.count)]
    for section in sections {
      let label = section.heading + ":"
      for (index, line) in section.lines.enumerated() {
        let head = index == 0 ? label : ""
        let wrapped = Self.wrapped(line, width: Self.textWidth - Self.labelWidth)
        for (part, text) in wrapped.enumerated() {
          let prefix = part == 0 ? head : ""
          lines.append(prefix.padding(toLength: Self.labelWidth, withPad: " ", startingAt: 0) + text)
        }
      }
    }
    lines += [""] + Self.wrapped(Self.disclaimer, width: Self.textWidth)
    return lines.joined(separator: "\n") + "\n"
  }

  /// `text` broken at spaces into lines of at most `width` characters (a
  /// longer word stands alone); continuation lines are indented by two.
  static func wrapped(_ text: String, width: Int) -> [String] {
    wrappedWords(text, continuation: "  ") { $0.count <= width }
  }

  /// Markdown: a heading per section and a bullet per line.
  public var markdown: String {
    var lines = ["# \(Self.title)", "", "*\(Self.disclaimer)*"]
    for section in sections {
      lines += ["", "## \(section.heading)", ""] + section.lines.map { "- \(Self.markdownEscaped($0))" }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A standalone HTML page, printable, with the disclaimer at the top and
  /// the bottom; no scripts and no external resources.
  public var html: String {
    var body = [
      "<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
      "<title>\(Self.title)</title>",
      "<style>body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#111}"
        + "h1{font-size:1.4em}h2{font-size:1.05em;margin:1.2em 0 .3em}ul{margin:0;padding-left:1.2em}"
        + ".disclaimer{border-left:4px solid #a93226;padding:.4em .8em;background:#fbeeee}"
        + ".warnings li{color:#a93226;font-weight:bold}</style>",
      "</head>", "<body>", "<h1>\(Self.title)</h1>",
      "<p class=\"disclaimer\">\(Self.htmlEscaped(Self.disclaimer))</p>",
    ]
    for section in sections {
      let warning = section.heading == "Warnings" && !warnings.isEmpty ? " class=\"warnings\"" : ""
      body.append("<h2>\(Self.htmlEscaped(section.heading))</h2>")
      body.append("<ul\(warning)>" + section.lines.map { "<li>\(Self.htmlEscaped($0))</li>" }.joined() + "</ul>")
    }
    body += ["<p class=\"disclaimer\">\(Self.htmlEscaped(Self.disclaimer))</p>", "</body>", "</html>"]
    return body.joined(separator: "\n") + "\n"
  }

  /// Text for HTML: the escaping the SVG pictures use (HTML5 reads `&apos;` too).
  static func htmlEscaped(_ text: String) -> String { PlotFormat.escaped(text) }

  static func markdownEscaped(_ text: String) -> String {
    var result = ""
    for character in text {
      if "\\`*_[]<>|".contains(character) { result.append("\\") }
      result.append(character)
    }
    return result
  }
}

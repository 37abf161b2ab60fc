import Foundation
import KetasimCore
import KetasimRender

/// Checks, before any work, that the files a command writes are distinct
/// from one another and from the files it reads.
///
/// Without it `--output run.csv --plot run.csv` would leave only the last
/// one written, silently, and `merge a.shard b.shard --output a.shard` would
/// replace an input with the result.
enum OutputPaths {
  /// Refuses two outputs that name the same file and an output that names
  /// one of the input files.
  ///
  /// - Parameters:
  ///   - outputs: each output option and its path, if given.
  ///   - inputs: what each input file is ("event table") and its path; only
  ///     inputs that exist as files are compared.
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` naming the
  ///   second option and its path.
  static func checkDistinct(_ outputs: [(option: String, path: String?)], inputs: [(what: String, path: String)] = [])
    throws
  {
    let inputIdentities = inputs.compactMap { input -> (what: String, identity: String)? in
      FileManager.default.fileExists(atPath: input.path) ? (input.what, identity(input.path)) : nil
    }
    var seen: [(option: String, identity: String)] = []
    // A device or a pipe (/dev/null) may take several outputs: it is written through, never replaced.
    for case (let option, let path?) in outputs where !path.isEmpty && !AtomicFile.isSpecialFile(path) {
      let identity = identity(path)
      if let earlier = seen.first(where: { $0.identity == identity }) {
        throw KetasimError.invalidValue(option, path, accepted: "a file other than the one given to \(earlier.option)")
      }
      if let input = inputIdentities.first(where: { $0.identity == identity }) {
        throw KetasimError.invalidValue(option, path, accepted: "a file other than the \(input.what) it reads")
      }
      seen.append((option, identity))
    }
  }

  /// The picture format a `--plot` path asks for by its extension (SVG,
  /// PNG or PDF), so that `--plot out.jpg` never leaves bytes of another
  /// format under its name; devices and pipes take SVG.
  static func plotFormat(_ path: String?) throws -> PictureFormat? {
    guard let path, !path.isEmpty else { return nil }
    return AtomicFile.isSpecialFile(path) ? .svg : try PictureFormat(path: path)
  }

  /// One string for every path of one file: the device and inode of an
  /// existing file, else the absolute path with the directory's symbolic
  /// links resolved.
  static func identity(_ path: String) -> String {
    var info = stat()
    if stat(path, &info) == 0 { return "inode \(info.st_dev):\(info.st_ino)" }
    let url = URL(fileURLWithPath: path).standardizedFileURL
    guard let resolved = realpath(url.deletingLastPathComponent().path, nil) else { return url.path }
    defer { free(resolved) }
    return String(cString: resolved) + "/" + url.lastPathComponent
  }
}

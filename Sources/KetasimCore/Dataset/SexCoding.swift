/// How a dataset's `SEX` column codes sex: NONMEM datasets use numbers whose meaning varies from study to study
/// (0/1, 1/2), so numbers are read only when the user says what they mean.
///
/// Without codes, `F`, `M`, `female` and `male` (any case) are read; with codes (`1=male,2=female`), exactly the
/// codes given are.
public struct SexCoding: Sendable, Equatable {
  /// The dataset's codes and what each means; empty for the letters and words.
  public let codes: [String: Sex]

  /// The letters and words only.
  public init() { codes = [:] }

  /// Parses `CODE=SEX,...` such as `1=male,2=female` or `0=male,1=female`.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for a part without `=`, an empty code, a code
  ///   given twice, or a sex other than female and male.
  public init(parsing text: String) throws {
    let accepted = "CODE=SEX pairs joined by commas, such as 1=male,2=female (SEX: female or male)"
    var codes: [String: Sex] = [:]
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let pieces = part.split(separator: "=", omittingEmptySubsequences: false)
      let code = pieces.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
      guard pieces.count == 2, !code.isEmpty, codes[code] == nil,
        let sex = Sex(rawValue: pieces[1].trimmingCharacters(in: .whitespaces).lowercased())
      else { throw KetasimError.invalidValue("sex-codes", text, accepted: accepted) }
      codes[code] = sex
    }
    self.codes = codes
  }

  /// The sex coded by `code` (a `SEX` field as written, trimmed).
  ///
  /// - Throws: ``KetasimError/invalidData(_:reason:remedy:)`` at `location` for a code this coding does not read.
  public func sex(of code: String, at location: String) throws -> Sex {
    if codes.isEmpty, let sex = try? Sex(parsing: code) { return sex }
    if let sex = codes[code] ?? Double(code).flatMap({ number in codes.first { Double($0.key) == number }?.value }) {
      return sex
    }
    let expected =
      codes.isEmpty
      ? "F or M (female or male); for numeric codes say what they mean with --sex-codes, such as 1=male,2=female"
      : "one of the codes given (\(codes.keys.sorted().joined(separator: ", ")))"
    throw KetasimError.invalidData(location, reason: "SEX '\(code)': expected \(expected)")
  }
}

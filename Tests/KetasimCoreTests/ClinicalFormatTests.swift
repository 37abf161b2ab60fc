import Testing

@testable import KetasimCore

@Suite("Clinical rounding for the session sheet")
struct ClinicalFormatTests {
  @Test func concentrations() {
    #expect(ClinicalFormat.concentration(177.313) == "177")
    #expect(ClinicalFormat.concentration(47.6) == "48")
    #expect(ClinicalFormat.concentration(7.04) == "7.0")
    #expect(ClinicalFormat.concentration(.nan) == "-")
  }

  @Test func amountsKeepTheDigitsThatMatter() {
    #expect(ClinicalFormat.amount(41) == "41")
    #expect(ClinicalFormat.amount(61.5) == "61.5")
    #expect(ClinicalFormat.amount(0.75) == "0.75")
    #expect(ClinicalFormat.amount(123.4) == "123")
    #expect(ClinicalFormat.amount(6.15) == "6.15")
    #expect(ClinicalFormat.amount(4.1) == "4.1")
  }

  @Test func clockTimesAndDurations() {
    #expect(ClinicalFormat.clock(30.9) == "0:31")
    #expect(ClinicalFormat.clock(68.2) == "1:08")
    #expect(ClinicalFormat.clock(1440 * 2 + 40) == "day 3 0:40")
    #expect(ClinicalFormat.duration(16.2) == "16 min")
    #expect(ClinicalFormat.duration(65) == "1 h 05 min")
    #expect(ClinicalFormat.duration(3 * 1440 + 125) == "3 d 2 h")
  }

  @Test func wrappingKeepsWordsAndWidth() {
    let text = String(repeating: "word ", count: 40)
    let lines = SessionSheet.wrapped(text, width: 30)
    #expect(lines.allSatisfy { $0.count <= 30 })
    #expect(lines.joined(separator: " ").split(separator: " ").count == 40)
  }
}

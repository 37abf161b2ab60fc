import KetasimCore
import Testing

/// `KetasimError`: its parts, its kind, and its messages without flags.
@Suite struct KetasimErrorTests {
  @Test func aBadValueIsAUsageErrorThatQuotesItAndSaysWhatIsAccepted() {
    let error = KetasimError.invalidValue("weight", "abc", accepted: "a positive number of kilograms")
    #expect(error.kind == .usage)
    #expect(error.value == "abc")
    #expect(error.accepted == "a positive number of kilograms")
    #expect(error.origin == nil)
    #expect(error.description == "invalid weight 'abc': expected a positive number of kilograms")
  }

  @Test func aBadValueReadFromAFileIsBadDataPlacedInTheFile() {
    let error = KetasimError.invalidDose("5 mL", reason: "'ml' needs the syringe concentration")
      .placed(at: InputOrigin(location: "r.yaml:2:11"))
    #expect(error.kind == .data)
    #expect(error.origin == .file("r.yaml", line: 2, column: 11))
    #expect(error.description == "r.yaml:2:11: invalid dose '5 mL': 'ml' needs the syringe concentration")
    // A wrapper further out does not move it.
    #expect(error.placed(at: .file("other.yaml")).origin == error.origin)
  }

  @Test(arguments: [
    ("p.csv", InputOrigin.file("p.csv")),
    ("p.csv:3", .file("p.csv", line: 3)),
    ("a:b.yaml:4:7", .file("a:b.yaml", line: 4, column: 7)),
  ])
  func locationsReadBackAsTheyWereWritten(text: String, origin: InputOrigin) {
    #expect(InputOrigin(location: text) == origin)
    #expect(origin.description == text)
  }

  @Test func fileProblemsHaveTheirKinds() {
    #expect(KetasimError.unreadable("m.yaml", reason: "no such file").kind == .missingInput)
    #expect(KetasimError.invalidData("m.yaml:1:1", reason: "bad").kind == .data)
    #expect(KetasimError.cannotCreate("out/x.csv", reason: "no directory").kind == .cannotCreate)
    #expect(KetasimError.writeFailed("x.csv", reason: "disk full").kind == .io)
    #expect(KetasimError.writeFailed("x.csv", reason: "disk full").description == "x.csv: disk full")
  }

  @Test func unknownNamesListTheCatalogue() {
    let error = KetasimError.unknownName(.model, "nosuch", available: ["a", "b"])
    #expect(error.description == "unknown model 'nosuch': expected one of a, b or a model file path")
  }

  @Test func remediesAreWordsNotFlags() {
    let errors: [KetasimError] = [
      .implausible("weight", "400 kg", reason: "above 350 kg"),
      .tooLarge("the time course", needed: "30 rows", limit: "20 rows", raising: .rows),
      .missingVariability(model: "clements250"),
      .invalidValue("site", "effect", accepted: "plasma", remedy: .giveKe0),
      .invalidValue(
        "duration", "240.0 min", accepted: "a longer run", remedy: .longerDuration(ClockTime(minutes: 300))),
    ]
    for error in errors {
      #expect(error.remedy != nil)
      #expect(!error.description.contains("--"), "\(error)")
    }
    #expect(
      errors[0].description == "refusing weight 400 kg: above 350 kg; confirm extreme values to simulate it anyway")
    // A front end renders the remedy its own way.
    #expect(
      errors[1].message { _ in "; raise it" }
        == "the time course would need 30 rows, above the limit of 20 rows; raise it")
  }

  @Test func theValueAsTypedReplacesTheParsedOne() {
    let error = KetasimError.invalidValue("weight", "0.0", accepted: "a positive number").withValue("0")
    #expect(error.description == "invalid weight '0': expected a positive number")
  }

  @Test func messagesStayOnOneLine() {
    let error = KetasimError.invalidData("q.csv:2", reason: "field '0,1\n' has an unterminated quote")
    #expect(error.description == "q.csv:2: field '0,1\\n' has an unterminated quote")
  }
}

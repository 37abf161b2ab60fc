import Foundation
import Testing

@testable import KetasimCore

/// The parts of the catalogue a run reads alone (one model, the thresholds, the effects) are the values of the
/// whole catalogue, field for field (their reflected descriptions, every stored property), and a name that is
/// neither an id nor a file gets the same message.
@Suite struct ModelCatalogPartsTests {
  @Test func eachPartEqualsTheWholeCatalogues() throws {
    let whole = try ModelCatalog.builtIn()
    #expect(ModelCatalog.builtInIDs == whole.models.map(\.id))
    for model in whole.models {
      let alone = try #require(try ModelCatalog.builtInModel(id: model.id))
      #expect(String(reflecting: alone) == String(reflecting: model), "\(model.id)")
      #expect(String(reflecting: try ModelCatalog.resolveBuiltInOrFile(model.id)) == String(reflecting: model))
    }
    #expect(String(reflecting: try ModelCatalog.builtInThresholds()) == String(reflecting: whole.thresholds))
    #expect(String(reflecting: try ModelCatalog.builtInEffects()) == String(reflecting: whole.effects))
    #expect(try ModelCatalog.builtInModel(id: "nosuch") == nil)
  }

  @Test func anUnknownNameGetsTheWholeCataloguesMessage() throws {
    let whole = try ModelCatalog.builtIn()
    var expected = ""
    var alone = ""
    do { _ = try whole.resolve("nosuch") } catch { expected = "\(error)" }
    do { _ = try ModelCatalog.resolveBuiltInOrFile("nosuch") } catch { alone = "\(error)" }
    #expect(!expected.isEmpty)
    #expect(alone == expected)
  }
}

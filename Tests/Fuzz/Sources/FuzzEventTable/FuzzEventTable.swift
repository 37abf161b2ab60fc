import Foundation
import FuzzSupport
import KetasimCore

/// Fuzzes the NONMEM-style event-table reader: any byte string is a
/// candidate CSV table.
///
/// Reading must either throw or give a table whose first subject's regimen
/// yields a valid, finite schedule, and which writes back out as a table
/// that reads again.
@main
enum FuzzEventTable {
  static func main() {
    exit(
      FuzzDriver.run { text in
        guard let table = try? EventTable(csv: text, file: "fuzz.csv"),
          let id = table.ids.first,
          let regimen = try? table.regimen(id: id),
          let schedule = try? regimen.schedule(forWeight: 70)
        else { return }
        let total = schedule.totalMilligrams
        precondition(total.isFinite && total >= 0, "total \(total) from an accepted table")
        var bytes: [UInt8] = []
        var writer = CSVWriter(sink: { bytes += $0 })
        guard (try? EventTable(regimen: regimen, weightKilograms: 70).write(to: &writer)) != nil,
          (try? writer.flush()) != nil
        else { preconditionFailure("an accepted table could not be written back") }
        let again = String(decoding: bytes, as: UTF8.self)
        precondition(
          (try? EventTable(csv: again, file: "again.csv")) != nil, "the written table does not read:\n\(again)")
      })
  }
}

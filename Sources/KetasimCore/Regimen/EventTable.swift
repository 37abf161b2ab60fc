/// A NONMEM-style event table: one record per dose or observation, the data
/// format of NONMEM, mrgsolve, rxode2, PKPDsim and Pumas.
///
/// Columns (names case-insensitive, any order, other columns ignored):
///
/// | column | meaning | unit |
/// |---|---|---|
/// | `ID` | subject (optional: one subject) | |
/// | `TIME` | time of the record (required) | h (or min, see ``TimeUnit``) |
/// | `AMT` | amount of a dose (required) | mg of ketamine base |
/// | `RATE` | 0: bolus; > 0: infusion rate, lasting AMT/RATE; −2: lasting `DUR` | mg/h (or mg/min) |
/// | `DUR` | infusion duration (with `RATE` −2 or 0) | h (or min) |
/// | `EVID` | 0 observation, 1 dose, 2 other (ignored), 3 reset, 4 reset and dose; default 1 when AMT > 0, else 0 | |
/// | `CMT` | doses: 1 (or empty, `.`, 0), the central compartment; observations: the compartment observed (1 plasma; a metabolite's, read by ``DatasetSimulation``) | |
/// | `II` | interval of additional doses or of steady state | h (or min) |
/// | `ADDL` | number of additional doses, `II` apart | |
/// | `SS` | 1: at steady state (dose repeated every `II` since long before); 2: added steady state | |
/// | `WT` | body weight of the subject (optional; one value per subject) | kg |
/// | `AGE` | age of the subject (optional; one value per subject) | years |
/// | `SEX` | sex of the subject, as coded in the dataset (optional; read by ``Dataset`` when a model uses sex) | |
///
/// Other columns are listed in ``unusedColumns`` so that a front end can say
/// they were not used. An empty field or `.` is zero, as in NONMEM (or no
/// value, for `WT` and `AGE`). Lines starting with `#`, and
/// rows whose `C` column is `C`, are comments. ketasim doses into the
/// central compartment only; modelled rates (`RATE` −1) and steady state
/// anywhere but at time zero are rejected with the line that asks for them.
/// Resets (`EVID` 3, 4) and covariates that change within a subject are read
/// here and simulated by ``DatasetSimulation``; ``regimen(id:)`` (one subject
/// as a regimen) refuses them.
public struct EventTable: Sendable, Equatable {
  /// The unit of `TIME`, `DUR` and `II`, and the time base of `RATE`.
  public enum TimeUnit: String, Sendable, CaseIterable {
    /// Hours, NONMEM's usual choice: `RATE` in mg/h.
    case hours = "h"
    /// Minutes: `RATE` in mg/min.
    case minutes = "min"

    /// Minutes in one unit.
    public var minutes: Double { self == .hours ? 60 : 1 }
  }

  /// One row of the table, in ketasim's units.
  public struct Record: Sendable, Equatable {
    /// Subject id as written (whole numbers normalised: `1.000` is `1`).
    public var id: String
    public var time: ClockTime
    /// 0 observation, 1 dose, 2 other, 3 reset, 4 reset and dose.
    public var evid: Int
    /// Dose amount (mg of base).
    public var amount: Double
    /// Infusion rate in mg/min; 0 for a bolus; −2 when `duration` gives the length.
    public var rate: Double
    /// Infusion duration from the `DUR` column, if given.
    public var duration: ClockTime?
    /// Interval of additional or steady-state doses (zero when none).
    public var interval: ClockTime
    /// Number of additional doses.
    public var additional: Int
    /// 0, 1 or 2.
    public var steadyState: Int
    /// Body weight from the `WT` column (kg), if given on this record.
    public var weightKilograms: Double?
    /// Age from the `AGE` column (years), if given on this record.
    public var ageYears: Double?
    /// The `SEX` field as written (trimmed), if given on this record.
    public var sexCode: String?
    /// The compartment an observation record observes (`CMT`, from 1; 1, plasma, when empty, `.` or 0).
    public var observedCompartment = 1
    /// Line in the file (1-based; 0 when not read from a file).
    public var line: Int

    public init(
      id: String = "1", time: ClockTime, evid: Int, amount: Double = 0, rate: Double = 0, duration: ClockTime? = nil,
      interval: ClockTime = .zero, additional: Int = 0, steadyState: Int = 0, line: Int = 0
    ) {
      self.id = id
      self.time = time
      self.evid = evid
      self.amount = amount
      self.rate = rate
      self.duration = duration
      self.interval = interval
      self.additional = additional
      self.steadyState = steadyState
      self.line = line
    }
  }

  /// Where the table came from (a path, or a label), for messages.
  public var file: String
  /// The records, in file order.
  public var records: [Record]
  /// Columns of the header that ketasim does not read (such as `DV` or
  /// `MDV`), upper-cased, in header order.
  public var unusedColumns: [String]

  public init(file: String, records: [Record], unusedColumns: [String] = []) {
    self.file = file
    self.records = records
    self.unusedColumns = unusedColumns
  }

  /// Columns that ketasim reads (upper case).
  public static let knownColumns: Set<String> = [
    "ID", "TIME", "AMT", "RATE", "DUR", "EVID", "CMT", "II", "ADDL", "SS", "C", "WT", "AGE", "SEX",
  ]

  /// The subject ids, in order of first appearance.
  public var ids: [String] {
    var seen: Set<String> = []
    return records.compactMap { seen.insert($0.id).inserted ? $0.id : nil }
  }
}

import Foundation
import Synchronization
import Testing

/// The input inventory, row by row.
///
/// Every row of the tables in
/// `Sources/KetasimCore/Documentation.docc/Articles/InputErrors.md` names a
/// case here (`InputInventoryTests/KEY`), a test function, or both. Each case
/// runs the built `ketasim` in a fresh directory holding the case's files and
/// checks what the article promises: the exit status, exactly one line on
/// stderr that contains the documented message, nothing on stdout, and no
/// file left behind (no output, no `.partial`). A warning case instead runs to
/// completion with the warning on stderr. ``articleTableMatchesTheTests()``
/// keeps the article and this file in step.
@Suite("Input inventory")
struct InputInventoryTests {
  struct Case: Sendable, CustomTestStringConvertible {
    /// The name the article's Test column uses.
    var key: String
    var arguments: [String]
    var status: Int32
    /// Text the one stderr line must contain (for a warning: one of the
    /// warning lines).
    var message: String
    /// Text files to create first, by name.
    var files: [String: String] = [:]
    /// Binary files to create first, by name.
    var binary: [String: [UInt8]] = [:]
    /// Directories to create first.
    var directories: [String] = []
    /// ketasim runs that make input files first (shards).
    var before: [[String]] = []
    /// Files to cut to a length (bytes) after `before`.
    var truncate: [String: UInt64] = [:]
    /// Bytes to invert (offset from the end of the file) after `before`.
    var flip: [String: Int] = [:]
    /// The input is accepted with a warning (status 0).
    var warns = false
    /// Append `--output out.csv` when the command takes it and the case
    /// gives none, so that a failure is seen to leave no output file.
    var addOutput = true
    var testDescription: String { key }
  }

  /// "TIME," then two bytes that are not UTF-8.
  static let notUTF8: [UInt8] = [0x54, 0x49, 0x4D, 0x45, 0x2C, 0xFF, 0xFE, 0x0A]

  /// Two shards of one population run (a, b) and one of another (c).
  static let shards: [[String]] = [
    population + ["--shard", "1/2", "--output", "a.shard"],
    population + ["--shard", "2/2", "--output", "b.shard"],
    [
      "population", "--model", "herd2007", "--subjects", "20", "--duration", "20 min", "--shard", "2/2", "--output",
      "c.shard",
    ],
  ]

  /// A small population run (herd2007 has published variability).
  static let population = ["population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min"]

  static let cases: [Case] = [
    Case(
      key: "unknown-option", arguments: ["--no-such-option"], status: 64, message: "Unknown option '--no-such-option'"),
    Case(
      key: "missing-value", arguments: ["--weight"], status: 64, message: "Missing value for '--weight <weight>'",
      addOutput: false),
    Case(key: "extra-argument", arguments: ["bogus"], status: 64, message: "Unexpected argument 'bogus'"),
    Case(key: "merge-no-shards", arguments: ["merge"], status: 64, message: "Missing expected argument '<shards> ...'"),
    Case(
      key: "weight-text", arguments: ["--weight", "abc"], status: 64,
      message: "invalid weight 'abc': expected a positive number of kilograms"),
    Case(key: "weight-unit", arguments: ["--weight", "70 kg"], status: 64, message: "invalid weight '70 kg'"),
    Case(key: "weight-zero", arguments: ["--weight", "0"], status: 64, message: "invalid weight '0'"),
    Case(key: "weight-negative", arguments: ["--weight", "-70"], status: 64, message: "invalid weight '-70'"),
    Case(key: "weight-nonfinite", arguments: ["--weight", "nan"], status: 64, message: "invalid weight 'nan'"),
    Case(key: "weight-overflow", arguments: ["--weight", "1e308"], status: 64, message: "invalid weight '1e308'"),
    Case(
      key: "weight-implausible", arguments: ["--weight", "400"], status: 64,
      message: "refusing weight 400 kg: above 350 kg"),
    Case(key: "age-text", arguments: ["--age", "abc"], status: 64, message: "invalid age 'abc'"),
    Case(key: "age-negative", arguments: ["--age", "-5"], status: 64, message: "invalid age '-5'"),
    Case(
      key: "age-range", arguments: ["--age", "200"], status: 64,
      message: "invalid age '200': expected a number of years from 0 to 150"),
    Case(
      key: "covariate-text", arguments: ["--covariate", "asian=1"], status: 64,
      message: "invalid covariate 'asian=1': expected NAME=VALUE with an upper-case name and a number, such as ASIAN=1"),
    Case(
      key: "sex-text", arguments: ["--sex", "x"], status: 64,
      message: "invalid sex 'x': expected female or male (F or M)"),
    Case(key: "age-implausible", arguments: ["--age", "130"], status: 64, message: "refusing age 130 years"),
    Case(key: "age-validity", arguments: ["--age", "10"], status: 0, message: "outside", warns: true),
    Case(key: "ke0-zero", arguments: ["--ke0", "0"], status: 64, message: "invalid ke0 '0'"),
    Case(key: "ke0-text", arguments: ["--ke0", "fast"], status: 64, message: "invalid ke0 'fast'"),
    Case(
      key: "model-unknown", arguments: ["--model", "nosuch"], status: 64,
      message: "unknown model 'nosuch': expected one of"),
    Case(
      key: "model-list", arguments: ["compare", "--model", "clements250,nosuch"], status: 64,
      message: "unknown model 'nosuch'"),
    Case(
      key: "model-missing", arguments: ["--model", "missing.yaml"], status: 66,
      message: "missing.yaml: no such model file"),
    Case(
      key: "model-directory", arguments: ["--model", "dir.yaml"], status: 66,
      message: "dir.yaml: cannot read the model file", directories: ["dir.yaml"]),
    Case(
      key: "model-syntax", arguments: ["--model", "m.yaml"], status: 65, message: "m.yaml:3:1: YAML syntax error",
      files: ["m.yaml": "id: m\nname: [x\n"]),
    Case(
      key: "model-unit", arguments: ["--model", "testonecmt.yaml"], status: 65, message: "testonecmt.yaml:11:",
      files: [
        "testonecmt.yaml":
          "id: testonecmt\nname: \"Test one-compartment model\"\ndrug: racemic ketamine\ncompartments: 1\nsampling: unknown\nsampling_note: \"Illustration only.\"\npopulation: \"None; a test fixture.\"\ncitation: \"None.\"\nscaling: \"Volume linear in weight; clearance allometric with exponent 0.75.\"\nparameters:\n  V1: {value: 3.6, unit: L/min, source: \"test\", verification: \"[R] test value\"}\n  CL: {value: 79, unit: L/h, source: \"test\", verification: \"[R] test value\"}\nvalidity:\n  weight_kg: {min: 45, max: 110, source: \"test\"}\n  age_years: {min: 18, max: 75, source: \"test\"}\n"
      ]),
    Case(
      key: "model-key", arguments: ["--model", "m.yaml"], status: 65,
      message: "m.yaml:1:1: missing required key 'sampling'", files: ["m.yaml": "id: m\nname: test\ncompartments: 1\n"]),
    Case(
      key: "model-empty", arguments: ["--model", "m.yaml"], status: 65, message: "m.yaml: the file is empty",
      files: ["m.yaml": ""]),
    Case(
      key: "model-not-utf8", arguments: ["--model", "m.yaml"], status: 65,
      message: "m.yaml: the model file is not UTF-8 text", binary: ["m.yaml": Self.notUTF8]),
    Case(
      key: "threshold-syntax", arguments: ["--threshold", "dissociation"], status: 64,
      message: "invalid threshold 'dissociation': expected NAME=VALUE"),
    Case(
      key: "threshold-value", arguments: ["--threshold", "dissociation=-5"], status: 64,
      message: "invalid threshold 'dissociation=-5'"),
    Case(
      key: "threshold-dose", arguments: ["--threshold", "analgesia=100 mg"], status: 64,
      message: "invalid threshold 'analgesia=100 mg'"),
    Case(
      key: "threshold-name", arguments: ["--threshold", "a b=4"], status: 64, message: "invalid threshold name 'a b'"),
    Case(
      key: "threshold-drop", arguments: ["--threshold", "analgesai=off"], status: 64,
      message: "invalid threshold 'analgesai=off': expected NAME=off with NAME one of"),
    Case(
      key: "threshold-file", arguments: ["--regimen", "r.yaml"], status: 65,
      message: "r.yaml:1:25: expected a positive concentration in ng/mL or 'off'",
      files: ["r.yaml": "thresholds: {analgesia: abc}\nsteps:\n  - dose: 1 mg\n"]),
    Case(key: "dose-unit", arguments: ["--dose", "0.5 mg/kx"], status: 64, message: "unknown unit 'mg/kx'"),
    Case(key: "dose-concentration", arguments: ["--dose", "150 ng/mL"], status: 64, message: "unknown unit 'ng/ml'"),
    Case(
      key: "dose-rate-open", arguments: ["--dose", "0.15 mg/kg/h"], status: 64,
      message: "a rate needs a duration, such as 'for 4 h'"),
    Case(
      key: "dose-duration-unit", arguments: ["--dose", "1 mg/kg over 40"], status: 64,
      message: "'over 40' needs a time unit"),
    Case(
      key: "dose-duration-concentration", arguments: ["--dose", "1 mg/h for 2 ng/mL"], status: 64,
      message: "'ng/ml' is not a time unit"),
    Case(key: "dose-no-unit", arguments: ["--dose", "1"], status: 64, message: "'1' has no unit"),
    Case(
      key: "dose-no-number", arguments: ["--dose", "mg"], status: 64, message: "expected a number and a unit first"),
    Case(key: "dose-negative", arguments: ["--dose", "-1 mg"], status: 64, message: "invalid dose '-1 mg'"),
    Case(key: "dose-nonfinite", arguments: ["--dose", "nan mg"], status: 64, message: "invalid dose 'nan mg'"),
    Case(key: "dose-overflow", arguments: ["--dose", "1e308 g"], status: 64, message: "'1e308 g' is too large"),
    Case(key: "dose-word", arguments: ["--dose", "50 mg XYZ over 40 min"], status: 64, message: "unexpected 'xyz'"),
    Case(
      key: "dose-twice", arguments: ["--dose", "1 mg/kg over 40 min for 2 h"], status: 64,
      message: "the duration is given twice"),
    Case(
      key: "dose-interval", arguments: ["--dose", "1 mg every 0 h x 3"], status: 64,
      message: "'every' needs a positive interval"),
    Case(
      key: "dose-count", arguments: ["--dose", "1 mg every 1 h x 0"], status: 64,
      message: "expected a whole number of administrations from 1 to 100000"),
    Case(
      key: "dose-time-range", arguments: ["--dose", "1 mg at 1e300 h"], status: 64,
      message: "'at 1e300 h' is negative or too large"),
    Case(key: "dose-ml", arguments: ["--dose", "5 mL"], status: 64, message: "'ml' needs the syringe concentration"),
    Case(
      key: "dose-mlh", arguments: ["--dose", "12 mL/h for 2 h"], status: 64,
      message: "'ml/h' needs the syringe concentration"),
    Case(
      key: "dose-bolus-implausible", arguments: ["--dose", "25 mg/kg"], status: 64,
      message: "above 15 mg/kg in one bolus"),
    Case(
      key: "dose-rate-implausible", arguments: ["--dose", "0.5 mg/kg/min for 60 min"], status: 64,
      message: "above 15 mg/kg in any hour"),
    Case(
      key: "dose-past-end", arguments: ["--dose", "0.5 mg/kg over 40 h"], status: 0,
      message: "dosing continues until 2400 min, past the end of the simulated time (240 min)", warns: true),
    Case(key: "syringe-zero", arguments: ["--syringe", "0"], status: 64, message: "invalid syringe '0'"),
    Case(key: "syringe-text", arguments: ["--syringe", "ten"], status: 64, message: "invalid syringe 'ten'"),
    Case(
      key: "dose-set-syntax", arguments: ["compare", "--dose-set", "=1 mg/kg"], status: 64,
      message: "invalid dose set '=1 mg/kg'"),
    Case(
      key: "dose-set-duplicate", arguments: ["compare", "--dose-set", "a=1 mg/kg", "--dose-set", "a=2 mg/kg"],
      status: 64, message: "invalid regimen label 'a'"),
    Case(
      key: "compare-patients", arguments: ["compare", "--regimen", "a.yaml", "--regimen", "b.yaml"], status: 64,
      message: "invalid weight '60, 80': expected one patient",
      files: [
        "a.yaml": "id: a\npatient: {weight_kg: 60}\nsteps:\n  - dose: 1 mg\n",
        "b.yaml": "id: b\npatient: {weight_kg: 80}\nsteps:\n  - dose: 1 mg\n",
      ]),
    Case(
      key: "regimen-unknown", arguments: ["--regimen", "nosuch"], status: 64,
      message: "unknown regimen 'nosuch': expected one of"),
    Case(
      key: "regimen-missing", arguments: ["--regimen", "missing.yaml"], status: 66,
      message: "missing.yaml: no such regimen file"),
    Case(
      key: "regimen-directory", arguments: ["--regimen", "dir.yaml"], status: 66,
      message: "dir.yaml: cannot read the regimen file", directories: ["dir.yaml"]),
    Case(
      key: "regimen-syntax", arguments: ["--regimen", "r.yaml"], status: 65, message: "r.yaml:3:1: YAML syntax error",
      files: ["r.yaml": "steps:\n  - dose: [1 mg\n"]),
    Case(
      key: "regimen-dose", arguments: ["--regimen", "r.yaml"], status: 65,
      message: "r.yaml:2:11: invalid dose '1 mg/kx'", files: ["r.yaml": "steps:\n  - dose: 1 mg/kx\n"]),
    Case(
      key: "regimen-key", arguments: ["--regimen", "r.yaml"], status: 65, message: "r.yaml:3:1: unknown key 'patiant'",
      files: ["r.yaml": "steps:\n  - dose: 1 mg\npatiant: {weight_kg: 70}\n"]),
    Case(
      key: "regimen-ml", arguments: ["--regimen", "r.yaml"], status: 65, message: "r.yaml:2:11: invalid dose '5 mL'",
      files: ["r.yaml": "steps:\n  - dose: 5 mL\n"]),
    Case(
      key: "regimen-nonfinite", arguments: ["--regimen", "r.yaml"], status: 65,
      message: "r.yaml:1:22: expected a finite number, found '.nan'",
      files: ["r.yaml": "patient: {weight_kg: .nan}\nsteps:\n  - dose: 1 mg\n"]),
    Case(
      key: "regimen-step", arguments: ["--regimen", "r.yaml"], status: 65, message: "r.yaml:1:16: invalid step '1 mg'",
      files: ["r.yaml": "output: {step: 1 mg}\nsteps:\n  - dose: 1 mg\n"]),
    Case(
      key: "regimen-json", arguments: ["--regimen", "r.json"], status: 65, message: "r.json:2:2: YAML syntax error",
      files: ["r.json": "{\"steps\": [{\"dose\": \"1 mg\"}]\n \"name\": \"x\"}\n"]),
    Case(
      key: "regimen-not-utf8", arguments: ["--regimen", "r.yaml"], status: 65,
      message: "r.yaml: the regimen file is not UTF-8 text", binary: ["r.yaml": Self.notUTF8]),
    Case(
      key: "regimen-model", arguments: ["--regimen", "r.yaml"], status: 64, message: "unknown model 'nosuch'",
      files: ["r.yaml": "model: nosuch\nsteps:\n  - dose: 1 mg\n"]),
    Case(
      key: "regimen-implausible", arguments: ["--regimen", "r.yaml"], status: 64, message: "refusing weight 400 kg",
      files: ["r.yaml": "patient: {weight_kg: 400}\nsteps:\n  - dose: 1 mg\n"]),
    Case(
      key: "events-missing", arguments: ["--events", "missing.csv"], status: 66,
      message: "missing.csv: no such event table"),
    Case(
      key: "events-directory", arguments: ["--events", "dir.csv"], status: 66,
      message: "dir.csv: cannot read the event table", directories: ["dir.csv"]),
    Case(
      key: "events-empty", arguments: ["--events", "t.csv"], status: 65, message: "t.csv: no header row",
      files: ["t.csv": ""]),
    Case(
      key: "events-no-time", arguments: ["--events", "t.csv"], status: 65, message: "t.csv:1: no TIME column",
      files: ["t.csv": "ID,AMT\n1,10\n"]),
    Case(
      key: "events-number", arguments: ["--events", "t.csv"], status: 65,
      message: "t.csv:2: AMT 'ten': expected a number", files: ["t.csv": "TIME,AMT\n0,ten\n"]),
    Case(
      key: "events-negative-time", arguments: ["--events", "t.csv"], status: 65, message: "t.csv:3: TIME '-1'",
      files: ["t.csv": "TIME,AMT\n0,10\n-1,10\n"]),
    Case(
      key: "events-nonfinite", arguments: ["--events", "t.csv"], status: 65,
      message: "t.csv:2: RATE 'nan': expected a number", files: ["t.csv": "TIME,AMT,RATE\n0,10,nan\n"]),
    Case(
      key: "events-overflow", arguments: ["--events", "t.csv", "--allow-extreme"], status: 65,
      message: "t.csv:2: AMT '1.7e308': expected an amount from 0 to 1e9 mg", files: ["t.csv": "TIME,AMT\n0,1.7e308\n"]),
    Case(
      key: "events-modelled-rate", arguments: ["--events", "t.csv"], status: 65,
      message: "t.csv:2: RATE '-1': modelled rates", files: ["t.csv": "TIME,AMT,RATE\n0,10,-1\n"]),
    Case(
      key: "events-evid", arguments: ["--events", "t.csv"], status: 65, message: "t.csv:3: EVID '3': resets",
      files: ["t.csv": "TIME,AMT,EVID\n0,10,1\n1,0,3\n"]),
    Case(
      key: "events-quote", arguments: ["--events", "t.csv"], status: 65,
      message: "t.csv:2: TIME '0,1\\n': expected a number", files: ["t.csv": "TIME,AMT\n\"0,1\n"]),
    Case(
      key: "events-ids", arguments: ["--events", "t.csv"], status: 65,
      message: "t.csv: 2 subjects (IDs 1, 2); choose one with --id", files: ["t.csv": "ID,TIME,AMT\n1,0,10\n2,0,10\n"]),
    Case(
      key: "events-id-unknown", arguments: ["--events", "t.csv", "--id", "3"], status: 65,
      message: "t.csv: no subject with ID 3", files: ["t.csv": "ID,TIME,AMT\n1,0,10\n2,0,10\n"]),
    Case(
      key: "id-without-events", arguments: ["--id", "3"], status: 64,
      message: "invalid id '3': expected --id together with --events"),
    Case(
      key: "event-time-unit", arguments: ["--event-time-unit", "d"], status: 64,
      message: "invalid event time unit 'd': expected h or min"),
    Case(
      key: "events-not-utf8", arguments: ["--events", "t.csv"], status: 65,
      message: "t.csv: the event table is not UTF-8 text", binary: ["t.csv": Self.notUTF8]),
    Case(
      key: "events-implausible", arguments: ["--events", "t.csv"], status: 64, message: "refusing a bolus of 2000 mg",
      files: ["t.csv": "TIME,AMT\n0,2000\n"]),
    Case(
      key: "events-weight", arguments: ["--events", "t.csv"], status: 65,
      message: "t.csv:2: WT '-70': expected a body weight in kg above 0", files: ["t.csv": "TIME,AMT,WT\n0,10,-70\n"]),
    Case(
      key: "events-weight-changes", arguments: ["--events", "t.csv"], status: 65,
      message: "t.csv:3: WT '72': the subject's WT was 70 kg on an earlier record; expected one WT per subject",
      files: ["t.csv": "TIME,AMT,WT\n0,10,70\n1,0,72\n"]),
    Case(
      key: "dataset-time-back", arguments: ["dataset", "--events", "t.csv"], status: 65,
      message: "t.csv:4: TIME '1': earlier than the record before it; expected times that do not decrease",
      files: ["t.csv": "ID,TIME,AMT,WT\n1,0,10,70\n1,2,0,72\n1,1,0,72\n"]),
    Case(
      key: "dataset-step-zero", arguments: ["dataset", "--events", "t.csv", "--step", "0"], status: 64,
      message: "invalid step '0': expected a positive time step, such as 10 min",
      files: ["t.csv": "ID,TIME,AMT\n1,0,10\n"]),
    Case(
      key: "dataset-duration-alone", arguments: ["dataset", "--events", "t.csv", "--duration", "2h"], status: 64,
      message: "invalid duration '2h': expected --duration together with --step",
      files: ["t.csv": "ID,TIME,AMT\n1,0,10\n"]),
    Case(
      key: "dataset-step-reset-back", arguments: ["dataset", "--events", "t.csv", "--step", "1h"], status: 65,
      message: "t.csv:4: TIME '1': a reset to an earlier time; expected a grid (--step) only for IDs whose times",
      files: ["t.csv": "ID,TIME,AMT,EVID\n1,0,10,1\n1,2,0,0\n1,1,5,4\n1,3,0,0\n"]),
    Case(
      key: "dataset-sex-codes", arguments: ["dataset", "--events", "t.csv", "--sex-codes", "1=boy"], status: 64,
      message: "invalid sex-codes '1=boy': expected CODE=SEX pairs joined by commas, such as 1=male,2=female",
      files: ["t.csv": "ID,TIME,AMT\n1,0,10\n"]),
    Case(
      key: "dataset-covariate-carry", arguments: ["dataset", "--events", "t.csv", "--covariate-carry", "linear"],
      status: 64, message: "invalid covariate-carry 'linear': expected nocb or locf",
      files: ["t.csv": "ID,TIME,AMT\n1,0,10\n"]),
    Case(
      key: "dataset-residual-published", arguments: ["dataset", "--events", "t.csv", "--residual-error", "published"],
      status: 64,
      message: "invalid residual-error 'published': expected a model whose file publishes a residual error for cp",
      files: ["t.csv": "ID,TIME,AMT\n1,0,10\n"]),
    Case(
      key: "events-weight-implausible", arguments: ["--events", "t.csv"], status: 64,
      message: "refusing weight 400 kg", files: ["t.csv": "TIME,AMT,WT\n0,10,400\n"]),
    Case(
      key: "observations-none", arguments: ["--observations"], status: 64,
      message: "invalid observations 'no sampling times'"),
    Case(
      key: "population-steady-state",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--events", "t.csv",
      ], status: 64, message: "steady state is simulate-only", files: ["t.csv": "TIME,AMT,SS,II\n0,10,1,12\n"]),
    Case(
      key: "replicates-no-se", arguments: ["population", "--subjects", "20", "--iiv", "CL=0.3", "--replicates", "5"],
      status: 64,
      message: "invalid replicates 'with clements250': expected a model whose file publishes standard errors"),
    Case(
      key: "replicates-summary",
      arguments: [
        "population", "--model", "flint2017", "--drug", "esketamine", "--weight", "20", "--replicates", "5",
        "--summary",
      ], status: 64, message: "invalid replicates '5': expected --replicates with --output and --replicates-output only"
    ),
    Case(
      key: "replicates-count", arguments: ["population", "--replicates", "1"], status: 64,
      message: "invalid replicates '1': expected a number of replicates from 2 to 10000"),
    Case(key: "duration-text", arguments: ["--duration", "abc"], status: 64, message: "invalid duration 'abc'"),
    Case(key: "duration-negative", arguments: ["--duration", "-1 h"], status: 64, message: "invalid duration '-1 h'"),
    Case(
      key: "duration-concentration", arguments: ["--duration", "40 ng/mL"], status: 64,
      message: "invalid duration '40 ng/mL': expected a number with s, min, h or d"),
    Case(
      key: "duration-range", arguments: ["--duration", "1e9 h"], status: 64,
      message: "expected a time from 0 up to 100 years"),
    Case(
      key: "change-syntax", arguments: ["--change", "at 20 min slower"], status: 64,
      message: "invalid change 'at 20 min slower': expected 'at TIME to RATE [for DURATION]' or 'at TIME stop'"),
    Case(
      key: "change-nothing-running", arguments: ["--change", "at 50 min to 1 mg/h"], status: 64,
      message: "invalid change 'at 50 min to 1 mg/h': expected an infusion running at 50.0 min to change"),
    Case(
      key: "dose-chain-at", arguments: ["--dose", "1 mg/h for 1 h then 2 mg/h for 1 h at 3 h"], status: 64,
      message: "'2 mg/h for 1 h at 3 h' has its own 'at'; each part after 'then' starts when the one before ends"),
    Case(
      key: "plot-jpg", arguments: ["--plot", "out.jpg"], status: 64,
      message: "invalid plot 'out.jpg': expected a file name ending in .svg, .png or .pdf"),
    Case(
      key: "compare-plot-gif", arguments: ["compare", "--plot", "out.gif"], status: 64,
      message: "invalid plot 'out.gif': expected a file name ending in .svg, .png or .pdf"),
    Case(
      key: "duration-zero", arguments: ["--duration", "0 min"], status: 64,
      message: "invalid duration '0 min': expected a positive duration, such as '4 h'"),
    Case(key: "step-zero", arguments: ["--step", "0"], status: 64, message: "invalid step '0'"),
    Case(
      key: "step-resolution", arguments: ["--step", "1e-9 s"], status: 64,
      message: "invalid step '1e-9 s': expected a positive time step of at least 1 microsecond"),
    Case(
      key: "step-longer", arguments: ["--duration", "10 min", "--step", "20 min"], status: 64,
      message: "invalid step '20 min': expected a step no longer than the duration"),
    Case(key: "kernel", arguments: ["--kernel", "fast"], status: 64, message: "invalid kernel 'fast'"),
    Case(
      key: "rows", arguments: ["--duration", "300 d", "--step", "1 s"], status: 64, message: "raise it with --max-rows"),
    Case(
      key: "plot-memory",
      arguments: ["--duration", "1 d", "--step", "1 s", "--plot", "p.svg", "--max-memory", "10 MB"], status: 64,
      message: "raise it with --max-memory"),
    Case(
      key: "population-size",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "5000000", "--duration", "1 h", "--max-memory", "100 MB",
      ], status: 64, message: "about 212 MB of memory, above the limit of 100 MB; raise it with --max-memory"),
    Case(key: "max-rows", arguments: ["--max-rows", "0"], status: 64, message: "invalid max-rows '0'"),
    Case(key: "max-memory", arguments: ["--max-memory", "lots"], status: 64, message: "invalid max-memory 'lots'"),
    Case(
      key: "tci-periods", arguments: ["tci", "--target", "150 ng/mL", "--period", "0.001 s"], status: 64,
      message: "1,000,000 pump periods"),
    Case(
      key: "subjects", arguments: ["population", "--model", "herd2007", "--subjects", "0"], status: 64,
      message: "invalid subjects '0': expected a whole number from 1 to 10000000"),
    Case(
      key: "subjects-range", arguments: ["population", "--model", "herd2007", "--subjects", "1e12"], status: 64,
      message: "invalid subjects '1e12'"),
    Case(
      key: "seed",
      arguments: ["population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--seed", "-1"],
      status: 64, message: "invalid seed '-1'"),
    Case(
      key: "iiv-syntax",
      arguments: ["population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--iiv", "CL=30%"],
      status: 64, message: "invalid iiv 'CL=30%'"),
    Case(
      key: "iiv-range",
      arguments: ["population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--iiv", "CL=3"],
      status: 64, message: "invalid iiv 'CL=3'"),
    Case(
      key: "iiv-name",
      arguments: ["population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--iiv", "XX=0.3"],
      status: 64, message: "invalid iiv 'XX=0.3'"),
    Case(
      key: "iiv-duplicate",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--iiv", "CL=0.3,CL=0.2",
      ], status: 64, message: "expected each parameter at most once"),
    Case(
      key: "iiv-missing", arguments: ["population", "--model", "clements250"], status: 64,
      message: "has no published between-subject variability"),
    Case(
      key: "weight-sd",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--weight-sd", "100",
      ], status: 64, message: "invalid weight-sd '100'"),
    Case(
      key: "patients-and-weight-sd",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "p.csv",
        "--weight-sd", "5",
      ], status: 64, message: "expected either --patients FILE or --weight-sd KG", files: ["p.csv": "weight_kg\n70\n"]),
    Case(
      key: "percentiles",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--percentiles", "5,50,150",
      ], status: 64, message: "invalid percentiles '5,50,150'"),
    Case(
      key: "shard-syntax",
      arguments: ["population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--shard", "0/4"],
      status: 64, message: "invalid shard '0/4'"),
    Case(
      key: "shard-output",
      arguments: ["population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--shard", "1/4"],
      status: 64, message: "expected --shard K/N with --output FILE", addOutput: false),
    Case(
      key: "shard-count", arguments: ["population", "--model", "herd2007", "--subjects", "10", "--shard", "1/20"],
      status: 64, message: "expected no more shards than subjects (10)"),
    Case(
      key: "threads",
      arguments: ["population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--threads", "0"],
      status: 64, message: "invalid threads '0'"),
    Case(
      key: "patients-missing",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "missing.csv",
      ], status: 66, message: "missing.csv: cannot read the patients table"),
    Case(
      key: "patients-directory",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "dir.csv",
      ], status: 66, message: "dir.csv: cannot read the patients table", directories: ["dir.csv"]),
    Case(
      key: "patients-no-weight",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "p.csv",
      ], status: 65, message: "p.csv:1: no weight column", files: ["p.csv": "age\n3\n"]),
    Case(
      key: "patients-number",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "p.csv",
      ], status: 65, message: "p.csv:3: weight 'heavy' is not a number", files: ["p.csv": "weight_kg\n70\nheavy\n"]),
    Case(
      key: "patients-range",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "p.csv",
      ], status: 65, message: "p.csv:2: invalid weight '-3'", files: ["p.csv": "weight_kg\n-3\n"]),
    Case(
      key: "patients-empty",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "p.csv",
      ], status: 65, message: "p.csv: no patients", files: ["p.csv": "weight_kg\n"]),
    Case(
      key: "patients-implausible",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "p.csv",
      ], status: 64, message: "refusing weight 400 kg (p.csv, patient 2): above 350 kg",
      files: ["p.csv": "weight_kg\n70\n400\n"]),
    Case(
      key: "patients-not-utf8",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--patients", "p.csv",
      ], status: 65, message: "p.csv: not UTF-8 text", binary: ["p.csv": Self.notUTF8]),
    Case(
      key: "merge-incomplete", arguments: ["merge", "a.shard"], status: 65,
      message: "a.shard: shards 2 of 2 are missing from the merge", before: Self.shards),
    Case(
      key: "merge-repeat", arguments: ["merge", "a.shard", "a.shard", "b.shard"], status: 65,
      message: "repeats shard 1/2", before: Self.shards),
    Case(
      key: "merge-mixed", arguments: ["merge", "a.shard", "c.shard"], status: 65,
      message: "c.shard: is from a different run than a.shard (another time grid;", before: Self.shards),
    Case(
      key: "merge-corrupt", arguments: ["merge", "a.shard", "b.shard"], status: 65,
      message: "b.shard: corrupt shard file (checksum mismatch: the file changed after it was written)",
      before: Self.shards, flip: ["b.shard": 100]),
    Case(
      key: "merge-old-format", arguments: ["merge", "a.shard", "old.shard"], status: 65,
      message: "old.shard: written by another ketasim version (shard format 1, this one reads format 2)",
      binary: ["old.shard": Array("KSPOP1\n".utf8) + [UInt8](repeating: 0, count: 64)], before: Self.shards),
    Case(
      key: "merge-missing-options", arguments: ["merge", "--missing", "a.shard", "--summary"], status: 64,
      message: "invalid merge options '--missing': expected --missing alone", before: Self.shards,
      addOutput: false),
    Case(
      key: "merge-garbage", arguments: ["merge", "a.shard", "g.shard"], status: 65,
      message: "g.shard: not a ketasim population shard", files: ["g.shard": "garbage\n"], before: Self.shards),
    Case(
      key: "merge-truncated", arguments: ["merge", "a.shard", "b.shard"], status: 65,
      message: "b.shard: truncated shard file", before: Self.shards, truncate: ["b.shard": 300]),
    Case(
      key: "merge-missing", arguments: ["merge", "a.shard", "missing.shard"], status: 66,
      message: "missing.shard: cannot read the shard file", before: Self.shards),
    Case(
      key: "merge-directory", arguments: ["merge", "a.shard", "dir.shard"], status: 66,
      message: "dir.shard: is a directory; expected a shard file", directories: ["dir.shard"], before: Self.shards),
    Case(key: "tci-no-target", arguments: ["tci"], status: 64, message: "expected at least one --target"),
    Case(
      key: "tci-target-dose", arguments: ["tci", "--target", "150 mg"], status: 64, message: "invalid target '150 mg'"),
    Case(
      key: "tci-target-duration", arguments: ["tci", "--target", "150 ng/mL for 10 mg"], status: 64,
      message: "invalid target '150 ng/mL for 10 mg'"),
    Case(
      key: "tci-target-negative", arguments: ["tci", "--target", "-150 ng/mL"], status: 64,
      message: "invalid target '-150 ng/mL'"),
    Case(
      key: "tci-open-ended", arguments: ["tci", "--target", "100 ng/mL", "--target", "150 ng/mL for 10 min"],
      status: 64, message: "every target but the last"),
    Case(
      key: "tci-beyond-duration", arguments: ["tci", "--target", "150 ng/mL for 5 h"], status: 64, message: "--duration"
    ),
    Case(
      key: "tci-implausible", arguments: ["tci", "--target", "8000 ng/mL for 10 min"], status: 64,
      message: "refusing target 8000 ng/mL"),
    Case(
      key: "tci-no-ke0", arguments: ["tci", "--target", "150 ng/mL", "--site", "effect"], status: 64, message: "--ke0"),
    Case(
      key: "tci-site", arguments: ["tci", "--target", "150 ng/mL", "--site", "brain"], status: 64,
      message: "invalid site 'brain'"),
    Case(
      key: "tci-max-rate-syringe", arguments: ["tci", "--target", "150 ng/mL", "--max-rate", "1200"], status: 64,
      message: "--syringe"),
    Case(
      key: "tci-max-rate-concentration", arguments: ["tci", "--target", "150 ng/mL", "--max-rate", "500 ng/mL"],
      status: 64, message: "invalid max-rate '500 ng/mL'"),
    Case(
      key: "tci-max-rate-dose", arguments: ["tci", "--target", "150 ng/mL", "--max-rate", "500 mg"], status: 64,
      message: "invalid max-rate '500 mg'"),
    Case(
      key: "tci-period", arguments: ["tci", "--target", "150 ng/mL", "--period", "0"], status: 64,
      message: "invalid period '0'"),
    Case(
      key: "tci-syringe", arguments: ["tci", "--target", "150 ng/mL", "--syringe", "0"], status: 64,
      message: "invalid syringe '0'"),
    Case(
      key: "models-show-unknown", arguments: ["models", "show", "nosuch"], status: 64, message: "unknown model 'nosuch'"
    ),
    Case(
      key: "models-show-weight", arguments: ["models", "show", "clements250", "--weight", "0"], status: 64,
      message: "invalid weight '0'"),
    Case(
      key: "models-validate-format", arguments: ["models", "validate", "--format", "xml"], status: 64,
      message: "invalid format 'xml'"),
    Case(
      key: "regimens-show-unknown", arguments: ["regimens", "show", "nosuch"], status: 64,
      message: "unknown regimen 'nosuch'"),
    Case(
      key: "regimens-show-missing", arguments: ["regimens", "show", "missing.yaml"], status: 66,
      message: "missing.yaml: no such regimen file"),
    Case(
      key: "regimens-show-weight", arguments: ["regimens", "show", "crps-daily", "--weight", "abc"], status: 64,
      message: "invalid weight 'abc'"),
    Case(key: "output-empty", arguments: ["--output", ""], status: 64, message: "invalid output path ''"),
    Case(
      key: "output-no-directory", arguments: ["--output", "missing/out.csv"], status: 73,
      message: "missing/out.csv: the output directory does not exist"),
    Case(
      key: "output-directory", arguments: ["--output", "dir"], status: 73,
      message: "dir: is a directory; expected a file path", directories: ["dir"]),
    Case(
      key: "output-unwritable", arguments: ["--output", "/proc/out.csv"], status: 73,
      message: "cannot create a file in /proc"),
    Case(
      key: "plot-directory", arguments: ["--plot", "dir.svg"], status: 73, message: "dir.svg: is a directory",
      directories: ["dir.svg"]),
    Case(
      key: "export-events-no-directory", arguments: ["--export-events", "missing/e.csv"], status: 73,
      message: "missing/e.csv: the output directory does not exist"),
    Case(
      key: "series-no-directory", arguments: ["compare", "--series", "missing/s.csv"], status: 73,
      message: "missing/s.csv: the output directory does not exist"),
    Case(
      key: "subjects-output-no-directory",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--subjects-output",
        "missing/s.csv",
      ], status: 73, message: "missing/s.csv: the output directory does not exist"),
    Case(
      key: "output-twice", arguments: ["--output", "out.csv", "--plot", "out.csv"], status: 64,
      message: "invalid --plot 'out.csv': expected a file other than the one given to --output"),
    Case(
      key: "output-twice-population",
      arguments: [
        "population", "--model", "herd2007", "--subjects", "20", "--duration", "10 min", "--output", "o.csv",
        "--subjects-output", "./o.csv",
      ], status: 64,
      message: "invalid --subjects-output './o.csv': expected a file other than the one given to --output"),
    Case(
      key: "output-is-input", arguments: ["--events", "t.csv", "--output", "t.csv"], status: 64,
      message: "invalid --output 't.csv': expected a file other than the event table it reads",
      files: ["t.csv": "TIME,AMT\n0,35\n"]),
    Case(
      key: "merge-output-is-shard", arguments: ["merge", "a.shard", "b.shard", "--output", "a.shard"], status: 64,
      message: "expected a file other than the shard file it reads", before: Self.shards),
  ]

  /// Commands that take `--output` (the first argument, or simulate by default).
  static let outputCommands: Set<String> = ["simulate", "compare", "population", "merge", "tci"]

  static func arguments(of input: Case) -> [String] {
    let first = input.arguments.first ?? "-"
    let takesOutput = first.hasPrefix("-") || outputCommands.contains(first)
    guard input.addOutput, takesOutput, !input.arguments.contains("--output") else { return input.arguments }
    return input.arguments + ["--output", "out.csv"]
  }

  @Test(arguments: cases)
  func rowBehavesAsDocumented(_ input: Case) throws {
    let directory = try TemporaryDirectory()
    for (name, text) in input.files { try Data(text.utf8).write(to: directory.url.appendingPathComponent(name)) }
    for (name, bytes) in input.binary { try Data(bytes).write(to: directory.url.appendingPathComponent(name)) }
    for name in input.directories {
      try FileManager.default.createDirectory(
        at: directory.url.appendingPathComponent(name), withIntermediateDirectories: false)
    }
    for command in input.before {
      let made = try CLI.run(command + ["--quiet"], in: directory.url)
      try #require(made.status == 0, "setup \(command): \(made.stderr)")
    }
    for (name, length) in input.truncate {
      let handle = try FileHandle(forWritingTo: directory.url.appendingPathComponent(name))
      try handle.truncate(atOffset: length)
      try handle.close()
    }
    for (name, fromEnd) in input.flip {
      let url = directory.url.appendingPathComponent(name)
      var bytes = try [UInt8](Data(contentsOf: url))
      bytes[bytes.count - fromEnd] ^= 0xFF
      try Data(bytes).write(to: url)
    }
    let before = directory.contents()
    let result = try CLI.run(Self.arguments(of: input), in: directory.url)
    let crashed = result.signalled || result.stderr.contains("Fatal error") || result.stderr.contains("Backtrac")
    #expect(!crashed, "ketasim crashed: \(result.stderr)")
    if input.warns {
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let warnings = result.stderrLines.filter { $0.hasPrefix("ketasim: warning: ") }
      #expect(warnings.contains { $0.contains(input.message) }, "stderr: \(result.stderr)")
      #expect(directory.contents() == (before + ["out.csv"]).sorted())
      return
    }
    #expect(result.status == input.status, "stderr: \(result.stderr)")
    #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
    let line = result.stderrLines.first ?? ""
    #expect(line.hasPrefix("ketasim: error: "), "stderr: \(result.stderr)")
    #expect(line.contains(input.message), "stderr: \(result.stderr)")
    #expect(result.stdout.isEmpty, "stdout: \(result.stdout.prefix(200))")
    #expect(directory.contents() == before, "left behind: \(directory.contents())")
  }

  /// A file without read permission is missing input (66), like a missing one.
  ///
  /// Root reads any file whatever its mode, so as root `chmod 000`
  /// cannot make a file unreadable and the check is skipped; the
  /// directory-as-file rows cover the same code path for every user.
  @Test(
    .enabled(if: getuid() != 0, "running as root, which reads files whatever their permissions"),
    arguments: [
      (["--events", "in.csv"], "in.csv: cannot read the event table"),
      (["--regimen", "in.yaml"], "in.yaml: cannot read the regimen file"),
      (["--model", "in.yaml"], "in.yaml: cannot read the model file"),
    ])
  func unreadableFileIsMissingInput(arguments: [String], message: String) throws {
    let directory = try TemporaryDirectory()
    let path = directory.path(arguments[1])
    try Data("TIME,AMT\n0,35\n".utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: path)
    defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
    let result = try CLI.run(arguments + ["--output", "out.csv"], in: directory.url)
    #expect(result.status == 66, "stderr: \(result.stderr)")
    #expect(result.stderrLines.count == 1 && result.stderr.contains(message), "stderr: \(result.stderr)")
    #expect(directory.contents() == [arguments[1]])
  }

  /// Writing to a full device fails with an I/O error (74) and one line.
  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full"))
  func fullStdoutIsAnIOError() throws {
    let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    defer { try? full.close() }
    let scratch = try TemporaryDirectory()
    let errURL = scratch.url.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let errors = try FileHandle(forWritingTo: errURL)
    defer { try? errors.close() }
    let process = Process()
    process.executableURL = try CLI.binary()
    process.arguments = ["--quiet"]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = full
    process.standardError = errors
    try process.run()
    try CLI.wait(for: process, timeout: 120, arguments: ["--quiet"])
    let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 74, "stderr: \(stderr)")
    #expect(stderr == "ketasim: error: stdout: No space left on device\n")
  }

  /// A named pipe or a device as the output is written through, not
  /// replaced: renaming a temporary file over `/dev/null` (as root) would
  /// turn the device into a regular file for every process on the machine.
  @Test func outputToADeviceOrPipeIsWrittenThrough() throws {
    let directory = try TemporaryDirectory()
    let pipe = directory.path("pipe.csv")
    try #require(mkfifo(pipe, 0o600) == 0)
    let received = Mutex<Data?>(nil)
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      let reader = FileHandle(forReadingAtPath: pipe)  // blocks until ketasim opens the pipe
      received.withLock { $0 = reader?.readDataToEndOfFile() }
      done.signal()
    }
    let result = try CLI.run(["--duration", "10 min", "--quiet", "--output", pipe])
    // Should ketasim not have opened the pipe, release the reader.
    let release = open(pipe, O_WRONLY | O_NONBLOCK)
    if release >= 0 { close(release) }
    #expect(done.wait(timeout: .now() + 30) == .success)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let text = String(decoding: received.withLock { $0 } ?? Data(), as: UTF8.self)
    #expect(text.hasPrefix("time_min,") && text.split(separator: "\n").count == 12, "read: \(text.prefix(200))")
    #expect(AtomicFileProbe.isFIFO(pipe), "the pipe was replaced by a file")
    #expect(directory.contents() == ["pipe.csv"])

    // /dev/null stays the null device (when it is one to begin with, and
    // only if the pipe survived: else this would break /dev/null too).
    guard AtomicFileProbe.isFIFO(pipe), AtomicFileProbe.isCharacterDevice("/dev/null") else { return }
    let null = try CLI.run(["--duration", "10 min", "--quiet", "--output", "/dev/null"])
    #expect(null.status == 0, "stderr: \(null.stderr)")
    #expect(AtomicFileProbe.isCharacterDevice("/dev/null"), "--output /dev/null replaced the device with a file")
  }

  // MARK: - The article

  static let article = CLI.packageRoot.appendingPathComponent(
    "Sources/KetasimCore/Documentation.docc/Articles/InputErrors.md")

  /// One row of an inventory table: its cells, and the test references of
  /// its last cell (`File/name`).
  struct Row {
    var cells: [String]
    var references: [(file: String, name: String)]
  }

  /// The rows of every table whose header starts with `| Input |`.
  static func rows(of text: String) -> [Row] {
    var rows: [Row] = []
    var inTable = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      guard line.hasPrefix("|") else {
        inTable = false
        continue
      }
      if line.hasPrefix("| Input |") {
        inTable = true
        continue
      }
      guard inTable, !line.hasPrefix("|---") else { continue }
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
        .map { $0.trimmingCharacters(in: .whitespaces) }
      let references = (cells.last ?? "").split(separator: "`").compactMap { token -> (file: String, name: String)? in
        let parts = token.split(separator: "/")
        guard parts.count == 2, parts[0].hasSuffix("Tests") else { return nil }
        return (file: String(parts[0]), name: String(parts[1]))
      }
      rows.append(Row(cells: cells, references: references))
    }
    return rows
  }

  /// The article's tables name only tests that exist; each case's exit
  /// status and message are the row's; every case has its row.
  @Test func articleTableMatchesTheTests() throws {
    let text = try String(contentsOf: Self.article, encoding: .utf8)
    let rows = Self.rows(of: text)
    #expect(rows.count >= Self.cases.count)
    let cases = Dictionary(uniqueKeysWithValues: Self.cases.map { ($0.key, $0) })
    var documented: [String] = []
    for row in rows {
      let label = row.cells.prefix(2).joined(separator: " / ")
      guard row.cells.count == 5 else {
        Issue.record("row '\(label)' has \(row.cells.count) cells, expected 5")
        continue
      }
      #expect(!row.references.isEmpty, "row '\(label)' names no test")
      let status = Int32(row.cells[3].prefix { $0.isNumber })
      #expect(status != nil, "row '\(label)': exit '\(row.cells[3])' is not a number")
      for (file, name) in row.references {
        if file == "InputInventoryTests", let input = cases[name] {
          documented.append(name)
          #expect(status == input.status, "row '\(label)': exit \(row.cells[3]), case \(name) expects \(input.status)")
          let message = row.cells[2].replacingOccurrences(of: "`", with: "")
          #expect(message.contains(input.message), "row '\(label)': message does not contain '\(input.message)'")
          continue
        }
        let source = ["ketasimTests", "KetasimCoreTests"].lazy
          .map { CLI.packageRoot.appendingPathComponent("Tests/\($0)/\(file).swift") }
          .compactMap { try? String(contentsOf: $0, encoding: .utf8) }.first
        let found = source.map { $0.contains("func \(name)(") } ?? false
        #expect(found, "row '\(label)' names \(file)/\(name), which is neither a case nor a test function")
      }
    }
    let undocumented = Set(cases.keys).subtracting(documented).sorted()
    #expect(undocumented.isEmpty, "cases without a row: \(undocumented)")
    #expect(documented.count == Set(documented).count, "a case is named by two rows")
  }
}

/// File types, read with stat(2) (following symbolic links).
enum AtomicFileProbe {
  static func type(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int(info.st_mode) & Int(S_IFMT)
  }

  static func isFIFO(_ path: String) -> Bool { type(path) == Int(S_IFIFO) }
  static func isCharacterDevice(_ path: String) -> Bool { type(path) == Int(S_IFCHR) }
}

import CKetasimKernels
import Foundation

/// The vector instruction set the tiled kernel runs on: runtime CPU dispatch.
///
/// The portable release build (no `-march`) carries one version of the tiled
/// kernel per case and picks one at run time from the CPU's `cpuid`
/// (`__builtin_cpu_supports`), as NumPy and OpenBLAS do. Every version gives
/// bit-identical results: none fuses `a·b + c` into one rounding, and each
/// lane's multiplies and adds come in the same order as in the scalar
/// reference kernel; the vector width only sets how many lanes one
/// instruction carries.
///
/// The process's choice (``selected``) is made once, at the first kernel
/// call or query: the environment variable `KETASIM_CPU` (`auto`, `sse2`,
/// `avx2` or `avx512`) when it names a set this CPU runs, otherwise
/// ``best``. Front ends call ``validateEnvironment()`` first so that a bad
/// value is reported instead of ignored.
public enum InstructionSet: String, CaseIterable, Sendable {
  /// The x86-64 baseline: 2 doubles per vector register (on other
  /// architectures, the build's own baseline).
  case sse2
  /// AVX2: 4 doubles per vector register.
  case avx2
  /// AVX-512 (AVX-512F): 8 doubles per vector register; one 8-lane group of
  /// a tile is one register.
  case avx512

  /// The environment variable that forces a set: `auto`, `sse2`, `avx2` or
  /// `avx512` (unset or empty is `auto`).
  public static let environmentVariable = "KETASIM_CPU"

  /// Whether this CPU runs the set.
  public var isSupported: Bool { ks_isa_supported(cValue) != 0 }

  /// Every set this CPU runs, narrowest first.
  public static var supported: [InstructionSet] { allCases.filter(\.isSupported) }

  /// The widest set this CPU runs.
  public static var best: InstructionSet { InstructionSet(ks_isa_best()) }

  /// The set the tiled kernel uses in this process: `KETASIM_CPU` when it
  /// names a supported set, else ``best`` (read once per process).
  public static var selected: InstructionSet { InstructionSet(ks_isa_selected()) }

  /// The set a `KETASIM_CPU` value asks for: ``best`` for `nil`, empty or
  /// `auto`, else the named set.
  ///
  /// - Throws: ``KetasimError`` (one line saying what is accepted) for any
  ///   other value, or for a set this CPU does not run.
  public static func parse(environmentValue value: String?) throws -> InstructionSet {
    guard let value, !value.isEmpty, value != "auto" else { return best }
    guard let set = InstructionSet(rawValue: value), set.isSupported else {
      throw KetasimError.invalidValue(
        environmentVariable, value,
        accepted: "auto or an instruction set this CPU runs: "
          + supported.map(\.rawValue).joined(separator: ", ") + " (of sse2, avx2, avx512)")
    }
    return set
  }

  /// Checks this process's `KETASIM_CPU` (see ``parse(environmentValue:)``);
  /// front ends call it before any work, as the kernels would otherwise fall
  /// back to ``best`` without a word.
  public static func validateEnvironment() throws {
    _ = try parse(environmentValue: ProcessInfo.processInfo.environment[environmentVariable])
  }

  /// The C enumerator (`ks_isa`).
  var cValue: ks_isa {
    switch self {
    case .sse2: KS_ISA_SSE2
    case .avx2: KS_ISA_AVX2
    case .avx512: KS_ISA_AVX512
    }
  }

  init(_ value: ks_isa) {
    switch value {
    case KS_ISA_AVX512: self = .avx512
    case KS_ISA_AVX2: self = .avx2
    default: self = .sse2
    }
  }
}

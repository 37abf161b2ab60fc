import ArgumentParser
import Foundation
import KetasimCore

/// `ketasim`: exact pharmacokinetic previews of IV ketamine, as CSV.
@main
struct Ketasim: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ketasim",
    abstract: "Predict plasma and effect-site ketamine concentrations for an IV dosing profile.",
    discussion: """
      Population-model estimates for previewing and teaching; not a medical device and not \
      a substitute for clinical judgement or monitoring.
      """,
    version: KetasimVersion.current,
    subcommands: subcommandTypes,
    defaultSubcommand: Simulate.self
  )

  /// The subcommands; `serve` too when the package's `Server` trait is on
  /// (the default).
  private static let subcommandTypes: [any ParsableCommand.Type] = {
    var types: [any ParsableCommand.Type] = [
      Simulate.self, Compare.self, Population.self, Merge.self, TCI.self, DatasetCommand.self, Regimens.self,
      Models.self,
    ]
    #if Server
    types.append(Serve.self)
    #endif
    return types
  }()

  /// Runs the command; any error becomes one line on stderr and a
  /// sysexits-style status (64 usage, 65 bad data, 66 missing input,
  /// 73 cannot create output, 74 I/O error).
  ///
  /// A bad `KETASIM_CPU` (the kernels' instruction set) is refused before
  /// anything else.
  static func main() {
    signal(SIGPIPE, SIG_IGN)
    // ketasim parallelises above BLAS (--threads); OpenBLAS, opened on a BLAS kernel's first use, reads this
    // when it loads. Set here, before any other thread exists.
    setenv("OPENBLAS_NUM_THREADS", "1", 0)
    TerminationCleanup.install()
    do {
      try InstructionSet.validateEnvironment()
      var command = try parseAsRoot()
      try command.run()
    } catch let error as KetasimError {
      Terminal.fail(error.commandLineMessage, status: error.exitStatus)
    } catch is Terminal.ClosedPipe {
      Foundation.exit(0)
    } catch {
      if let error = KetasimError(wrappedIn: error) {
        Terminal.fail(error.commandLineMessage, status: error.exitStatus)
      }
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }
      let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
      Terminal.fail(message, status: code == .validationFailure ? 64 : code.rawValue)
    }
  }
}

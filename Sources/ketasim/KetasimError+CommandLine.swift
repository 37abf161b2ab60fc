import KetasimCore

/// How the command line shows a library error: remedies as flags, kinds as
/// sysexits.h statuses (the table is in the InputErrors article of the
/// KetasimCore documentation).
extension KetasimError {
  /// The one-line message, with the remedy naming the flag that applies it.
  var commandLineMessage: String { message(renderingRemedy: \.commandLine) }

  /// The exit status of the error's kind.
  var exitStatus: Int32 {
    switch kind {
    case .usage: return 64  // EX_USAGE
    case .data: return 65  // EX_DATAERR
    case .missingInput: return 66  // EX_NOINPUT
    case .cannotCreate: return 73  // EX_CANTCREAT
    case .io: return 74  // EX_IOERR
    }
  }
}

extension KetasimError.Remedy {
  /// The remedy as it ends a command-line message, naming its flag.
  var commandLine: String {
    switch self {
    case .allowExtreme: return "; pass --allow-extreme to simulate it anyway"
    case .raiseLimit(let limit): return "; raise it with \(limit.flag)"
    case .giveVariability:
      return ": give it explicitly with --iiv NAME=OMEGA,... (log-normal SD of eta, P_i = P*exp(eta)), "
        + "such as --iiv CL=0.3,V1=0.3"
    case .giveKe0: return " (set one with --ke0)"
    case .giveSyringe(inRegimen: true): return ": give --syringe MG_PER_ML (or 'syringe' in a regimen file)"
    case .giveSyringe(inRegimen: false): return ": give --syringe MG_PER_ML (such as --syringe 10)"
    case .chooseSubject: return "; choose one with --id"
    case .longerDuration(let time): return ": give --duration \(time.minutes) min"
    case .mergeOneRun: return ": every shard must come from the same command, only --shard differing"
    case .useShardFile: return " (written by 'ketasim population --shard K/N --output FILE')"
    case .stateDrug:
      return ": pass --drug esketamine if esketamine is given, or --s-fraction 0.5 to simulate the S half of a "
        + "racemic dose (an assumption: the two enantiomers' kinetics differ)"
    }
  }
}

extension KetasimError.Limit {
  /// The option that sets the limit.
  var flag: String {
    switch self {
    case .rows: return "--max-rows"
    case .subjectTimes: return "--max-subject-times"
    case .memory: return "--max-memory"
    }
  }
}

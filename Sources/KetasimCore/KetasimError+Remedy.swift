extension KetasimError {
  /// What the user can do about an error, besides giving an accepted value.
  ///
  /// The library states a remedy in words (``words``); a front end renders
  /// it in its own terms (the `ketasim` command as flags).
  public enum Remedy: Hashable, Sendable {
    /// Confirm a value far outside clinical use.
    case allowExtreme
    /// Raise a resource limit.
    case raiseLimit(Limit)
    /// Give between-subject variability explicitly.
    case giveVariability
    /// Give an effect-site rate constant (ke0).
    case giveKe0
    /// Give the syringe concentration; `inRegimen` when a regimen file may
    /// give it too.
    case giveSyringe(inRegimen: Bool)
    /// Choose one subject of a multi-subject event table.
    case chooseSubject
    /// Simulate at least this long.
    case longerDuration(ClockTime)
    /// Merge the shards of one run only: one command, only the shard
    /// number differing.
    case mergeOneRun
    /// Use a shard file written by a sharded population run.
    case useShardFile
    /// State the drug given, or the S fraction of a racemic dose for an S-ketamine model.
    case stateDrug
  }

  /// A resource limit a request may exceed.
  public enum Limit: Hashable, Sendable {
    /// Rows of one CSV output.
    case rows
    /// Subjects × output times of a population run.
    case subjectTimes
    /// Estimated memory of a request.
    case memory
  }
}

extension KetasimError.Remedy {
  /// The remedy in words, as it ends a message (with its leading
  /// separator), naming no command-line flag.
  public var words: String {
    switch self {
    case .allowExtreme: return "; confirm extreme values to simulate it anyway"
    case .raiseLimit(.rows): return "; raise the row limit"
    case .raiseLimit(.subjectTimes): return "; raise the subject-times limit"
    case .raiseLimit(.memory): return "; raise the memory limit"
    case .giveVariability:
      return ": give it explicitly as NAME=OMEGA pairs (log-normal SD of eta, P_i = P*exp(eta)), such as CL=0.3,V1=0.3"
    case .giveKe0: return " (give one)"
    case .giveSyringe(let inRegimen):
      return ": give the syringe concentration in mg/mL" + (inRegimen ? " (or 'syringe' in a regimen file)" : "")
    case .chooseSubject: return "; choose one by its ID"
    case .longerDuration(let time): return ": simulate for at least \(time.minutes) min"
    case .mergeOneRun: return ": every shard must come from the same run, only the shard number differing"
    case .useShardFile: return " (written by a sharded population run)"
    case .stateDrug:
      return ": state that esketamine is given, or the S fraction of the racemic dose to simulate (0.5 for the "
        + "S half, an assumption)"
    }
  }
}

/// All administrations of a run, turned into a piecewise-constant input.
///
/// Boluses and infusions may overlap freely. The schedule's *breakpoints* are
/// the instants where something changes (a bolus, an infusion starting or
/// stopping); between two breakpoints the total infusion rate is constant,
/// which is what makes the engine's propagation exact.
public struct DosingSchedule: Sendable, Equatable {
  /// A change in the input: boluses given at `time` (mg, summed) and the
  /// total infusion rate from `time` until the next breakpoint (mg/min).
  public struct Breakpoint: Sendable, Equatable {
    public var time: ClockTime
    public var bolusMilligrams: Double
    public var rateAfter: Double
  }

  /// The administrations, in the order given.
  public let doses: [Dose]
  /// Breakpoints in increasing time order.
  public let breakpoints: [Breakpoint]

  /// - Throws: ``KetasimError`` when a dose has a negative or non-finite
  ///   amount or rate, a non-positive duration or a negative time.
  public init(_ doses: [Dose]) throws {
    self.doses = try doses.map { try $0.validated() }
    self.breakpoints = DosingSchedule.makeBreakpoints(self.doses)
  }

  /// Total amount given over the whole schedule (mg).
  public var totalMilligrams: Double { doses.reduce(0) { $0 + $1.milligrams } }

  /// Amount given from time zero up to and including `time` (mg): boluses at
  /// `time` count, infusions count for the part already run.
  public func milligramsGiven(through time: ClockTime) -> Double {
    doses.reduce(0) { total, dose in
      switch dose {
      case .bolus(let amount, let at): return at <= time ? total + amount : total
      case .infusion(let rate, let start, let duration):
        let run = min(max(time - start, .zero), duration)
        return total + rate * run.minutes
      }
    }
  }

  /// Total infusion rate in effect just after `time` (mg/min).
  public func rate(after time: ClockTime) -> Double {
    var low = 0
    var high = breakpoints.count
    while low < high {
      let mid = (low + high) / 2
      if breakpoints[mid].time <= time { low = mid + 1 } else { high = mid }
    }
    return low == 0 ? 0 : breakpoints[low - 1].rateAfter
  }

  /// The end of the last administration (zero for an empty schedule).
  public var end: ClockTime { doses.map(\.end).max() ?? .zero }

  private static func makeBreakpoints(_ doses: [Dose]) -> [Breakpoint] {
    // Infusion starts and stops, and boluses, as signed events.
    var events: [(time: ClockTime, bolus: Double, start: Int?, stop: Int?)] = []
    var rates: [Double] = []
    for dose in doses {
      switch dose {
      case .bolus(let amount, let time):
        events.append((time, amount, nil, nil))
      case .infusion(let rate, let start, let duration):
        let id = rates.count
        rates.append(rate)
        events.append((start, 0, id, nil))
        events.append((start + duration, 0, nil, id))
      }
    }
    events.sort { $0.time < $1.time }
    var result: [Breakpoint] = []
    var active: [Int] = []
    var index = 0
    while index < events.count {
      let time = events[index].time
      var bolus = 0.0
      while index < events.count, events[index].time == time {
        let event = events[index]
        bolus += event.bolus
        if let id = event.start { active.append(id) }
        if let id = event.stop, let position = active.firstIndex(of: id) { active.remove(at: position) }
        index += 1
      }
      // Summing the active infusions afresh (rather than adding and
      // subtracting) makes the rate exactly zero when nothing runs.
      let rate = active.reduce(0.0) { $0 + rates[$1] }
      result.append(Breakpoint(time: time, bolusMilligrams: bolus, rateAfter: rate))
    }
    return result
  }
}

/// A linear compartment system with exact zero-order-hold propagation: what ``ExactSimulation``, the
/// read-out (peaks, crossings, areas), the time course and the lane kernels need from a model.
///
/// Amounts `x` (mg; an effect site may hold mg/L instead) obey `x' = A·x + b·u` with an infusion rate `u`
/// (mg/min) into the compartment ``inputIndex``. Two conformers:
///
/// - ``Disposition``: the mammillary 1-3 compartment models with an optional effect site, in closed
///   spectral form with a `SIMD4` state. The fast path of every catalogue model.
/// - ``GeneralDisposition``: any ``CompartmentStructure`` (metabolites, a liver compartment), up to 16
///   states in a `SIMD16`, by eigen-decomposition or a Padé exponential.
///
/// Requirements on a conformer: the eigenvalues of `A` are real and non-positive (the read-out's exact root
/// finding relies on it) and `A` is non-singular (every compartment drains), so that areas follow from
/// mass balance.
public protocol LinearSystem: Sendable {
  /// The state vector; lanes at and beyond ``stateCount`` are zero.
  associatedtype State: SIMD & Sendable where State.Scalar == Double
  /// The exact transition over one span.
  associatedtype Step: LinearStep where Step.State == State

  /// Number of states in use.
  var stateCount: Int { get }
  /// The state a bolus or an infusion enters.
  var inputIndex: Int { get }
  /// The part of every dose that enters (1 but for the S half of a racemic dose given to an S-ketamine
  /// model); `b` already carries it.
  var inputFraction: Double { get }
  /// The exact transition over `minutes` (finite, ≥ 0).
  func transition(overMinutes minutes: Double) -> Step
  /// What the model reports: plasma first, then the effect site and metabolites when it has them.
  var observations: [Observation] { get }
  /// The observation of `site`, or nil when the model has none there (a default reads ``observations``;
  /// a conformer may answer without building that array, as the population path asks once per lane).
  func observation(_ site: Observation.Site) -> Observation?
  /// `A` by rows (1/min) and `b`, in the state layout.
  var stateMatrix: (rows: [State], input: State) { get }
  /// The eigenvalues of `A` (1/min), real, with multiplicity.
  var stateEigenvalues: [Double] { get }
  /// `∫ observation dt` over a stretch that starts in `initial`, ends in `final` and in which `given` mg
  /// entered, in the observation's unit × min. Exact by mass balance: `∫x = A⁻¹(x(T) − x(0) − b·given)`.
  func areaUnderCurve(of observation: Observation, initial: State, final: State, given: Double) -> Double
  /// How ``rowCurve(_:from:rate:)`` evaluates: the whole transition by default.
  associatedtype RowCurve: LinearRowCurve = TransitionRowCurve<Self>
  /// `t ↦ row·x(t)`: a linear functional of the state `t` minutes after `state`, with `rate` held, the curves
  /// the read-out's root finding evaluates thousands of times per patient. A default applies the whole
  /// transition; a conformer may prepare what the start state and rate fix once and evaluate one row.
  func rowCurve(_ row: State, from state: State, rate: Double) -> RowCurve
}

/// A linear functional of a ``LinearSystem``'s state over a stretch of constant input, as a function of the
/// time into the stretch (minutes).
public protocol LinearRowCurve {
  func value(atMinutes t: Double) -> Double
  /// The value and its time derivative (per min) at `t`, for root finding with Newton steps.
  func valueAndSlope(atMinutes t: Double) -> (value: Double, slope: Double)
}

/// ``LinearRowCurve`` through the whole transition: `row·(Φ(t)·x₀ + Γ(t)·u)`.
public struct TransitionRowCurve<System: LinearSystem>: LinearRowCurve, Sendable {
  let system: System
  let row: System.State
  let state: System.State
  let rate: Double

  public func value(atMinutes t: Double) -> Double {
    (row * system.transition(overMinutes: t).apply(to: state, rate: rate)).sum()
  }

  /// The value and `row·(A·x(t) + b·u)`.
  public func valueAndSlope(atMinutes t: Double) -> (value: Double, slope: Double) {
    let x = system.transition(overMinutes: t).apply(to: state, rate: rate)
    let (rows, input) = system.stateMatrix
    var slope = (row * input).sum() * rate
    for (i, a) in rows.enumerated() { slope += row[i] * (a * x).sum() }
    return ((row * x).sum(), slope)
  }
}

/// The exact transition `x ← Φ·x + Γ·u` of a ``LinearSystem`` over one span.
public protocol LinearStep: Sendable {
  associatedtype State: SIMD & Sendable where State.Scalar == Double
  /// Γ: the response to 1 mg/min held over the span.
  var input: State { get }
  /// Φ's entry in row `i`, column `j`.
  func phi(_ i: Int, _ j: Int) -> Double
  /// `Φ·state + Γ·rate`.
  func apply(to state: State, rate: Double) -> State
}

extension LinearSystem {
  /// All of every dose.
  public var inputFraction: Double { 1 }

  /// The curve of `row` through the whole transition.
  public func rowCurve(_ row: State, from state: State, rate: Double) -> TransitionRowCurve<Self>
  where RowCurve == TransitionRowCurve<Self> {
    TransitionRowCurve(system: self, row: row, state: state, rate: rate)
  }

  /// The first of ``observations`` at `site`.
  public func observation(_ site: Observation.Site) -> Observation? {
    observations.first { $0.site == site }
  }
}

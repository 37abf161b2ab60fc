/// A scenario's exact simulation, with the engine its model needs.
public enum ScenarioRun: Sendable {
  /// A catalogue mammillary model (``Disposition``).
  case mammillary(Simulation)
  /// A model with a general structure (``GeneralDisposition``).
  case general(ExactSimulation<GeneralDisposition>)
}

// The library's users see the types its API takes and returns: autodiff (`Matrix`,
// `ParameterSet`, `SplitMix64`...) input/output (records, JSON Lines, errors...) and simulation.
@_exported import PRouterAutodiff
@_exported import PRouterIO
@_exported import PRouterSimulation

// The library's users see the types its API takes and returns: autodiff (`Matrix`,
// `ParameterSet`, `SplitMix64`...) input/output (records, JSON Lines, errors...), simulation, the
// graph files, the text encoders, the models and
// evaluation.
@_exported import PRouterAutodiff
@_exported import PRouterIO
@_exported import PRouterSimulation
@_exported import PRouterGraph
@_exported import PRouterEmbedding
@_exported import PRouterModels
@_exported import PRouterEvaluation

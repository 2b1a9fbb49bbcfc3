// The library's users see the types its API takes and returns: autodiff (`Matrix`,
// `ParameterSet`, `SplitMix64`...) and input/output (records, JSON Lines, errors...).
@_exported import PRouterAutodiff
@_exported import PRouterIO

// The library's users see the autodiff types its API takes and returns (`Matrix`,
// `ParameterSet`, `SplitMix64`...).
@_exported import PRouterAutodiff

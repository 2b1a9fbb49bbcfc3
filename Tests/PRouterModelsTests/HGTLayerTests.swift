import Testing
import PRouterAutodiff
@testable import PRouterModels
import PRouterTestSupport

/// The HGT layer's gradients against central finite differences (``GradientCheck``).
@Suite struct HGTLayerTests {
    /// A small heterogeneous graph for the HGT layer: users, turns and LLMs; two relations
    /// into turns, one into LLMs, and a turn with no incoming edge.
    static func hgtLayer() -> (HGTLayer, ParameterSet, [Matrix], [HGTLayer.Edges]) {
        var parameters = ParameterSet()
        var generator = SplitMix64(seed: 11)
        let layer = HGTLayer(prefix: "hgt0", types: ["user", "turn", "llm"],
                             relations: [HGTLayer.Relation(name: "user-turn", source: 0, target: 1),
                                         HGTLayer.Relation(name: "next-turn", source: 1, target: 1),
                                         HGTLayer.Relation(name: "turn-llm", source: 1, target: 2)],
                             dimension: 3, parameters: &parameters, generator: &generator)
        // Priors and gates away from their initial 1, so that their gradients are exercised.
        for (i, name) in parameters.names.enumerated() where name.contains(".prior.") || name.contains(".gate.") {
            parameters.values[i].data[0] = 0.7 + Float(i % 3) * 0.2
        }
        let states = [GradientCheck.input(2, 3, seed: 21), GradientCheck.input(4, 3, seed: 22), GradientCheck.input(3, 3, seed: 23)]
        let edges = [HGTLayer.Edges(source: [0, 0, 1], target: [0, 1, 2]),
                     HGTLayer.Edges(source: [0, 1], target: [1, 2]),
                     HGTLayer.Edges(source: [0, 1, 2, 2], target: [0, 0, 1, 2])]
        return (layer, parameters, states, edges)
    }

    @Test func hgtLayerAgainstFiniteDifferences() {
        let (layer, parameters, states, edges) = Self.hgtLayer()
        let count = parameters.values.count
        let mismatches = GradientCheck.mismatches(of: { tape, inputs in
            let outputs = layer.forward(tape: tape, parameters: ParameterReader(tape: tape, variables: Array(inputs[0..<count])), states: Array(inputs[count...]), edges: edges)
            return tape.concatRows(outputs)
        }, at: parameters.values + states, tolerance: 2e-2)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func hgtLayerShapesAndIsolatedNodes() {
        let (layer, parameters, states, edges) = Self.hgtLayer()
        #expect(parameters.names.count == 3 * 5 + 3 * 3)
        #expect(parameters.names.contains("hgt0.attention.next-turn") && parameters.names.contains("hgt0.gate.llm"))
        let tape = Tape()
        let variables = parameters.values.enumerated().map { tape.parameter($0.offset, $0.element) }
        let outputs = layer.forward(tape: tape, parameters: ParameterReader(tape: tape, variables: variables), states: states.map { tape.constant($0) }, edges: edges)
        #expect(outputs.map { tape.value($0).rows } == [2, 4, 3])
        // Users receive no edges: unchanged. Turn 3 has no incoming edge: unchanged. Turn 0 changes.
        #expect(tape.value(outputs[0]) == states[0])
        #expect(Array(tape.value(outputs[1]).data[9..<12]) == Array(states[1].data[9..<12]))
        #expect(Array(tape.value(outputs[1]).data[0..<3]) != Array(states[1].data[0..<3]))
    }
}

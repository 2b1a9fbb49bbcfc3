// swift-tools-version:6.0
import PackageDescription

/// The six command-line filters. Each is a thin argument-parsing shell over `PRouterKit`.
let tools = ["pr-sim", "pr-build-graph", "pr-embed", "pr-train", "pr-route", "pr-eval"]

let package = Package(
    name: "prouter",
    products: tools.map { .executable(name: $0, targets: [$0]) } + [
        .library(name: "PRouterKit", targets: ["PRouterKit"]),
        .library(name: "PRouterCLI", targets: ["PRouterCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Reverse-mode automatic differentiation on OpenBLAS: matrices, the tape and its
        // operations, Adam, and the seeded generator that initializes parameters.
        .target(
            name: "PRouterAutodiff",
            dependencies: ["COpenBLAS"]
        ),
        // Input and output: JSON Lines on jansson, the record types of the file formats,
        // the versioned section container of graph and weights files, atomic output,
        // errors with exit statuses, and the tools' shared run-time support.
        .target(
            name: "PRouterIO",
            dependencies: ["CJansson", "CMalloc"]
        ),
        // pr-sim's work: preferences from alpha/beta users or judge labels, budget
        // calibration, simulated multi-turn preferences, and the LLM judge.
        .target(
            name: "PRouterSimulation",
            dependencies: ["PRouterIO", "PRouterAutodiff"]
        ),
        // The graph files: single-turn (user, task, query, LLM) and multi-turn (GMTRouter)
        // graphs, their builders, codecs and node features.
        .target(
            name: "PRouterGraph",
            dependencies: ["PRouterIO", "PRouterAutodiff"]
        ),
        // Node features: the text encoders (hashed n-grams, the built-in all-MiniLM-L6-v2:
        // safetensors, WordPiece, BERT on OpenBLAS) and pr-embed's job over graph files.
        .target(
            name: "PRouterEmbedding",
            dependencies: ["PRouterIO", "PRouterAutodiff", "PRouterGraph", "COpenBLAS"]
        ),
        // The routing models, each its own type behind RoutingModel, with what they read
        // (routing and conversation data, priors, tables), their trainers and weights files.
        .target(
            name: "PRouterModels",
            dependencies: ["PRouterAutodiff", "PRouterIO", "PRouterGraph", "PRouterEmbedding", "COpenBLAS"]
        ),
        // pr-eval: routes against the truth, the Oracle, tables and the plain ridge,
        // history tables, cost-quality curves.
        .target(
            name: "PRouterEvaluation",
            dependencies: ["PRouterModels", "PRouterGraph", "PRouterEmbedding", "PRouterIO", "PRouterAutodiff"]
        ),
        .target(
            name: "PRouterKit",
            dependencies: ["PRouterAutodiff", "PRouterIO", "PRouterSimulation", "PRouterGraph", "PRouterEmbedding", "PRouterModels",
                           "PRouterEvaluation", "CJansson", "CMalloc", "COpenBLAS"]
        ),
        // What the tools share on the command line: the one target that imports
        // ArgumentParser (option groups, option value types, error reporting, help layout).
        .target(
            name: "PRouterCLI",
            dependencies: ["PRouterKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The judge's HTTP client (URLSession), apart so that only pr-sim loads Foundation's
        // networking stack: it costs every other tool about 20 ms of start-up.
        .target(
            name: "PRouterHTTP",
            dependencies: ["PRouterIO", "PRouterSimulation"]
        ),
        // What the test targets share: scratch directories, error messages, small
        // worlds, and running the built tools.
        .target(
            name: "PRouterTestSupport",
            dependencies: ["PRouterIO", "PRouterAutodiff", "PRouterSimulation", "PRouterGraph"],
            path: "Tests/PRouterTestSupport"
        ),
        .testTarget(
            name: "PRouterIOTests",
            dependencies: ["PRouterIO", "PRouterAutodiff", "PRouterTestSupport"]
        ),
        .testTarget(
            name: "PRouterSimulationTests",
            dependencies: ["PRouterSimulation", "PRouterIO", "PRouterAutodiff", "PRouterTestSupport"]
        ),
        .testTarget(
            name: "PRouterEmbeddingTests",
            dependencies: ["PRouterEmbedding", "PRouterGraph", "PRouterIO", "PRouterAutodiff", "PRouterTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PRouterGraphTests",
            dependencies: ["PRouterGraph", "PRouterIO", "PRouterAutodiff", "PRouterTestSupport"]
        ),
        .testTarget(
            name: "PRouterModelsTests",
            dependencies: ["PRouterModels", "PRouterGraph", "PRouterEmbedding", "PRouterIO", "PRouterAutodiff", "PRouterTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PRouterEvaluationTests",
            dependencies: ["PRouterEvaluation", "PRouterModels", "PRouterGraph", "PRouterIO", "PRouterAutodiff", "PRouterTestSupport"]
        ),
        .testTarget(
            name: "PRouterAutodiffTests",
            dependencies: ["PRouterAutodiff"]
        ),
        .testTarget(
            name: "PRouterKitTests",
            dependencies: ["PRouterKit", "PRouterAutodiff", "PRouterIO", "PRouterSimulation", "PRouterGraph", "PRouterEmbedding", "PRouterModels", "PRouterEvaluation", "PRouterTestSupport", "PRouterHTTP", "PRouterCLI",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
    ] + tools.map {
        .executableTarget(
            name: $0,
            dependencies: [
                "PRouterKit", "PRouterCLI",
            ] + ($0 == "pr-sim" ? ["PRouterHTTP"] : []) + [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        )
    }
)

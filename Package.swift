// swift-tools-version:6.0
import PackageDescription

/// The six command-line filters. Each is a thin argument-parsing shell over `PRouterKit`.
let tools = ["pr-sim", "pr-build-graph", "pr-embed", "pr-train", "pr-route", "pr-eval"]

let package = Package(
    name: "prouter",
    products: tools.map { .executable(name: $0, targets: [$0]) } + [
        .library(name: "PRouterKit", targets: ["PRouterKit"]),
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
        .target(
            name: "PRouterKit",
            dependencies: ["CJansson", "CMalloc", "COpenBLAS",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The judge's HTTP client (URLSession), apart so that only pr-sim loads Foundation's
        // networking stack: it costs every other tool about 20 ms of start-up.
        .target(
            name: "PRouterHTTP",
            dependencies: ["PRouterKit"]
        ),
        .testTarget(
            name: "PRouterKitTests",
            dependencies: ["PRouterKit", "PRouterHTTP"],
            exclude: ["Fixtures"]
        ),
    ] + tools.map {
        .executableTarget(
            name: $0,
            dependencies: [
                "PRouterKit",
            ] + ($0 == "pr-sim" ? ["PRouterHTTP"] : []) + [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        )
    }
)

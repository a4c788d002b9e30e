// swift-tools-version:6.0
import PackageDescription

/// ghostchat: a terminal chat client that runs Llama-family GGUF models on the CPU.
///
/// Dependencies point one way:
/// `ghostchat` (app) → `ChatLlama` → `Chat` + `Llama`; `Llama` → `Kernels` / `Tokenizer` / `GGUF`;
/// `Chat` → `Tokenizer` / `GGUF` / `Jinja` (never the engine); `Kernels` → `CGhostKernels`;
/// everything that prints input → `SafeText`.
let package = Package(
    name: "ghostchat",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ghostchat", targets: ["ghostchat"]),
        .library(name: "Llama", targets: ["Llama"]),
        .library(name: "Chat", targets: ["Chat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // How untrusted text is written to a terminal: visible symbols for prose, escapes for
        // data quoted in a message. Every module that prints input uses it.
        .target(name: "SafeText"),
        // GGUF container format: memory-mapped reader, validating parser, writer.
        .target(name: "GGUF", dependencies: ["SafeText"]),
        // SIMD inner loops that Swift cannot express (VNNI, maddubs, per-function targets).
        .target(
            name: "CGhostKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]
        ),
        // Quantized formats, dot products, matmul and the thread pool.
        .target(name: "Kernels", dependencies: ["GGUF", "CGhostKernels"]),
        // A Jinja interpreter for chat templates, byte-identical to Python jinja2 in Hugging
        // Face's environment; tracks which output came from message content.
        .target(name: "Jinja", dependencies: ["SafeText"]),
        // SentencePiece-style tokenizer read from the GGUF vocabulary.
        .target(name: "Tokenizer", dependencies: ["GGUF", "SafeText"]),
        // The Llama model: config, weights, run state, forward pass, sampling.
        .target(name: "Llama", dependencies: ["GGUF", "Kernels", "Tokenizer", "SafeText"]),
        // ncursesw: gc_ wrappers for function-like macros and the terminal-restoring
        // signal/atexit handlers (a C target, so those handlers have one definition).
        .target(
            name: "CNcurses",
            cSettings: [.define("NCURSES_WIDECHAR", to: "1"), .define("_XOPEN_SOURCE_EXTENDED", to: "1")],
            linkerSettings: [.linkedLibrary("ncursesw")]
        ),
        // The one TOML parser (TOMLKit behind a guard for inputs that make toml++ abort).
        .target(name: "TOML", dependencies: ["SafeText", .product(name: "TOMLKit", package: "TOMLKit")]),
        // The full-screen chat: state → update → view into a ScreenBuffer; one ncurses adapter.
        .target(name: "TUI", dependencies: ["CNcurses", "SafeText", "TOML", .product(name: "TOMLKit", package: "TOMLKit")]),
        // A scripted ChatDriver with no model: `ghostchat tui-demo` and the UI tests' double.
        .target(name: "TUIDemo", dependencies: ["TUI"]),
        // The full screen over the session manager: the driver and the command table's mapping.
        .target(name: "ChatTUI", dependencies: ["Chat", "TUI"]),
        // Session manager: chat templates, system presets, the context policy, transcripts.
        // Depends only on the tokenizer and an engine protocol, so it builds and tests
        // without the inference engine.
        .target(
            name: "Chat",
            dependencies: [
                "GGUF", "Tokenizer", "Jinja", "SafeText", "TOML",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.copy("Resources/presets.toml")]
        ),
        // Puts the real `LlamaModel` behind Chat's engine protocol.
        .target(name: "ChatLlama", dependencies: ["Chat", "Llama", "Tokenizer"]),
        .executableTarget(
            name: "ghostchat",
            dependencies: [
                "Llama", "Chat", "ChatLlama", "ChatTUI", "TUI", "TUIDemo", "Tokenizer", "GGUF", "Kernels", "SafeText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The fuzzer of every input family (model files, transcripts, config and presets,
        // themes, chat templates, terminal input): a libFuzzer target when built with
        // `-Xswiftc -DFUZZING --sanitize=fuzzer`, otherwise a replayer (tools/fuzz/README.md).
        .executableTarget(name: "GhostchatFuzz", dependencies: ["GGUF", "Kernels", "Tokenizer", "Llama", "Chat", "Jinja", "TUI"]),
        // Helpers shared by the test targets (deterministic random inputs, scripted models).
        .target(name: "TestSupport", dependencies: ["GGUF"], path: "Tests/TestSupport"),
        .testTarget(name: "SafeTextTests", dependencies: ["SafeText"]),
        .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
        .testTarget(name: "GGUFTests", dependencies: ["TestSupport", "GGUF"]),
        .testTarget(name: "JinjaTests", dependencies: ["TestSupport", "Jinja"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TokenizerTests", dependencies: ["TestSupport", "Tokenizer", "GGUF"], exclude: ["Fixtures"]),
        .testTarget(name: "KernelsTests", dependencies: ["TestSupport", "Kernels", "CGhostKernels", "GGUF"]),
        .testTarget(name: "LlamaTests", dependencies: ["TestSupport", "Llama", "GGUF", "Kernels", "Tokenizer"], exclude: ["Fixtures"]),
        // View golden tests, input and width unit tests, and tmux end-to-end tests of the binary.
        .testTarget(name: "TUITests", dependencies: ["TestSupport", "TUI", "SafeText", "TUIDemo", "ChatTUI", "Chat"]),
        .testTarget(
            name: "ChatTests",
            dependencies: ["TestSupport", "Chat", "ChatLlama", "Llama", "Tokenizer", "GGUF", "SafeText", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v5]
)

// Two builds of one target. With `-Xswiftc -DFUZZING --sanitize=fuzzer` it is a libFuzzer
// binary (libFuzzer supplies `main` and calls the entry point below; GHOSTCHAT_FUZZ_TARGET
// picks the probe). A plain `swift build` gives a replayer with its own `main` instead,
// which runs a probe over files named on the command line (to reproduce a crash without the
// fuzzer) and writes the model seed corpus.
// See tools/fuzz/README.md.

#if FUZZING

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.current.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#else

import Foundation

@main
struct FuzzReplay {
    static let usage = """
        usage: GhostchatFuzz [--target NAME] FILE|DIR...
                   run a probe over files (a crash reproduces); NAME is one of
                   \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")) (default model)
               GhostchatFuzz --make-seeds DIR [FIXTURES]
                   write the seed models cut from the fixtures (default ../shared/fixtures) into DIR
        """

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard !arguments.isEmpty, arguments != ["-h"], arguments != ["--help"] else {
            print(usage)
            exit(arguments.isEmpty ? 2 : 0)
        }
        if arguments.first == "--make-seeds" {
            guard (2...3).contains(arguments.count) else { FileHandle.standardError.write(Data((usage + "\n").utf8)); exit(2) }
            do {
                let written = try SeedCorpus.write(to: arguments[1], fixtures: arguments.count == 3 ? arguments[2] : "../shared/fixtures")
                print("wrote \(written.count) seeds to \(arguments[1])")
            } catch {
                FileHandle.standardError.write(Data("GhostchatFuzz: \(error)\n".utf8))
                exit(1)
            }
            return
        }
        var target = FuzzTarget.model
        if arguments.first == "--target" {
            guard arguments.count >= 3, let named = FuzzTarget(rawValue: arguments[1]) else {
                FileHandle.standardError.write(Data((usage + "\n").utf8))
                exit(2)
            }
            target = named
            arguments.removeFirst(2)
        }
        var paths: [String] = []
        while let path = arguments.first {
            arguments.removeFirst()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("GhostchatFuzz: no such file: \(path)\n".utf8))
                exit(1)
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                paths += names.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                paths.append(path)
            }
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): unreadable")
                continue
            }
            let outcome = data.withUnsafeBytes { target.run($0) }
            print("\(path): \(outcome)")
        }
    }
}

#endif

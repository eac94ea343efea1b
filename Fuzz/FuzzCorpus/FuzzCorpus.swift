import Foundation

/// A fuzzer's corpus, replayed without libFuzzer: each file given, and each file in each folder given,
/// through the fuzzer's check, in name order.
public enum FuzzCorpus {
    public static func replay(_ paths: some Sequence<String>, through check: ([UInt8]) -> Void) throws {
        var count = 0
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw ReplayError(path: path) }
            let files = isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                check([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        print("replayed \(count) inputs")
    }

    public struct ReplayError: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no such file or folder: \(path)" }
    }
}

/// A fuzzer's `main`: built by scripts/fuzz.sh (`FUZZING`, linked with libFuzzer), libFuzzer's driver runs
/// `check` on the inputs it makes; built normally, the files (or folders of files) given are replayed.
public enum FuzzMain {
    public static func run(_ check: @escaping ([UInt8]) -> Void) throws {
        #if FUZZING
        target = check
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzMain.target?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
        #else
        try FuzzCorpus.replay(CommandLine.arguments.dropFirst(), through: check)
        #endif
    }

    /// What the driver's C callback (which captures nothing) calls; set once, before the driver starts.
    nonisolated(unsafe) static var target: (([UInt8]) -> Void)?
}

#if FUZZING
/// libFuzzer's driver, for a program with its own `main` (libclang_rt.fuzzer_no_main).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

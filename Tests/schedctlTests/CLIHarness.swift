import Dispatch
import Foundation
import TestSupport
import Testing

/// Runs the built `schedctl` binary (it sits next to this test bundle) and captures its output.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: URL = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("schedctl")

    static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil, binary: URL = binary
    ) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try ProcessGate.run(p)
        // Read both pipes before waiting so a large output cannot fill a pipe and block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// `run` on a Dispatch thread: waiting for a child process must not block the cooperative pool
    /// that other suites' in-process servers need.
    static func runAsync(
        _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil, binary: URL = binary
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                c.resume(with: Swift.Result { try run(arguments, environment: environment, directory: directory, binary: binary) })
            }
        }
    }

    /// Runs and decodes stdout as a JSON object.
    static func json(_ arguments: [String]) async throws -> [String: Any] {
        let r = try await runAsync(arguments)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(r.stdout)")
    }
}

/// The shared reference vectors (a copy of ../shared/vectors/recurrence-public.json).
struct Vector: @unchecked Sendable, CustomTestStringConvertible {
    // The dictionary comes from JSONSerialization and is only read.
    var fields: [String: Any]

    subscript(_ key: String) -> String? { fields[key] as? String }
    var count: Int { fields["count"] as? Int ?? 0 }
    var expect: Any? { fields["expect"] }

    var testDescription: String {
        ["kind", "tz", "rule", "expr", "start", "at", "local", "after"].compactMap { self[$0] }.joined(separator: " ")
    }

    static let all: [Vector] = {
        let url = Bundle.module.url(forResource: "Fixtures/recurrence-public", withExtension: "json")!
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { Vector(fields: $0) }
    }()

    static func cases(_ kind: String) -> [Vector] { all.filter { $0["kind"] == kind } }
}

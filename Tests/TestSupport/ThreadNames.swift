import Foundation

/// The names of this process's threads as the kernel has them (`/proc/self/task/*/comm`, what
/// `ps -L`, `top -H` and perf show).
public func threadNamesOfThisProcess() -> Set<String> {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return Set(
        tasks.compactMap { tid in
            (try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .newlines)
        })
}

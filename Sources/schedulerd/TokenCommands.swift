import ArgumentParser
import Foundation
import SchedulerServer
import SchedulingCore

/// `schedulerd token create|list|revoke`: manage bearer tokens (only hashes are stored).
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke bearer tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Location: ParsableArguments {
        @Option(help: "Token file (env SCHEDULER_TOKENS; default: ./.scheduler/tokens.json, the dev mode's).")
        var tokens: String?

        var path: String { setting(tokens, "SCHEDULER_TOKENS", default: DevEnvironment().tokensPath)! }

        func store() -> TokenStore {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            return TokenStore(path: path)
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it once; only its hash is kept.")

        @Option(name: .customLong("project"), help: "A project the token may act on (repeat for more).")
        var projects: [String] = []
        @Flag(help: "The token may act on every project.") var admin = false
        @Option(help: "A note shown by `token list`.") var note: String?
        @Option(help: "Lifetime: a number with s, m, h, d or w (30d, 12h); default: never expires.")
        var expires: String?
        @OptionGroup var location: Location

        func validate() throws {
            if projects.isEmpty && !admin { throw ValidationError("--project: at least one, or --admin") }
            if let e = expires { _ = try Self.lifetimeSeconds(e) }
        }

        /// "30d" → 2,592,000. Units s, m, h, d, w; 1 second to 10 years.
        static func lifetimeSeconds(_ text: String) throws -> Int64 {
            let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
            guard let unit = text.last.flatMap({ units[$0] }), let n = Int64(text.dropLast()), n > 0,
                n <= TokenStore.maxLifetimeSeconds / unit
            else {
                throw ValidationError("--expires: \"\(text)\": expected a positive number with s, m, h, d or w (30d), at most 10 years")
            }
            return n * unit
        }

        func run() throws {
            do {
                let lifetime = try expires.map(Self.lifetimeSeconds)
                let (token, record) = try location.store().create(
                    projects: projects, admin: admin, note: note, expiresInSeconds: lifetime)
                print(token)
                let until = record.expiresAt.map { ", expires \($0)" } ?? ""
                FileHandle.standardError.write(
                    Data("created \(record.id) (\(admin ? "admin" : record.projects.joined(separator: ", "))\(until)); it is not shown again\n".utf8))
            } catch {
                fail("\(error)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids, projects, state; never secrets).")
        @OptionGroup var location: Location
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let records: [TokenStore.Record]
            do { records = try location.store().list() } catch { fail("\(error)") }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(records.map { r -> [String: String] in
                    ["id": r.id, "projects": r.projects.joined(separator: ","), "admin": String(r.admin),
                     "createdAt": r.createdAt, "revokedAt": r.revokedAt ?? "", "expiresAt": r.expiresAt ?? "", "note": r.note ?? ""]
                }), as: UTF8.self))
                return
            }
            if records.isEmpty { print("no tokens") }
            for r in records {
                let scope = r.admin ? "admin" : r.projects.joined(separator: ",")
                let now = Instant(unixMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
                let state =
                    r.revokedAt.map { "revoked \($0)" }
                    ?? (r.isExpired(at: now) ? "expired \(r.expiresAt ?? "")" : r.expiresAt.map { "active until \($0)" } ?? "active")
                print("\(r.id)  \(scope)  created \(r.createdAt)  \(state)\(r.note.map { "  \($0)" } ?? "")")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id (tok_…); running servers stop accepting it within a second.")
        @Argument(help: "Token id, e.g. tok_1a2b3c4d5e6f.") var id: String
        @OptionGroup var location: Location

        func run() throws {
            do {
                guard try location.store().revoke(id: id) else { fail("no token with id \(id)") }
                print("revoked \(id)")
            } catch {
                fail("\(error)")
            }
        }
    }
}

/// `schedulerd healthcheck --url URL`: a plain-HTTP GET for container health checks (no curl in the image).
struct HealthCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck", abstract: "Exit 0 when the HTTP health endpoint answers 200.")

    @Option(help: "e.g. http://127.0.0.1:8080/readyz") var url: String

    func run() throws {
        guard let u = URL(string: url), u.scheme == "http", let host = u.host else { fail("--url: expected http://HOST:PORT/PATH", code: 2) }
        let port = u.port ?? 80
        let path = u.path.isEmpty ? "/" : u.path
        let fd = socket(host.contains(":") ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { fail("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let connected: Bool
        if host.contains(":") {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), &a.sin6_addr)
            connected = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } } == 0
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &a.sin_addr)
            connected = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
        }
        guard connected else { fail("connect \(host):\(port): \(String(cString: strerror(errno)))") }
        let request = "GET \(path) HTTP/1.0\r\nHost: \(host)\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(fd, &buffer, buffer.count)
        let head = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
        guard head.hasPrefix("HTTP/1.") && head.split(separator: " ").dropFirst().first == "200" else {
            fail("unhealthy: \(head.split(separator: "\r\n").first ?? "no answer")")
        }
        print("ok")
    }
}

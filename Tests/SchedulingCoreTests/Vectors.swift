import Foundation
import Testing

/// One case of `Fixtures/recurrence-public.json` (copied from ../shared/vectors).
struct VectorCase: Decodable, Sendable, CustomTestStringConvertible {
    var kind: String
    var tz: String?
    var rule: String?
    var expr: String?
    var start: String?
    var after: String?
    var count: Int?
    var at: String?
    var local: String?
    var expect: Expectation

    enum Expectation: Decodable, Sendable {
        case instants([String])
        case object([String: JSONValue])

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let list = try? c.decode([String].self) {
                self = .instants(list)
            } else {
                self = .object(try c.decode([String: JSONValue].self))
            }
        }
    }

    var testDescription: String {
        [kind, tz, rule, expr, start, at, local, after].compactMap { $0 }.joined(separator: " ")
    }
}

enum JSONValue: Decodable, Sendable, Equatable {
    case string(String), int(Int), bool(Bool), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else {
            self = .string(try c.decode(String.self))
        }
    }
}

enum Vectors {
    static let all: [VectorCase] = {
        struct File: Decodable { var cases: [VectorCase] }
        let url = Bundle.module.url(forResource: "Fixtures/recurrence-public", withExtension: "json")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()

    static func cases(_ kind: String) -> [VectorCase] { all.filter { $0.kind == kind } }
}

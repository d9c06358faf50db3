/// The presence wrappers of types.proto (Int32Value, Int64Value, DoubleValue, StringValue,
/// StringList) map to Swift optionals: a set message is a value, an absent one is nil.
extension ProtoReader {
    private func wrapped(_ name: String) -> ProtoReader? {
        guard case .message(let t)? = first(name) else { return nil }
        return ProtoReader(tree: t, path: fieldPath(name))
    }

    func wrappedInt32(_ name: String) -> Int32? { wrapped(name)?.int32("value") }
    func wrappedInt64(_ name: String) -> Int64? { wrapped(name)?.int64("value") }
    func wrappedDouble(_ name: String) -> Double? { wrapped(name)?.double("value") }
    func wrappedString(_ name: String) -> String? { wrapped(name)?.string("value") }
    func stringList(_ name: String, max: Int) throws(RPCError) -> [String]? {
        try wrapped(name)?.strings("values", max: max)
    }
}

extension ProtoWriter {
    private mutating func wrap(_ name: String, _ key: String, _ value: ProtoValue?) {
        guard let value else { return }
        tree.fields[name] = [.message(ProtoTree(fields: [key: [value]]))]
    }

    mutating func set(_ name: String, wrapped v: Int32?) { wrap(name, "value", v.map { .int(Int64($0)) }) }
    mutating func set(_ name: String, wrapped v: Int64?) { wrap(name, "value", v.map { .int($0) }) }
    mutating func set(_ name: String, wrapped v: Double?) { wrap(name, "value", v.map { .double($0) }) }
    mutating func set(_ name: String, wrapped v: String?) { wrap(name, "value", v.map { .string($0) }) }
    mutating func set(_ name: String, stringList v: [String]?) {
        guard let v else { return }
        tree.fields[name] = [.message(ProtoTree(fields: v.isEmpty ? [:] : ["values": v.map { .string($0) }]))]
    }
}

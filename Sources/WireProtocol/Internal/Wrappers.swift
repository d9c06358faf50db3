/// The presence wrappers of types.proto (Int32Value, Int64Value, DoubleValue, StringValue,
/// StringList) map to Swift optionals: a set message is a value, an absent one is nil.
extension ProtoReader {
    func wrappedInt32(_ name: String) -> Int32? { subReader(name)?.int32("value") }
    func wrappedInt64(_ name: String) -> Int64? { subReader(name)?.int64("value") }
    func wrappedDouble(_ name: String) -> Double? { subReader(name)?.double("value") }
    func wrappedString(_ name: String) -> String? { subReader(name)?.string("value") }
    func stringList(_ name: String, max: Int) throws(RPCError) -> [String]? {
        try subReader(name)?.strings("values", max: max)
    }
}

extension ProtoWriter {
    private mutating func wrap(_ name: String, _ key: String, _ value: ProtoValue?) {
        guard let value else { return }
        storeMessage(name) { $0.store(key, value) }
    }

    mutating func set(_ name: String, wrapped v: Int32?) { wrap(name, "value", v.map { .int(Int64($0)) }) }
    mutating func set(_ name: String, wrapped v: Int64?) { wrap(name, "value", v.map { .int($0) }) }
    mutating func set(_ name: String, wrapped v: Double?) { wrap(name, "value", v.map { .double($0) }) }
    mutating func set(_ name: String, wrapped v: String?) { wrap(name, "value", v.map { .string($0) }) }
    mutating func set(_ name: String, stringList v: [String]?) {
        guard let v else { return }
        storeMessage(name) { $0.set("values", strings: v) }
    }
}

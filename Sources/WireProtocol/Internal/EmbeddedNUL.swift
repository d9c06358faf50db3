// Strings with an embedded U+0000, found on the wire.
//
// protobuf-c unpacks a string field into a NUL-terminated C string and keeps no length, so
// "QQ\u{0}Q" reads back as "QQ" and a project id "A\u{0}B" as "A": the value would be silently
// cut. U+0000 is valid UTF-8, so the UTF-8 check on the unpacked struct cannot see it either.
// This walks the encoded bytes (after protobuf-c has accepted them, so they are well formed)
// with the same generated descriptors and names the first string field that holds a 0 byte.
internal import CProtobufC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum EmbeddedNUL {
    /// The path of the first string field (in wire order, depth first) of `bytes`, a message of
    /// type `desc`, whose value contains a 0 byte; nil when there is none.
    ///
    /// A message with no 0 byte at all (the usual request) is cleared by one `memchr`.
    static func firstString(
        in bytes: UnsafeRawBufferPointer, _ desc: ProtoBridge.Descriptor, path: FieldPath
    ) -> FieldPath? {
        guard let base = bytes.baseAddress, bytes.count > 0, memchr(base, 0, bytes.count) != nil else { return nil }
        var reader = WireReader(bytes)
        // Elements seen so far of each repeated field, for the index in the path.
        var seen: [UInt32: Int] = [:]
        while let (number, wireType) = reader.tag() {
            guard wireType == 2 else {
                guard reader.skip(wireType) else { return nil }
                continue
            }
            guard let value = reader.lengthDelimited() else { return nil }
            guard let field = protobuf_c_message_descriptor_get_field(desc, number) else { continue }
            let f = field.pointee
            let name = ProtoBridge.fieldName(f)
            let here: FieldPath
            if f.label == PROTOBUF_C_LABEL_REPEATED {
                let index = seen[number, default: 0]
                seen[number] = index + 1
                here = .element(path, name, index)
            } else {
                here = .field(path, name)
            }
            switch f.type {
            case PROTOBUF_C_TYPE_STRING:
                if let start = value.baseAddress, value.count > 0, memchr(start, 0, value.count) != nil { return here }
            case PROTOBUF_C_TYPE_MESSAGE:
                guard let sub = f.descriptor else { continue }
                let subDesc = sub.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                if let bad = firstString(in: value, subDesc, path: here) { return bad }
            default:
                // Bytes, and packed repeated scalars: a 0 byte there is an ordinary value.
                continue
            }
        }
        return nil
    }
}

/// A forward-only reader of protobuf wire format: tags, varints and length-delimited values.
/// Every read is bounds-checked; nil means the bytes ended early or were malformed.
private struct WireReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let b = bytes[offset]
            offset += 1
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// The next field's number and wire type; nil at the end.
    mutating func tag() -> (UInt32, UInt8)? {
        guard offset < bytes.count, let key = varint(), key >> 3 <= UInt64(UInt32.max) else { return nil }
        return (UInt32(key >> 3), UInt8(key & 7))
    }

    mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
        guard let n = varint(), n <= UInt64(bytes.count - offset) else { return nil }
        let start = offset
        offset += Int(n)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
    }

    /// Skips a value that is not length-delimited; false for a wire type we do not expect
    /// (groups, which proto3 does not use).
    mutating func skip(_ wireType: UInt8) -> Bool {
        switch wireType {
        case 0: return varint() != nil
        case 1: guard bytes.count - offset >= 8 else { return false }; offset += 8; return true
        case 5: guard bytes.count - offset >= 4 else { return false }; offset += 4; return true
        default: return false
        }
    }
}

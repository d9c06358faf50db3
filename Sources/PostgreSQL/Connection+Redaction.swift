internal import CPostgreSQL

extension Connection {
    /// `connectionString` with every secret option's value replaced by `***`, in keyword/value
    /// form: `host=127.0.0.1 port=5432 dbname=db user=app password=***`.
    ///
    /// libpq itself parses the string (`PQconninfoParse`, URLs and keyword/value strings alike)
    /// and marks its secret options (`password`, `sslpassword`…) with the display character `*`;
    /// those are the ones hidden. A string libpq cannot parse is not echoed at all, since it
    /// might be a password pasted in the wrong place.
    public static func redact(_ connectionString: String) -> String {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return "<unparsable connection string>"
        }
        defer { PQconninfoFree(options) }
        var parts: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let secret = option.pointee.dispchar.map { $0.pointee == CChar(UInt8(ascii: "*")) } ?? false
                parts.append("\(String(cString: keyword))=\(secret ? "***" : quoted(String(cString: value)))")
            }
            option += 1
        }
        return parts.joined(separator: " ")
    }

    /// A keyword/value string value, quoted when it holds spaces, quotes or backslashes.
    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) else { return value }
        var out = "'"
        for c in value {
            if c == "'" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "'"
    }
}

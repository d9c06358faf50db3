internal import COpenSSL

/// Who the peer is, read from its verified certificate: for authorization and logs.
public struct PeerIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The subject in RFC 2253 form, e.g. `CN=worker-1,O=Example`.
    public var subject: String
    /// URI subject alternative names, e.g. `spiffe://example.org/ns/prod/sa/publisher`.
    public var uris: [String]
    /// DNS subject alternative names.
    public var dnsNames: [String]

    public init(subject: String, uris: [String] = [], dnsNames: [String] = []) {
        self.subject = subject
        self.uris = uris
        self.dnsNames = dnsNames
    }

    public var description: String { uris.first ?? subject }

    init(certificate cert: OpaquePointer) {
        subject = ""
        uris = []
        dnsNames = []
        if let name = X509_get_subject_name(cert), let bio = BIO_new(BIO_s_mem()) {
            defer { BIO_free(bio) }
            if X509_NAME_print_ex(bio, name, 0, copenssl_xn_flag_rfc2253()) >= 0 {
                let n = Int(copenssl_bio_pending(bio))
                var buf = [UInt8](repeating: 0, count: n)
                let r = buf.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(n)) }
                subject = String(decoding: buf.prefix(max(0, Int(r))), as: UTF8.self)
            }
        }
        guard let raw = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) else { return }
        let names = OpaquePointer(raw)
        defer { copenssl_sk_general_name_pop_free(names) }
        for i in 0..<copenssl_sk_general_name_num(names) {
            guard let gn = copenssl_sk_general_name_value(names, i) else { continue }
            let type = gn.pointee.type
            guard type == GEN_URI || type == GEN_DNS, let s = gn.pointee.d.ia5 else { continue }
            let text = String(
                decoding: UnsafeBufferPointer(start: ASN1_STRING_get0_data(s), count: Int(ASN1_STRING_length(s))),
                as: UTF8.self)
            if type == GEN_URI { uris.append(text) } else { dnsNames.append(text) }
        }
    }
}

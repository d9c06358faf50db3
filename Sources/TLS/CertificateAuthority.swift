internal import COpenSSL

/// A PEM certificate and its private key.
public struct CertificateAndKey: Sendable, Hashable {
    public var certificatePEM: String
    public var privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}

/// A small certificate authority built on libcrypto: ECDSA P-256 keys, SHA-256 signatures.
///
/// Used by the server's dev mode (a throwaway CA, a server certificate for localhost and a client
/// certificate) and by tests, which make their certificates at run time. Production
/// certificates come from `certs/` (the openssl CLI) or the organisation's own CA.
public struct CertificateAuthority: Sendable {
    /// The CA's certificate and key.
    public let root: CertificateAndKey

    /// Creates a new self-signed CA valid for `days`.
    public static func create(commonName: String, days: Int = 3650) throws(TLSError) -> CertificateAuthority {
        let key = try newKey()
        defer { EVP_PKEY_free(key) }
        guard let cert = X509_new() else { throw TLSError.drain("create certificate") }
        defer { X509_free(cert) }
        try fill(cert, commonName: commonName, publicKey: key, days: days)
        try check(X509_set_issuer_name(cert, X509_get_subject_name(cert)), "set issuer")
        try addExtensions(
            cert, issuer: cert,
            [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
                (NID_subject_key_identifier, "hash"),
            ])
        guard X509_sign(cert, key, EVP_sha256()) > 0 else { throw TLSError.drain("sign CA certificate") }
        return CertificateAuthority(root: CertificateAndKey(certificatePEM: try pemCertificate(cert), privateKeyPEM: try pemKey(key)))
    }

    /// Loads an existing CA from PEM text.
    public init(root: CertificateAndKey) {
        self.root = root
    }

    /// What a certificate is for.
    public enum Usage: Sendable { case server, client }

    /// Issues a leaf certificate signed by this CA.
    ///
    /// - Parameters:
    ///   - dnsNames, ipAddresses, uris: subject alternative names (e.g. `localhost`, `127.0.0.1`,
    ///     `::1`, `spiffe://example.org/worker`).
    public func issue(
        commonName: String, usage: Usage, dnsNames: [String] = [], ipAddresses: [String] = [], uris: [String] = [],
        days: Int = 825
    ) throws(TLSError) -> CertificateAndKey {
        let caCert = try Self.readCertificate(root.certificatePEM)
        defer { X509_free(caCert) }
        let caKey = try Self.readKey(root.privateKeyPEM)
        defer { EVP_PKEY_free(caKey) }
        let key = try Self.newKey()
        defer { EVP_PKEY_free(key) }
        guard let cert = X509_new() else { throw TLSError.drain("create certificate") }
        defer { X509_free(cert) }
        try Self.fill(cert, commonName: commonName, publicKey: key, days: days)
        try check(X509_set_issuer_name(cert, X509_get_subject_name(caCert)), "set issuer")
        var sans = dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" } + uris.map { "URI:\($0)" }
        if sans.isEmpty && usage == .server { sans = ["DNS:\(commonName)"] }
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature,keyAgreement"),
            (NID_ext_key_usage, usage == .server ? "serverAuth" : "clientAuth"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        if !sans.isEmpty { extensions.append((NID_subject_alt_name, sans.joined(separator: ","))) }
        try Self.addExtensions(cert, issuer: caCert, extensions)
        guard X509_sign(cert, caKey, EVP_sha256()) > 0 else { throw TLSError.drain("sign certificate") }
        return CertificateAndKey(certificatePEM: try Self.pemCertificate(cert), privateKeyPEM: try Self.pemKey(key))
    }

    // MARK: libcrypto plumbing

    private static func newKey() throws(TLSError) -> OpaquePointer {
        TLSError.clearQueue()
        guard let key = copenssl_ec_gen("P-256") else { throw TLSError.drain("generate P-256 key") }
        return key
    }

    private static func fill(_ cert: OpaquePointer, commonName: String, publicKey: OpaquePointer, days: Int) throws(TLSError) {
        try check(X509_set_version(cert, 2), "set version")
        var serial = Crypto.randomBytes(16)
        serial[0] &= 0x7F  // positive
        guard let bn = BN_bin2bn(serial, Int32(serial.count), nil) else { throw TLSError.drain("serial") }
        defer { BN_free(bn) }
        guard BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nil else { throw TLSError.drain("serial") }
        guard X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(cert), days * 86_400) != nil
        else { throw TLSError.drain("set validity") }
        try check(X509_set_pubkey(cert, publicKey), "set public key")
        let name = X509_get_subject_name(cert)
        try check(
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0), "set common name")
    }

    private static func addExtensions(_ cert: OpaquePointer, issuer: OpaquePointer, _ list: [(Int32, String)]) throws(TLSError) {
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer, cert, nil, nil, 0)
        for (nid, value) in list {
            guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
                throw TLSError.drain("certificate extension \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            try check(X509_add_ext(cert, ext, -1), "add extension \(value)")
        }
    }

    private static func pemCertificate(_ cert: OpaquePointer) throws(TLSError) -> String {
        try withMemoryBIO { bio throws(TLSError) in try check(PEM_write_bio_X509(bio, cert), "write certificate PEM") }
    }

    private static func pemKey(_ key: OpaquePointer) throws(TLSError) -> String {
        try withMemoryBIO { bio throws(TLSError) in
            try check(PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil), "write key PEM")
        }
    }

    private static func withMemoryBIO(_ body: (OpaquePointer) throws(TLSError) -> Void) throws(TLSError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.drain("create BIO") }
        defer { BIO_free(bio) }
        try body(bio)
        let n = Int(copenssl_bio_pending(bio))
        var buf = [UInt8](repeating: 0, count: n)
        let r = buf.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(n)) }
        return String(decoding: buf.prefix(max(0, Int(r))), as: UTF8.self)
    }

    static func readCertificate(_ pem: String) throws(TLSError) -> OpaquePointer {
        let bytes = Array(pem.utf8)
        guard let bio = BIO_new_mem_buf(bytes, Int32(bytes.count)) else { throw TLSError.drain("read PEM") }
        defer { BIO_free(bio) }
        guard let cert = PEM_read_bio_X509(bio, nil, nil, nil) else { throw TLSError.drain("read certificate PEM") }
        return cert
    }

    static func readKey(_ pem: String) throws(TLSError) -> OpaquePointer {
        let bytes = Array(pem.utf8)
        guard let bio = BIO_new_mem_buf(bytes, Int32(bytes.count)) else { throw TLSError.drain("read PEM") }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw TLSError.drain("read key PEM") }
        return key
    }
}

/// Hashing and randomness from libcrypto, for tokens and ids.
public enum Crypto {
    /// The SHA-256 implementation, fetched from the default provider once. `EVP_sha256()` makes
    /// every `EVP_Digest` call look it up again (OpenSSL 3's implicit fetch), on the token check
    /// of every RPC call.
    ///
    /// `@unchecked Sendable`: a fetched `EVP_MD` is immutable and may be shared between threads.
    private struct Digest: @unchecked Sendable {
        let md: OpaquePointer
    }

    private static let sha256Digest: Digest = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { preconditionFailure("OpenSSL has no SHA256") }
        return Digest(md: md)
    }()

    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { sha256($0) }
    }

    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, sha256Digest.md, nil)
        precondition(ok == 1 && length == 32, "EVP_Digest(SHA-256) cannot fail on valid input")
        return digest
    }

    /// Lowercase hex SHA-256 of a string's UTF-8 bytes.
    public static func sha256Hex(_ text: String) -> String {
        var text = text
        return hex(text.withUTF8 { sha256(UnsafeRawBufferPointer($0)) })
    }

    /// Lowercase hex of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` cryptographically secure random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(ok == 1, "RAND_bytes failed: the system has no entropy source")
        return out
    }
}

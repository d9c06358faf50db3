internal import COpenSSL

/// An OpenSSL `SSL_CTX` built from a ``TLSConfiguration``: certificates, trust, versions,
/// suites and ALPN. Immutable once built, so it is shared by every session created from it;
/// a certificate reload builds a new context and new sessions use that one, while open sessions
/// keep the context they started with.
public final class TLSContext: @unchecked Sendable {
    // @unchecked Sendable: the SSL_CTX is fully configured in init and never mutated afterwards;
    // OpenSSL documents SSL_new on a shared, unmodified SSL_CTX as thread-safe.
    let pointer: OpaquePointer
    public let configuration: TLSConfiguration
    /// The ALPN list in wire format (length-prefixed ids), kept alive for the select callback.
    private let alpnWire: ALPNBox

    public init(configuration: TLSConfiguration) throws(TLSError) {
        self.configuration = configuration
        TLSError.clearQueue()
        let method = configuration.role == .server ? TLS_server_method() : TLS_client_method()
        guard let ctx = SSL_CTX_new(method) else { throw TLSError.drain("create SSL_CTX") }
        self.pointer = ctx
        var wire: [UInt8] = []
        for p in configuration.alpnProtocols {
            let bytes = Array(p.utf8)
            precondition(!bytes.isEmpty && bytes.count < 256, "ALPN ids are 1…255 bytes")
            wire.append(UInt8(bytes.count))
            wire += bytes
        }
        self.alpnWire = ALPNBox(wire: wire, required: configuration.requireALPN)

        let minVersion = configuration.minimumVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        try check(copenssl_ctx_set_min_proto_version(ctx, minVersion), "set minimum TLS version")
        if let max = configuration.maximumVersion {
            let v = max == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
            try check(copenssl_ctx_set_max_proto_version(ctx, v), "set maximum TLS version")
        }
        let options = copenssl_op_no_compression() | copenssl_op_no_renegotiation()
            | copenssl_op_cipher_server_preference() | copenssl_op_no_ticket()
        SSL_CTX_set_options(ctx, options)
        try check(SSL_CTX_set_cipher_list(ctx, TLSConfiguration.tls12CipherList), "set TLS 1.2 cipher list")
        try check(copenssl_ctx_set1_groups_list(ctx, "X25519:P-256:P-384"), "set key exchange groups")
        // Not SSL_MODE_RELEASE_BUFFERS: it frees and reallocates the ~34 KiB of record buffers
        // for every record. A quiet connection releases them instead (TLSSession.releaseBuffers).
        _ = copenssl_ctx_set_mode(ctx, Int(SSL_MODE_ENABLE_PARTIAL_WRITE))

        if let chain = configuration.certificateChainFile {
            try check(SSL_CTX_use_certificate_chain_file(ctx, chain), "load certificate chain \(chain)")
        }
        if let key = configuration.privateKeyFile {
            try check(SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM), "load private key")
            try check(SSL_CTX_check_private_key(ctx), "private key does not match the certificate")
        }
        if configuration.role == .server, configuration.certificateChainFile == nil {
            SSL_CTX_free(ctx)
            throw TLSError(operation: "a TLS server needs a certificate chain and a private key", reasons: [])
        }
        if let roots = configuration.trustRootsFile {
            try check(SSL_CTX_load_verify_locations(ctx, roots, nil), "load trust roots \(roots)")
            if configuration.role == .server {
                guard let names = SSL_load_client_CA_file(roots) else { throw TLSError.drain("read client CA names") }
                SSL_CTX_set_client_CA_list(ctx, names)
                switch configuration.clientCertificates {
                case .required: SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
                case .requested: SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, continueAfterVerificationFailure)
                }
            } else {
                SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
            }
        } else if configuration.role == .client {
            try check(SSL_CTX_set_default_verify_paths(ctx), "load system trust roots")
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        }

        if configuration.role == .server {
            _ = copenssl_ctx_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
            if !wire.isEmpty {
                SSL_CTX_set_alpn_select_cb(ctx, alpnSelect, Unmanaged.passUnretained(alpnWire).toOpaque())
                if configuration.requireALPN { SSL_CTX_set_client_hello_cb(ctx, requireALPNOffer, nil) }
            }
        } else if !wire.isEmpty {
            // Note the inverted convention: SSL_CTX_set_alpn_protos returns 0 on success.
            let r = wire.withUnsafeBufferPointer { SSL_CTX_set_alpn_protos(ctx, $0.baseAddress, UInt32($0.count)) }
            if r != 0 { throw TLSError.drain("set ALPN protocols") }
        }
    }

    deinit {
        SSL_CTX_free(pointer)
    }
}

/// Keeps the server's ALPN list alive for the C callback, which receives it through `arg`.
final class ALPNBox: Sendable {
    let wire: [UInt8]
    let required: Bool

    init(wire: [UInt8], required: Bool) {
        self.wire = wire
        self.required = required
    }
}

/// ALPN selection: the first of our protocols the client also offers; no overlap is a fatal
/// alert (`no_application_protocol`), so a client speaking another protocol is refused.
private func alpnSelect(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ outlen: UnsafeMutablePointer<UInt8>?,
    _ input: UnsafePointer<UInt8>?, _ inlen: UInt32, _ arg: UnsafeMutableRawPointer?
) -> Int32 {
    guard let arg, let input, let out, let outlen else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    let box = Unmanaged<ALPNBox>.fromOpaque(arg).takeUnretainedValue()
    return box.wire.withUnsafeBufferPointer { ours -> Int32 in
        var selected: UnsafeMutablePointer<UInt8>? = nil
        var selectedLength: UInt8 = 0
        let r = SSL_select_next_proto(&selected, &selectedLength, ours.baseAddress, UInt32(ours.count), input, inlen)
        guard r == OPENSSL_NPN_NEGOTIATED, let selected else { return SSL_TLSEXT_ERR_ALERT_FATAL }
        // `selected` points into `ours`, which the context keeps alive for its lifetime.
        out.pointee = UnsafePointer(selected)
        outlen.pointee = selectedLength
        return SSL_TLSEXT_ERR_OK
    }
}

/// The verify callback of ``TLSConfiguration/ClientCertificates/requested``: lets the handshake go
/// on whatever the chain's verification found. OpenSSL still records the first failure as the
/// session's verify result (X509_verify_cert keeps the error an overriding callback let pass), and
/// ``TLSSession/peerIdentity`` reads an identity only when that result is X509_V_OK.
private func continueAfterVerificationFailure(_ preverifyOK: Int32, _ store: OpaquePointer?) -> Int32 {
    1
}

/// Refuses a ClientHello without the ALPN extension with a fatal `no_application_protocol` alert,
/// so the client's handshake fails. The select callback above cannot: OpenSSL calls it only when
/// the client sends the extension, and a client offering none used to complete its handshake and
/// then see a bare EOF.
private func requireALPNOffer(
    _ ssl: OpaquePointer?, _ alert: UnsafeMutablePointer<Int32>?, _ arg: UnsafeMutableRawPointer?
) -> Int32 {
    var data: UnsafePointer<UInt8>? = nil
    var length = 0
    let type = UInt32(TLSEXT_TYPE_application_layer_protocol_negotiation)
    if SSL_client_hello_get0_ext(ssl, type, &data, &length) == 1 { return SSL_CLIENT_HELLO_SUCCESS }
    alert?.pointee = SSL_AD_NO_APPLICATION_PROTOCOL
    return SSL_CLIENT_HELLO_ERROR
}

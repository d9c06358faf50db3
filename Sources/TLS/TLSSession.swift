internal import COpenSSL

/// One TLS connection driven over memory buffers (sans I/O).
///
/// The owner moves bytes: ciphertext from the socket goes in with ``receive(ciphertext:)``,
/// ``readPlaintext()`` advances the handshake and returns decrypted bytes, ``write(plaintext:)``
/// encrypts, and ``takeCiphertext()`` returns what must be sent to the peer. No socket is
/// touched, so two sessions can be tested back to back in memory.
///
/// Not thread-safe: confine a session to one thread (its connection's event loop).
public final class TLSSession {
    private let ssl: OpaquePointer
    /// Network → OpenSSL.
    private let readBIO: OpaquePointer
    /// OpenSSL → network.
    private let writeBIO: OpaquePointer
    public let context: TLSContext
    public private(set) var state: State = .handshaking

    public enum State: Sendable, Hashable {
        case handshaking
        case established
        /// The peer sent close_notify, or ``close()`` was called.
        case closed
    }

    public init(context: TLSContext) throws(TLSError) {
        TLSError.clearQueue()
        guard let ssl = SSL_new(context.pointer) else { throw TLSError.drain("create SSL") }
        guard let r = BIO_new(BIO_s_mem()), let w = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError.drain("create memory BIOs")
        }
        // An empty read BIO means "want more", not end of file.
        _ = copenssl_bio_set_mem_eof_return(r, -1)
        _ = copenssl_bio_set_mem_eof_return(w, -1)
        SSL_set_bio(ssl, r, w)  // the SSL now owns both BIOs
        self.ssl = ssl
        self.readBIO = r
        self.writeBIO = w
        self.context = context
        if context.configuration.role == .server {
            SSL_set_accept_state(ssl)
        } else {
            if let name = context.configuration.serverName {
                if !name.contains(":"), !name.allSatisfy({ $0.isNumber || $0 == "." }) {
                    _ = copenssl_set_tlsext_host_name(ssl, name)
                }
                // Verify the certificate's DNS or IP SAN against the name.
                if name.contains(":") || name.allSatisfy({ $0.isNumber || $0 == "." }) {
                    guard let param = SSL_get0_param(ssl), X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1 else {
                        SSL_free(ssl)
                        throw TLSError.drain("set expected server IP \(name)")
                    }
                } else if SSL_set1_host(ssl, name) != 1 {
                    SSL_free(ssl)
                    throw TLSError.drain("set expected server name \(name)")
                }
            }
            SSL_set_connect_state(ssl)
        }
    }

    deinit {
        SSL_free(ssl)
    }

    /// Feeds bytes received from the peer.
    public func receive(ciphertext: UnsafeRawBufferPointer) {
        guard let base = ciphertext.baseAddress, !ciphertext.isEmpty else { return }
        var offset = 0
        while offset < ciphertext.count {
            let n = BIO_write(readBIO, base + offset, Int32(min(ciphertext.count - offset, Int(Int32.max))))
            if n <= 0 { break }  // memory BIOs only fail on allocation failure
            offset += Int(n)
        }
    }

    /// Feeds bytes received from the peer.
    public func receive(ciphertext: [UInt8]) {
        ciphertext.withUnsafeBytes { receive(ciphertext: $0) }
    }

    /// Advances the handshake and returns any application bytes now readable.
    ///
    /// - Throws: ``TLSError`` when the handshake fails (bad certificate, no common protocol or
    ///   ALPN id, a protocol error) or the record layer rejects data. The connection is unusable then.
    public func readPlaintext() throws(TLSError) -> [UInt8] {
        var scratch = [UInt8](repeating: 0, count: 16_384)
        let result = scratch.withUnsafeMutableBytes { buffer in
            Result { () throws(TLSError) in try readPlaintext(scratch: buffer) }
        }
        return try result.get()
    }

    /// ``readPlaintext()`` decrypting through `scratch`, a buffer the caller reuses (an event
    /// loop keeps one for all its connections), so only the returned bytes are allocated.
    /// Any non-empty size works; 16 KiB holds a whole TLS record.
    public func readPlaintext(scratch: UnsafeMutableRawBufferPointer) throws(TLSError) -> [UInt8] {
        precondition(!scratch.isEmpty, "readPlaintext needs a non-empty scratch buffer")
        if state == .handshaking {
            TLSError.clearQueue()
            let r = SSL_do_handshake(ssl)
            if r != 1 {
                let err = SSL_get_error(ssl, r)
                if err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE { return [] }
                throw failure("handshake", err)
            }
            // A server requiring ALPN refused a ClientHello without it (TLSContext's client-hello
            // callback) or without an id it speaks (the select callback): both end the handshake
            // with a no_application_protocol alert, so an established session has agreed on one.
            state = .established
        }
        guard state == .established else { return [] }
        var out: [UInt8] = []
        // Once per call, not per SSL_read_ex: a read that succeeds leaves the queue empty, and
        // clearing it costs a thread-local lookup in OpenSSL 3 (2 % of a Health call's CPU when it
        // ran twice per read event).
        TLSError.clearQueue()
        while true {
            var read = 0
            let r = SSL_read_ex(ssl, scratch.baseAddress, scratch.count, &read)
            if r == 1 {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<read]))
                // Nothing left to decrypt: the next SSL_read_ex would only report WANT_READ, at
                // the cost of a pass through the record layer and the error queue (~5 % of the
                // TLS layer's CPU per call).
                if SSL_has_pending(ssl) == 0 && copenssl_bio_pending(readBIO) == 0 { break }
                continue
            }
            let err = SSL_get_error(ssl, r)
            if err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE { break }
            if err == SSL_ERROR_ZERO_RETURN {
                state = .closed
                break
            }
            throw failure("read", err)
        }
        return out
    }

    /// Encrypts application bytes; collect the result with ``takeCiphertext()``.
    public func write(plaintext: UnsafeRawBufferPointer) throws(TLSError) {
        guard state == .established else {
            throw TLSError(operation: "write", reasons: ["the session is \(state)"])
        }
        guard let base = plaintext.baseAddress else { return }
        var offset = 0
        while offset < plaintext.count {
            TLSError.clearQueue()
            var written = 0
            let r = SSL_write_ex(ssl, base + offset, plaintext.count - offset, &written)
            if r != 1 { throw failure("write", SSL_get_error(ssl, r)) }
            offset += written
        }
    }

    /// Encrypts application bytes; collect the result with ``takeCiphertext()``.
    public func write(plaintext: [UInt8]) throws(TLSError) {
        let failure: TLSError? = plaintext.withUnsafeBytes { p in
            do throws(TLSError) {
                try write(plaintext: p)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Whether received ciphertext waits for the rest of its record (or is not yet processed).
    public var hasBufferedInput: Bool {
        SSL_has_pending(ssl) == 1 || copenssl_bio_pending(readBIO) > 0
    }

    /// Bytes waiting to be sent to the peer (handshake messages, records, alerts).
    public var pendingCiphertextCount: Int { Int(copenssl_bio_pending(writeBIO)) }

    /// Takes every byte waiting to be sent to the peer.
    public func takeCiphertext() -> [UInt8] {
        var out: [UInt8] = []
        takeCiphertext(appendingTo: &out)
        return out
    }

    /// Appends every byte waiting to be sent to the peer to `buffer` (no intermediate array).
    public func takeCiphertext(appendingTo buffer: inout [UInt8]) {
        let n = pendingCiphertextCount
        guard n > 0 else { return }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: n))
        let read = buffer.withUnsafeMutableBytes { BIO_read(writeBIO, $0.baseAddress! + start, Int32(n)) }
        if read < n { buffer.removeLast(n - max(0, Int(read))) }
    }

    /// Frees the record buffers (about 34 KiB; the next record read or written allocates them
    /// again), unless part of a record waits in them. Returns whether they were freed (or none
    /// were held). A connection calls it when it goes quiet: OpenSSL's SSL_MODE_RELEASE_BUFFERS
    /// frees them after every record instead, which a busy connection pays for on every call.
    public func releaseBuffers() -> Bool {
        SSL_free_buffers(ssl) == 1
    }

    /// Sends close_notify (collect it with ``takeCiphertext()``).
    public func close() {
        if state == .established { _ = SSL_shutdown(ssl) }
        state = .closed
    }

    // MARK: What was negotiated

    /// The ALPN protocol both sides agreed on.
    public var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>? = nil
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// "TLSv1.3" or "TLSv1.2".
    public var protocolVersion: String {
        String(cString: SSL_get_version(ssl))
    }

    /// The peer's verified certificate identity, when it presented one that verified.
    public var peerIdentity: PeerIdentity? {
        // The verify result check matters only for a server that merely requests client
        // certificates (the handshake then completes with one that failed); elsewhere a failed
        // verification ends the handshake.
        guard let cert = SSL_get0_peer_certificate(ssl), SSL_get_verify_result(ssl) == X509_V_OK else { return nil }
        return PeerIdentity(certificate: cert)
    }

    /// Why the certificate the peer presented did not verify (OpenSSL's reason, e.g. "unable to
    /// get local issuer certificate"); nil when it presented none or it verified. Only a server
    /// with ``TLSConfiguration/ClientCertificates/requested`` completes a handshake with such a peer.
    public var peerCertificateProblem: String? {
        guard SSL_get0_peer_certificate(ssl) != nil else { return nil }
        let result = SSL_get_verify_result(ssl)
        guard result != X509_V_OK else { return nil }
        return String(cString: X509_verify_cert_error_string(result))
    }

    private func failure(_ operation: String, _ code: Int32) -> TLSError {
        var e = TLSError.drain(operation)
        if code == SSL_ERROR_SSL, SSL_get_verify_result(ssl) != X509_V_OK {
            let reason = String(cString: X509_verify_cert_error_string(Int(SSL_get_verify_result(ssl))))
            e.reasons.append("certificate verification: \(reason)")
        }
        if e.reasons.isEmpty { e.reasons = ["SSL error \(code)"] }
        return e
    }
}

import Logging
import SchedulingCore
import Synchronization
import TLS
import Transport
import WireProtocol

/// The RPC protocol on one connection: frames in, calls dispatched concurrently, responses out.
///
/// Confined to the connection's event loop. Handlers run as tasks; their results hop back onto the
/// loop. A protocol violation (a frame that cannot be decoded, or one a client must not send)
/// sends go-away with the reason and closes this connection only.
final class RPCConnection: ConnectionDelegate, @unchecked Sendable {
    // @unchecked Sendable: all mutable state is touched only on `connection.loop` (tasks hop back
    // with `loop.execute` before touching it).
    /// Strong, and dropped when the connection closes (a weak reference would give every
    /// connection a side table, slowing each retain and release of it).
    private var connection: Connection?
    private let server: RPCServer
    private var decoder: FrameDecoder
    private let encoder: FrameEncoder
    private var inFlight: [UInt64: InFlight] = [:]
    private var lastCallID: UInt64 = 0
    private var goingAway = false
    private var logger: Logger
    /// The key of the source address's bucket for calls without a valid principal.
    private let source: String
    /// Calls without a valid principal refused by that bucket on this connection.
    private var unauthenticatedRefusals = 0
    /// Whether the TLS handshake completed (a close before it counts as a handshake failure).
    private var handshakeDone = false

    struct InFlight {
        var task: Task<Void, Never>?
        var timer: EventLoop.TimerID?
        /// The method's metrics and the call's start, for the answer however it comes.
        let metrics: MethodMetrics
        let started: ContinuousClock.Instant

        /// Counts the call's answer and its latency.
        func answered(_ code: StatusCode) {
            metrics.record(code, nanoseconds: (ContinuousClock.now - started).nanoseconds)
        }
    }

    init(connection: Connection, server: RPCServer) {
        self.connection = connection
        self.server = server
        self.decoder = FrameDecoder(maxFrameSize: server.limits.maxFrameSize)
        self.encoder = FrameEncoder(maxFrameSize: server.limits.maxFrameSize)
        var logger = server.logger
        logger[metadataKey: "conn.id"] = "\(connection.id)"
        if let remote = connection.remoteAddress { logger[metadataKey: "conn.remote"] = "\(remote)" }
        self.logger = logger
        self.source = connection.remoteAddress?.host ?? ""
    }

    var inFlightCount: Int { inFlight.count }

    // MARK: ConnectionDelegate

    func connectionDidBecomeActive(_ connection: Connection) {
        handshakeDone = true
        server.metrics.tlsHandshakes.increment()
        logger.debug("connection active", metadata: ["tls.version": "\(connection.protocolVersion)", "tls.peer": "\(connection.peerIdentity?.description ?? "-")"])
        if server.isDraining { startGoAway(reason: "server is shutting down", code: .unavailable) }
    }

    func connection(_ connection: Connection, didReceive bytes: [UInt8]) {
        do {
            try decoder.append(bytes)
        } catch {
            protocolViolation(error.description, code: error.statusCode, kind: .badFrame)
            return
        }
        var frames = 0
        while let frame = decoder.nextFrame() {
            frames += 1
            handle(frame)
            if goingAway && self.connection == nil { return }
            if !connection.isActive { return }  // closed by the frame (a violation, say)
        }
        if frames > 0 { connection.messageReceived() }
    }

    /// A frame's first bytes wait for the rest: the connection's partial-message timer runs.
    func connectionHasPartialMessage(_ connection: Connection) -> Bool {
        decoder.bufferedByteCount > 0
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        self.connection = nil
        for (_, call) in inFlight {
            call.task?.cancel()
            if let t = call.timer { connection.loop.cancel(t) }
        }
        inFlight.removeAll()
        // Tasks still finishing keep this object a while: drop a partial frame's buffer now.
        decoder = FrameDecoder(maxFrameSize: server.limits.maxFrameSize)
        server.unregister(connection.id)
        if !handshakeDone { server.metrics.tlsHandshakeFailures.increment() }
        if let error { logger.debug("connection closed", metadata: ["reason": "\(error)"]) }
    }

    // MARK: Frames

    private func handle(_ frame: Frame) {
        switch frame.kind {
        case .request(let request):
            startCall(frame.callID, request)
        case .cancel:
            guard let call = inFlight.removeValue(forKey: frame.callID) else { return }
            call.task?.cancel()
            if let t = call.timer { connection?.loop.cancel(t) }
            call.answered(.cancelled)
            send(Frame(callID: frame.callID, kind: .response(Frame.Response(code: .cancelled, message: "cancelled by the client"))))
        case .ping(let ping):
            send(Frame(callID: 0, kind: .pong(Frame.Pong(nonce: ping.nonce))))
        case .pong:
            break
        case .goAway:
            // The client will send nothing more; finish what is in flight, then close.
            goingAway = true
            closeIfDone()
        case .response:
            protocolViolation("clients must not send responses", code: .invalidArgument, kind: .protocolViolation)
        }
    }

    private func startCall(_ callID: UInt64, _ request: Frame.Request) {
        guard callID != 0 else {
            protocolViolation("call id 0 is reserved for connection-level frames", code: .invalidArgument, kind: .protocolViolation)
            return
        }
        guard inFlight[callID] == nil else {
            protocolViolation("call id \(callID) is already in flight", code: .invalidArgument, kind: .protocolViolation)
            return
        }
        lastCallID = max(lastCallID, callID)
        if goingAway || server.isDraining {
            server.methodMetrics(request.method).record(.unavailable)
            reply(callID, RPCError(code: .unavailable, message: "server is shutting down; reconnect"))
            return
        }
        guard inFlight.count < server.limits.maxInFlightPerConnection else {
            server.methodMetrics(request.method).record(.resourceExhausted)
            reply(callID, RPCError(code: .resourceExhausted, message: "more than \(server.limits.maxInFlightPerConnection) calls in flight on this connection"))
            return
        }
        guard let entry = server.methods[request.method] else {
            guard admitUnauthenticated(callID, server.metrics.unknownMethod) else { return }
            server.metrics.unknownMethod.record(.unimplemented)
            reply(callID, RPCError(code: .unimplemented, message: "unknown method \"\(request.method)\""))
            return
        }
        let method = entry.handler
        guard let connection else { return }
        var principal: Principal? = nil
        if method.requiresAuthentication {
            do {
                principal = try server.authenticator.authenticate(metadata: request.metadata, peer: connection.peerIdentity)
            } catch {
                guard admitUnauthenticated(callID, entry.metrics) else { return }
                entry.metrics.record(error.code)
                reply(callID, error)
                return
            }
            connection.markAuthenticated()
            if case .limited(let retryAfter) = server.rateLimiter.acquire(principal!.name) {
                entry.metrics.record(.resourceExhausted)
                replyRateLimited(callID, retryAfter: retryAfter, "rate limit exceeded for \(principal!.name)")
                return
            }
        } else {
            guard admitUnauthenticated(callID, entry.metrics) else { return }
        }
        if let immediate = method.immediate {
            let started = ContinuousClock.now
            let response: Frame.Response
            do {
                response = try immediate(request.payload)
            } catch {
                response = Frame.Response(error: error)
            }
            finish(callID, response, metrics: entry.metrics, elapsed: ContinuousClock.now - started, context: CallContext(
                callID: callID, method: request.method, principal: principal, metadata: request.metadata,
                peer: connection.peerIdentity, deadline: server.clock.now(), connectionLogger: logger))
            return
        }
        let maxDeadline = server.limits.maxDeadlineMilliseconds
        let timeout = request.timeoutMs == 0 ? maxDeadline : min(request.timeoutMs, maxDeadline)
        let context = CallContext(
            callID: callID, method: request.method, principal: principal, metadata: request.metadata,
            peer: connection.peerIdentity, deadline: server.clock.now().adding(milliseconds: Int64(timeout)),
            connectionLogger: logger)

        let loop = connection.loop
        let started = ContinuousClock.now
        var call = InFlight(metrics: entry.metrics, started: started)
        // Strong: the timer is cancelled when the call is answered or cancelled and when the
        // connection closes (a weak capture would give this object a side table).
        call.timer = loop.schedule(afterMilliseconds: Int64(timeout)) { [self] in
            guard let timedOut = self.inFlight.removeValue(forKey: callID) else { return }
            timedOut.task?.cancel()
            timedOut.answered(.deadlineExceeded)
            self.reply(callID, RPCError(code: .deadlineExceeded, message: "deadline of \(timeout) ms exceeded"))
            self.closeIfDone()
        }
        inFlight[callID] = call
        let payload = request.payload
        server.callStarted()
        // The task holds the handler strongly until it answers; the loop hop re-checks the call.
        // It runs on this connection's event loop (between I/O events) rather than on the global
        // pool: handlers mostly decode, await the store and encode, and each hop to and from a
        // pool thread was a futex wake-up and a dispatch queue pass per call. Handlers that
        // compute for long without awaiting move themselves off the loop (see SchedulerService).
        let task = Task(executorPreference: loop) { [self, server] in
            let response: Frame.Response
            do {
                response = try await method.handle(context, payload)
            } catch let error as RPCError {
                response = Frame.Response(error: error)
            } catch is CancellationError {
                response = Frame.Response(error: RPCError(code: .cancelled, message: "call cancelled"))
            } catch {
                context.logger.error("handler failed", metadata: ["error": "\(error)"])
                response = Frame.Response(error: RPCError(code: .internal, message: "internal error (call \(callID))"))
            }
            server.callFinished()
            let elapsed = ContinuousClock.now - started
            loop.execute { [self] in
                guard let done = self.inFlight.removeValue(forKey: callID) else { return }
                if let t = done.timer { loop.cancel(t) }
                self.finish(callID, response, metrics: done.metrics, elapsed: elapsed, context: context)
                self.closeIfDone()
            }
        }
        inFlight[callID]?.task = task
    }

    /// Sends a call's answer, counts it, and logs it: OK at debug, INTERNAL at error, the rest
    /// at info. The context is built only when the line would be logged.
    private func finish(
        _ callID: UInt64, _ response: Frame.Response, metrics: MethodMetrics, elapsed: Duration,
        context: @autoclosure () -> CallContext
    ) {
        metrics.record(response.code, nanoseconds: elapsed.nanoseconds)
        send(Frame(callID: callID, kind: .response(response)))
        let level: Logger.Level = response.code == .ok ? .debug : (response.code == .internal ? .error : .info)
        guard logger.logLevel <= level else { return }
        let context = context()
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata = context.annotations.metadata
        metadata["rpc.status"] = "\(response.code.name)"
        metadata["rpc.duration_ms"] = "\(Int(ms.rounded()))"
        context.logger.log(level: level, "call finished", metadata: metadata)
    }

    /// Charges a call without a valid principal to its source address's bucket. When the bucket
    /// is empty the call is answered RESOURCE_EXHAUSTED (with retry-after) and false returned;
    /// a connection that has had a whole burst of calls refused so is closed with go-away.
    private func admitUnauthenticated(_ callID: UInt64, _ metrics: MethodMetrics) -> Bool {
        guard case .limited(let retryAfter) = server.unauthenticatedRateLimiter.acquire(source) else { return true }
        unauthenticatedRefusals += 1
        if Double(unauthenticatedRefusals) >= server.limits.unauthenticatedRateBurst {
            protocolViolation("too many calls without valid credentials", code: .resourceExhausted, kind: .unauthenticatedCalls)
        } else {
            metrics.record(.resourceExhausted)
            replyRateLimited(callID, retryAfter: retryAfter, "rate limit for calls without valid credentials exceeded")
        }
        return false
    }

    private func replyRateLimited(_ callID: UInt64, retryAfter: Int64, _ reason: String) {
        var e = RPCError(code: .resourceExhausted, message: "\(reason); retry after \(retryAfter) ms")
        e.details.retryInfo = RetryInfo(retryDelayMs: UInt64(retryAfter))
        send(Frame(callID: callID, kind: .response(Frame.Response(error: e, metadata: [MetadataEntry(key: "retry-after-ms", value: "\(retryAfter)")]))))
    }

    // MARK: Sending and closing

    private func reply(_ callID: UInt64, _ error: RPCError) {
        send(Frame(callID: callID, kind: .response(Frame.Response(error: error))))
    }

    private func send(_ frame: Frame) {
        guard let connection else { return }
        do {
            connection.send(try encoder.encode(frame))
        } catch {
            // A response too large for a frame: say so instead of dropping the call.
            if case .response = frame.kind {
                let e = RPCError(code: .resourceExhausted, message: "response exceeds the maximum frame size")
                if let bytes = try? encoder.encode(Frame(callID: frame.callID, kind: .response(Frame.Response(error: e)))) {
                    connection.send(bytes)
                }
            }
        }
    }

    private func protocolViolation(_ reason: String, code: StatusCode, kind: GoAwayReason) {
        logger.info("protocol violation; closing connection", metadata: ["reason": "\(reason)"])
        server.metrics.goAways(kind).increment()
        send(Frame(callID: 0, kind: .goAway(Frame.GoAway(lastCallID: lastCallID, reason: reason, code: code))))
        for (_, call) in inFlight { call.task?.cancel() }
        inFlight.removeAll()
        connection?.close(error: ConnectionError("protocol violation: \(reason)"))
    }

    /// Sends go-away; the connection closes once its in-flight calls are answered. The server
    /// sends it only to drain, so it counts as reason `shutdown` in the metrics.
    func startGoAway(reason: String, code: StatusCode) {
        guard !goingAway, connection != nil else { return }
        goingAway = true
        server.metrics.goAways(.shutdown).increment()
        send(Frame(callID: 0, kind: .goAway(Frame.GoAway(lastCallID: lastCallID, reason: reason, code: code))))
        closeIfDone()
    }

    private func closeIfDone() {
        if goingAway && inFlight.isEmpty { connection?.close() }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (it would wrap only past 292 years).
    var nanoseconds: Int64 {
        let (s, a) = components
        return s &* 1_000_000_000 &+ a / 1_000_000_000
    }
}

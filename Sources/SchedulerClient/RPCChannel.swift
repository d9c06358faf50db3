import Synchronization
package import TLS
package import Transport
import WireProtocol

/// One TLS connection to a scheduler server carrying many concurrent calls, matched by call id.
///
/// `package`, not part of the client library's API: ``SchedulerClient`` is. In-repo users (the
/// benchmark's connection tests, the server's tests) use it to speak the raw protocol.
/// Thread-safe. A lost connection or a go-away fails the affected calls with UNAVAILABLE;
/// open a new channel to reconnect (``SchedulerClient`` does this for you, and learns from a typed
/// ``SchedulerError/Cause`` which failed calls the server never saw, so are safe to send again).
package final class RPCChannel: Sendable {
    private let connection: Connection
    private let handler: ChannelHandler
    private let encoder: FrameEncoder

    /// Connects and completes the TLS handshake.
    package static func connect(
        to address: SocketAddress, tls: TLSConfiguration, loop: EventLoop, maxFrameSize: Int = Limits.defaultMaxFrameSize,
        limits: ConnectionLimits = ConnectionLimits()
    ) async throws -> RPCChannel {
        var config = tls
        config.alpnProtocols = [ALPN.protocolID]
        return try await connect(
            to: address, context: TLSContext(configuration: config), loop: loop, maxFrameSize: maxFrameSize, limits: limits)
    }

    /// Connects with a prepared TLS context (its ALPN list must be `[ALPN.protocolID]`); reuse one
    /// context for many connections instead of re-reading certificate files each time.
    ///
    /// Cancelling the calling task while the handshake runs closes the connection and throws.
    package static func connect(
        to address: SocketAddress, context: TLSContext, loop: EventLoop, maxFrameSize: Int = Limits.defaultMaxFrameSize,
        limits: ConnectionLimits = ConnectionLimits()
    ) async throws -> RPCChannel {
        let channel = try open(to: address, context: context, loop: loop, maxFrameSize: maxFrameSize, limits: limits)
        do {
            try await channel.waitUntilActive()
        } catch {
            channel.abort()
            throw error
        }
        return channel
    }

    /// Starts connecting and returns at once; ``waitUntilActive()`` waits for the handshake.
    /// ``SchedulerClient`` keeps a connecting channel in its pool so that concurrent calls share one
    /// handshake, each waiting only as long as its own deadline.
    static func open(
        to address: SocketAddress, context: TLSContext, loop: EventLoop, maxFrameSize: Int = Limits.defaultMaxFrameSize,
        limits: ConnectionLimits = ConnectionLimits()
    ) throws -> RPCChannel {
        let handler = ChannelHandler(maxFrameSize: maxFrameSize)
        let connection = try Connection.connect(to: address, context: context, loop: loop, limits: limits) { _ in handler }
        return RPCChannel(connection: connection, handler: handler, encoder: FrameEncoder(maxFrameSize: maxFrameSize))
    }

    /// Waits until the TLS handshake completed. Throws the reason the connection closed instead, or
    /// a ``ConnectionError`` when the waiting task is cancelled (the connection carries on).
    func waitUntilActive() async throws(ConnectionError) {
        try await handler.waitUntilActive()
    }

    private init(connection: Connection, handler: ChannelHandler, encoder: FrameEncoder) {
        self.connection = connection
        self.handler = handler
        self.encoder = encoder
    }

    /// Whether the connection is open and the server has not said go-away.
    package var isUsable: Bool { handler.isUsable }

    /// Whether the handshake is still under way (neither active nor closed).
    var isConnecting: Bool { handler.isConnecting }

    /// The server's go-away, once received.
    package var goAway: Frame.GoAway? { handler.receivedGoAway }

    /// Sends a request and waits for its response. Task cancellation sends a cancel frame and
    /// throws CANCELLED. Enforces no deadline of its own (`timeoutMilliseconds` is only sent to the
    /// server); ``SchedulerClient`` enforces its calls' deadlines.
    package func call(
        method: String, payload: [UInt8], metadata: [MetadataEntry] = [], timeoutMilliseconds: UInt64 = 0
    ) async throws(RPCError) -> Frame.Response {
        try await send(method: method, payload: payload, metadata: metadata, timeoutMilliseconds: timeoutMilliseconds)
            .mapError(\.rpcError).get()
    }

    /// ``call(method:payload:metadata:timeoutMilliseconds:)`` with the failure's typed cause.
    ///
    /// `progress` is shared with the call's other attempts and its deadline: the call marks it once
    /// its request is handed to the connection. When the task is cancelled because the deadline
    /// passed, the cancel frame says so and the call fails with DEADLINE_EXCEEDED rather than
    /// CANCELLED. With a `deadline`, the channel enforces it too, without a task or timer per call:
    /// once it passes with no answer, the call fails with DEADLINE_EXCEEDED and a cancel frame
    /// saying "deadline exceeded" follows its request.
    func send(
        method: String, payload: [UInt8], metadata: [MetadataEntry], timeoutMilliseconds: UInt64,
        deadline: ContinuousClock.Instant? = nil, progress: CallProgress = CallProgress()
    ) async -> Result<Frame.Response, SchedulerError> {
        let callID = handler.nextCallID()
        let request = Frame(callID: callID, kind: .request(Frame.Request(method: method, metadata: metadata, timeoutMs: timeoutMilliseconds, payload: payload)))
        let bytes: [UInt8]
        do {
            bytes = try encoder.encode(request)
        } catch {
            return .failure(SchedulerError(code: .resourceExhausted, message: "request too large: \(error.reason)", cause: .notSent))
        }
        let connection = self.connection
        let handler = self.handler
        let encoder = self.encoder
        // The cancellation can come before the call is registered (the task was cancelled before
        // or while it got here): onCancel then finds nothing to complete, so it closes the gate
        // and the call, once registered, is never sent. The request is queued on the loop under
        // the gate, so a cancel frame is only ever queued after its request.
        let gate = SendGate()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Frame.Response, SchedulerError>, Never>) in
                guard handler.register(callID, continuation, deadline: deadline, progress: progress) else { return }
                let sent = gate.sendUnlessCancelled {
                    progress.markSent()
                    let write: @Sendable () -> Void = {
                        connection.send(bytes)
                        if let deadline { handler.watch(deadline, on: connection, encoder: encoder) }
                    }
                    // A caller on the connection's own loop (SchedulerClient.executors) writes
                    // its request at once; any other hands it to the loop.
                    if connection.loop.inEventLoop { write() } else { connection.loop.execute(write) }
                }
                if !sent { _ = handler.complete(callID, .failure(progress.cancellation(cause: .notSent))) }
            }
        } onCancel: {
            let wasSent = gate.cancel()
            let failure = progress.cancellation(cause: wasSent ? .sentNoAnswer : .notSent)
            if handler.complete(callID, .failure(failure)), wasSent {
                let reason = progress.deadlinePassed ? "deadline exceeded" : "caller cancelled"
                if let cancel = try? encoder.encode(Frame(callID: callID, kind: .cancel(Frame.Cancel(reason: reason)))) {
                    connection.loop.execute { connection.send(cancel) }
                }
            }
        }
    }

    /// Round-trips a ping; returns the elapsed time.
    package func ping() async throws(RPCError) -> Duration {
        let nonce = UInt64.random(in: 1...UInt64.max)
        let start = ContinuousClock.now
        let bytes = try? encoder.encode(Frame(callID: 0, kind: .ping(Frame.Ping(nonce: nonce))))
        let connection = self.connection
        let ok = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            handler.registerPing(nonce, c)
            if let bytes { connection.loop.execute { connection.send(bytes) } }
        }
        guard ok else { throw RPCError(code: .unavailable, message: "connection lost before pong") }
        return ContinuousClock.now - start
    }

    /// Says go-away to the server (no new calls) and closes once in-flight calls are answered.
    package func close() {
        let connection = self.connection
        handler.markClosing()
        let last = handler.lastCallID
        let bytes = try? encoder.encode(Frame(callID: 0, kind: .goAway(Frame.GoAway(lastCallID: last, reason: "client closing"))))
        // One loop task: the go-away is queued before any close. Until it is, the handler does not
        // close on its own when the last answer arrives (it could, on the loop, between markClosing
        // above and this task, and the go-away would be dropped).
        connection.loop.execute { [handler] in
            handler.markGoAwaySent()
            if let bytes { connection.send(bytes) }
            if handler.pendingCount == 0 { connection.close() }
        }
    }

    /// Waits until the connection is closed (by ``close()``, ``abort()``, the server or an error).
    func waitUntilClosed() async {
        await handler.waitUntilClosed()
    }

    /// Closes at once; pending calls fail with UNAVAILABLE.
    package func abort() {
        let connection = self.connection
        connection.loop.execute { connection.close() }
    }
}

/// Orders a call's request and its cancellation: the request is queued only if the call was not
/// cancelled yet, and the cancellation learns whether it was queued (then a cancel frame follows it).
private final class SendGate: Sendable {
    private let state = Mutex<(cancelled: Bool, sent: Bool)>((false, false))

    /// Runs `send` (under the lock) unless cancelled; returns whether it ran.
    func sendUnlessCancelled(_ send: () -> Void) -> Bool {
        state.withLock { s in
            guard !s.cancelled else { return false }
            s.sent = true
            send()
            return true
        }
    }

    /// Marks the call cancelled; returns whether its request was already queued.
    func cancel() -> Bool {
        state.withLock { s in
            s.cancelled = true
            return s.sent
        }
    }
}

/// Decodes frames and completes calls. Callbacks run on the connection's loop; the call table is
/// behind a Mutex because callers register from any thread.
final class ChannelHandler: ConnectionDelegate, Sendable {
    /// A call waiting for its answer.
    private struct Pending {
        var continuation: CheckedContinuation<Result<Frame.Response, SchedulerError>, Never>
        /// When the channel fails it with DEADLINE_EXCEEDED (nil: never; the caller enforces it).
        var deadline: ContinuousClock.Instant?
        var progress: CallProgress
    }

    private struct State {
        var nextCallID: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        /// The one deadline timer on the loop, if armed: for the earliest deadline among the
        /// pending calls (or earlier: a call answered since leaves it early, and it re-arms).
        var watched: (deadline: ContinuousClock.Instant, timer: EventLoop.TimerID)?
        var pings: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var active = false
        var closed = false
        var closing = false
        /// ``RPCChannel/close()`` queued its go-away (set on the loop).
        var goAwaySent = false
        var closeReason: String?
        var goAway: Frame.GoAway?
        var nextWaiterID: UInt64 = 0
        var activeWaiters: [UInt64: CheckedContinuation<Result<Void, ConnectionError>, Never>] = [:]
        var closedWaiters: [CheckedContinuation<Void, Never>] = []
        var decoder: FrameDecoder
    }

    private let state: Mutex<State>

    init(maxFrameSize: Int) {
        state = Mutex(State(decoder: FrameDecoder(maxFrameSize: maxFrameSize)))
    }

    var isUsable: Bool { state.withLock { $0.active && !$0.closed && !$0.closing && $0.goAway == nil } }
    var isConnecting: Bool { state.withLock { !$0.active && !$0.closed } }
    var receivedGoAway: Frame.GoAway? { state.withLock { $0.goAway } }
    var pendingCount: Int { state.withLock { $0.pending.count } }
    var lastCallID: UInt64 { state.withLock { $0.nextCallID - 1 } }

    func nextCallID() -> UInt64 {
        state.withLock { s in
            defer { s.nextCallID += 1 }
            return s.nextCallID
        }
    }

    func markClosing() { state.withLock { $0.closing = true } }
    func markGoAwaySent() { state.withLock { $0.goAwaySent = true } }

    /// Waits for the handshake; a cancelled waiter stops waiting at once (the connection carries on).
    func waitUntilActive() async throws(ConnectionError) {
        let id = state.withLock { s in
            defer { s.nextWaiterID += 1 }
            return s.nextWaiterID
        }
        let r: Result<Void, ConnectionError> = await withTaskCancellationHandler {
            await withCheckedContinuation { c in
                let immediate: Result<Void, ConnectionError>? = state.withLock { s in
                    if s.active { return .success(()) }
                    if s.closed { return .failure(ConnectionError(s.closeReason ?? "connection closed")) }
                    if Task.isCancelled { return .failure(ConnectionError("cancelled while connecting")) }
                    s.activeWaiters[id] = c
                    return nil
                }
                if let immediate { c.resume(returning: immediate) }
            }
        } onCancel: {
            // Either this removes the waiter and resumes it, or the operation has not stored it yet
            // and sees Task.isCancelled under the same lock, or it was already resumed.
            if let c = state.withLock({ $0.activeWaiters.removeValue(forKey: id) }) {
                c.resume(returning: .failure(ConnectionError("cancelled while connecting")))
            }
        }
        try r.get()
    }

    /// Waits until ``connectionDidClose(_:error:)`` ran.
    func waitUntilClosed() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let closed = state.withLock { s in
                if s.closed { return true }
                s.closedWaiters.append(c)
                return false
            }
            if closed { c.resume() }
        }
    }

    /// Adds a pending call; resumes it at once with UNAVAILABLE when the channel cannot take calls.
    func register(
        _ id: UInt64, _ c: CheckedContinuation<Result<Frame.Response, SchedulerError>, Never>,
        deadline: ContinuousClock.Instant?, progress: CallProgress
    ) -> Bool {
        let refusal: SchedulerError? = state.withLock { s in
            if s.closed { return SchedulerError(code: .unavailable, message: "connection closed (call not sent): \(s.closeReason ?? "closed")", cause: .notSent) }
            if let g = s.goAway { return SchedulerError(code: .unavailable, message: "server sent go-away (call not sent): \(g.reason)", cause: .notSent) }
            if s.closing { return SchedulerError(code: .unavailable, message: "channel is closing (call not sent)", cause: .notSent) }
            s.pending[id] = Pending(continuation: c, deadline: deadline, progress: progress)
            return nil
        }
        if let refusal {
            c.resume(returning: .failure(refusal))
            return false
        }
        return true
    }

    func registerPing(_ nonce: UInt64, _ c: CheckedContinuation<Bool, Never>) {
        let closed = state.withLock { s -> Bool in
            if s.closed { return true }
            s.pings[nonce] = c
            return false
        }
        if closed { c.resume(returning: false) }
    }

    /// Completes a pending call; false when it was already completed.
    @discardableResult
    func complete(_ id: UInt64, _ result: Result<Frame.Response, SchedulerError>) -> Bool {
        guard let p = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return false }
        p.continuation.resume(returning: result)
        return true
    }

    /// Makes sure the deadline timer fires by `deadline` (on the loop, after the call's request was
    /// queued). One timer serves every pending call: most calls are answered long before their
    /// deadline, and then cost no timer at all.
    func watch(_ deadline: ContinuousClock.Instant, on connection: Connection, encoder: FrameEncoder) {
        let previous: EventLoop.TimerID?? = state.withLock { s in
            if let w = s.watched, w.deadline <= deadline { return .none }
            return .some(s.watched?.timer)
        }
        guard case .some(let old) = previous else { return }
        if let old { connection.loop.cancel(old) }
        let left = ContinuousClock.now.duration(to: deadline)
        // Rounded up, so the timer does not wake just before the deadline.
        let ms = max(0, left.components.seconds * 1000 + (left.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        // Strong captures: ``connectionDidClose(_:error:)`` cancels the timer (weak ones would give
        // the handler and the connection side tables, slowing every retain and release of them).
        let timer = connection.loop.schedule(afterMilliseconds: ms) { [self] in
            self.expire(on: connection, encoder: encoder)
        }
        state.withLock { $0.watched = (deadline, timer) }
    }

    /// The deadline timer fired: fails every pending call whose deadline passed with
    /// DEADLINE_EXCEEDED, sends each a cancel frame, and re-arms for the next deadline.
    private func expire(on connection: Connection, encoder: FrameEncoder) {
        let now = ContinuousClock.now
        let (expired, next) = state.withLock { s -> ([(UInt64, Pending)], ContinuousClock.Instant?) in
            s.watched = nil
            var expired: [(UInt64, Pending)] = []
            var next: ContinuousClock.Instant?
            for (id, p) in s.pending {
                guard let d = p.deadline else { continue }
                if d <= now {
                    expired.append((id, p))
                } else if next.map({ d < $0 }) ?? true {
                    next = d
                }
            }
            for (id, _) in expired { s.pending[id] = nil }
            return (expired, next)
        }
        for (id, p) in expired {
            p.progress.markDeadlinePassed()
            p.continuation.resume(returning: .failure(p.progress.deadlineExceeded()))
            if let cancel = try? encoder.encode(Frame(callID: id, kind: .cancel(Frame.Cancel(reason: "deadline exceeded")))) {
                connection.send(cancel)
            }
        }
        if let next { watch(next, on: connection, encoder: encoder) }
    }

    // MARK: ConnectionDelegate (on the loop)

    func connectionDidBecomeActive(_ connection: Connection) {
        let waiters = state.withLock { s -> Dictionary<UInt64, CheckedContinuation<Result<Void, ConnectionError>, Never>>.Values in
            s.active = true
            defer { s.activeWaiters = [:] }
            return s.activeWaiters.values
        }
        for w in waiters { w.resume(returning: .success(())) }
    }

    func connection(_ connection: Connection, didReceive bytes: [UInt8]) {
        var frames: [Frame] = []
        let failure: FrameError? = state.withLock { s in
            do throws(FrameError) {
                try s.decoder.append(bytes)
            } catch {
                return error
            }
            while let f = s.decoder.nextFrame() { frames.append(f) }
            return nil
        }
        for frame in frames {
            switch frame.kind {
            case .response(let r):
                complete(frame.callID, .success(r))
            case .pong(let p):
                if let c = state.withLock({ $0.pings.removeValue(forKey: p.nonce) }) { c.resume(returning: true) }
            case .ping(let p):
                if let bytes = try? FrameEncoder().encode(Frame(callID: 0, kind: .pong(Frame.Pong(nonce: p.nonce)))) {
                    connection.send(bytes)
                }
            case .goAway(let g):
                // Calls after lastCallID were never processed: fail them as not sent, safe to retry.
                let unprocessed = state.withLock { s -> [(UInt64, Pending)] in
                    s.goAway = g
                    let ids = s.pending.keys.filter { $0 > g.lastCallID }
                    return ids.map { ($0, s.pending.removeValue(forKey: $0)!) }
                }
                for (_, p) in unprocessed {
                    p.continuation.resume(
                        returning: .failure(
                            SchedulerError(
                                code: .unavailable, message: "server sent go-away before processing the call (call not sent): \(g.reason)",
                                cause: .notSent)))
                }
            case .request, .cancel:
                break  // servers do not send these
            }
        }
        if let failure {
            connection.close(error: ConnectionError("bad frame from server: \(failure)"))
        } else if state.withLock({ (($0.closing && $0.goAwaySent) || $0.goAway != nil) && $0.pending.isEmpty }) {
            connection.close()
        }
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        let reason = error.map { "\($0)" } ?? "closed by the server"
        let (pending, pings, waiters, closedWaiters, watched) = state.withLock { s in
            s.closed = true
            s.closeReason = reason
            defer {
                s.pending = [:]
                s.pings = [:]
                s.activeWaiters = [:]
                s.closedWaiters = []
                s.watched = nil
            }
            return (s.pending, s.pings, s.activeWaiters.values, s.closedWaiters, s.watched)
        }
        if let watched { connection.loop.cancel(watched.timer) }
        for (_, p) in pending {
            // Written or about to be: the server may have seen it.
            p.continuation.resume(returning: .failure(SchedulerError(code: .unavailable, message: "connection lost: \(reason)", cause: .sentNoAnswer)))
        }
        for (_, c) in pings { c.resume(returning: false) }
        for w in waiters { w.resume(returning: .failure(ConnectionError(reason))) }
        for w in closedWaiters { w.resume() }
    }
}

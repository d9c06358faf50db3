import Foundation
import Synchronization
import TLS
import TestSupport
import Testing
@testable import Transport

/// Echoes, and vouches for every peer once its handshake completes (an RPC server does so after
/// the first call with valid credentials).
final class VouchingEcho: ConnectionDelegate {
    func connectionDidBecomeActive(_ connection: Connection) { connection.markAuthenticated() }
    func connection(_ connection: Connection, didReceive bytes: [UInt8]) { connection.send(bytes) }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {}
}

/// Resident set size of this process in bytes (/proc/self/statm, second field, in pages).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

@Suite("Admission: unauthenticated pools, partial messages, memory after a burst", .timeLimit(.minutes(3)))
struct AdmissionTests {
    @Test("the pool caps unauthenticated connections in total and per address; authenticated ones leave it")
    func poolRules() {
        var pool = AdmissionPool(maxOpen: 6, maxUnauthenticated: 4, maxUnauthenticatedPerAddress: 2, trimAfterClosing: 3)
        var refusals: [AdmissionPool.Refusal?] = []
        for address in ["a", "a", "a", "b", "c", "d"] { refusals.append(pool.admit(address)) }
        #expect(refusals == [nil, nil, .addressFull, nil, nil, .unauthenticatedFull])
        // Authenticated connections free unauthenticated slots, not open ones.
        pool.authenticated("a")
        pool.authenticated("b")
        #expect(pool.unauthenticated == 2 && pool.open == 4 && pool.unauthenticated(from: "a") == 1)
        refusals = []
        for address in ["a", "d", "e"] { refusals.append(pool.admit(address)) }
        #expect(refusals == [nil, nil, .full])
        // Closing: 6 → 3 is a drop of 3 to half the peak, so the heap is trimmed once.
        var trims: [Bool] = []
        trims.append(pool.closed("a", wasAuthenticated: true))
        trims.append(pool.closed("b", wasAuthenticated: true))
        trims.append(pool.closed("a", wasAuthenticated: false))
        trims.append(pool.closed("c", wasAuthenticated: false))
        #expect(trims == [false, false, true, false])
        #expect(pool.open == 2 && pool.unauthenticated == 2 && pool.unauthenticated(from: "a") == 1)
    }

    @Test("peers that never start TLS, more than maxConnections, do not lock out clients from other addresses")
    func preHandshakeFlood() async throws {
        let pki = try PKI()
        let group = try EventLoopGroup(count: 2)
        defer { group.shutdown() }
        let ctx = try pki.serverContext()
        var limits = ConnectionLimits()
        limits.handshakeTimeoutMilliseconds = 60_000  // the flood stays for the whole test
        let listener = try Listener(
            address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { ctx }, limits: limits,
            maxConnections: 40, maxUnauthenticated: 10, maxUnauthenticatedPerAddress: 4
        ) { _ in VouchingEcho() }
        defer { listener.close() }
        let port = listener.localAddress.port
        let clientCtx = try pki.clientContext()

        func client() async throws -> (Connection, Recorder)? {
            let r = Recorder()
            let c = try Connection.connect(to: listener.localAddress, context: clientCtx, loop: group.loops[1]) { _ in r }
            var it = r.events.makeAsyncIterator()
            guard await it.next() == .active("scheduler/1") else { return nil }
            c.loop.execute { c.send([7, 8, 9]) }
            guard await r.events.bytes(count: 3) == [7, 8, 9] else { return nil }
            return (c, r)
        }

        var clients: [(Connection, Recorder)] = []
        for _ in 0..<5 { if let c = try await client() { clients.append(c) } }
        #expect(clients.count == 5)
        #expect(await eventually { listener.unauthenticatedCount == 0 })

        // 60 silent sockets from 127.0.0.2 (more than maxConnections), then 15 from each of three
        // more addresses: 4 per address are admitted until the pool of 10 is full.
        var flood: [Int32] = []
        defer { for fd in flood { close(fd) } }
        for _ in 0..<60 { flood.append(plainConnect(port: port, from: "127.0.0.2")) }
        #expect(await eventually { listener.refusedCount == 56 })
        #expect(listener.unauthenticatedCount == 4)
        // Clients from another address still get in while one address floods.
        for _ in 0..<5 { if let c = try await client() { clients.append(c) } }
        #expect(clients.count == 10)
        for source in ["127.0.0.3", "127.0.0.4", "127.0.0.5"] {
            for _ in 0..<15 { flood.append(plainConnect(port: port, from: source)) }
        }
        #expect(!flood.contains(-1))
        #expect(await eventually { listener.refusedCount == 56 + 45 - 6 })
        #expect(listener.unauthenticatedCount == 10)
        #expect(listener.connectionCount == 20)

        // Authenticated connections keep working while the unauthenticated pool is full.
        for (c, r) in clients {
            c.loop.execute { c.send([1, 2, 3]) }
            #expect(await r.events.bytes(count: 3) == [1, 2, 3])
        }
        // Once the flood goes, new clients are admitted again.
        for fd in flood { close(fd) }
        flood.removeAll()
        #expect(await eventually { listener.unauthenticatedCount == 0 })
        #expect(try await client() != nil)
        for (c, _) in clients { c.loop.execute { c.close() } }
    }

    @Test("a peer that trickles a TLS record without completing it is closed after the partial-message timeout")
    func partialRecordTimeout() async throws {
        let pki = try PKI()
        let group = try EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let ctx = try pki.serverContext()
        var limits = ConnectionLimits()
        limits.partialMessageTimeoutMilliseconds = 200
        let listener = try Listener(address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { ctx }, limits: limits) { _ in Echo() }
        defer { listener.close() }
        let (fd, session) = try handshakeByHand(port: listener.localAddress.port, context: pki.clientContext())
        defer { close(fd) }
        try session.write(plaintext: Array("hello".utf8))
        let record = session.takeCiphertext()
        // Three bytes of the record's five-byte header, and nothing more.
        _ = record.withUnsafeBytes { send(fd, $0.baseAddress, 3, Int32(MSG_NOSIGNAL)) }
        setReceiveTimeout(fd, seconds: 10)
        let started = ContinuousClock.now
        var buffer = [UInt8](repeating: 0, count: 4096)
        var n = 0
        repeat { n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } } while n > 0
        // EOF (the server closed), not the receive timeout (the idle timeout is 300 s).
        #expect(n == 0)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("records arriving in pieces that keep completing do not trip the partial-message timeout")
    func steadyProgress() async throws {
        let pki = try PKI()
        let group = try EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let ctx = try pki.serverContext()
        var limits = ConnectionLimits()
        limits.partialMessageTimeoutMilliseconds = 1_000
        let listener = try Listener(address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { ctx }, limits: limits) { _ in Echo() }
        defer { listener.close() }
        let (fd, session) = try handshakeByHand(port: listener.localAddress.port, context: pki.clientContext())
        defer { close(fd) }
        // 16 records over ~1.6 s (longer than the timeout), each sent as its second half together
        // with the first half of the next: the server always holds a partial record, but completes
        // one every 100 ms (a tenth of the timeout, so a busy test machine does not trip it).
        let count = 16
        var wire: [UInt8] = []
        for i in 0..<count {
            try session.write(plaintext: [UInt8(i)])
            wire += session.takeCiphertext()
        }
        let recordSize = wire.count / count
        var sent = 0
        for i in 0..<count {
            let end = i == count - 1 ? wire.count : i * recordSize + recordSize / 2
            _ = wire[sent..<end].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            sent = end
            try await Task.sleep(for: .milliseconds(100))
        }
        // Every byte comes back: the connection stayed open.
        setReceiveTimeout(fd, seconds: 10)
        var echoed: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while echoed.count < count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            session.receive(ciphertext: Array(buffer[0..<n]))
            echoed += try session.readPlaintext()
        }
        #expect(echoed == (0..<count).map { UInt8($0) })
    }

    @Test("after a burst of pre-handshake connections closes, the memory goes back to the kernel")
    func memoryAfterBurst() async throws {
        // 4,000 descriptors in this process: no child process may be launched meanwhile (see ProcessGate).
        try await ProcessGate.exclusive {
            let pki = try PKI()
            let group = try EventLoopGroup(count: 2)
            defer { group.shutdown() }
            let ctx = try pki.serverContext()
            let listener = try Listener(
                address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { ctx }, trimAfterClosing: 256
            ) { _ in Echo() }
            defer { listener.close() }
            let port = listener.localAddress.port
            let before = residentBytes()
            // The first bytes of a ClientHello make OpenSSL allocate its record buffers: about 40 KB
            // per connection, which the allocator keeps mapped after the close until trimmed (glibc
            // until malloc_trim; jemalloc, which this test process links through schedulerd, until
            // its decay time or a purge).
            let hello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
            var fds: [Int32] = []
            defer { for fd in fds { close(fd) } }
            for i in 0..<2000 {
                let fd = plainConnect(port: port, from: "127.0.1.\(i % 200 + 1)")
                _ = hello.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                fds.append(fd)
            }
            #expect(!fds.contains(-1))
            #expect(await eventually { listener.connectionCount == 2000 })
            let peak = residentBytes()
            for fd in fds { close(fd) }
            fds.removeAll()
            #expect(await eventually { listener.connectionCount == 0 })
            #expect(listener.heapTrimCount >= 1)
            let after = residentBytes()
            // Measured: 2,000 such connections add ~60–80 MiB; without the trim RSS stayed there (and
            // grew as the last hellos were read) after every one had closed.
            #expect(after - before < (peak - before) / 2, "before \(before >> 20) MiB, peak \(peak >> 20) MiB, after \(after >> 20) MiB")
        }
    }
}

/// A listener's connection counts and the rules for admitting one more: the bookkeeping as a
/// value, so its decisions are tested without sockets.
///
/// A connection is *unauthenticated* from accept until its delegate vouches for the peer
/// (``Connection/markAuthenticated()``): through the TLS handshake and while it has made no call
/// with valid credentials. Unauthenticated connections have their own total cap and a cap per
/// source address, both below `maxOpen`, so peers that never finish a handshake (or never send
/// credentials) cannot take the slots of clients that do.
struct AdmissionPool {
    /// Connections open at once.
    var maxOpen: Int
    /// Unauthenticated connections at once, over all addresses.
    var maxUnauthenticated: Int
    /// Unauthenticated connections at once from one source address.
    var maxUnauthenticatedPerAddress: Int
    /// The heap is trimmed once the open count has fallen by at least this many from its peak and
    /// to at most half of it: a burst of closes left its freed memory mapped.
    var trimAfterClosing: Int

    private(set) var open = 0
    private(set) var unauthenticated = 0
    private var perAddress: [String: Int] = [:]
    private var peak = 0

    init(maxOpen: Int, maxUnauthenticated: Int, maxUnauthenticatedPerAddress: Int, trimAfterClosing: Int = 256) {
        self.maxOpen = maxOpen
        self.maxUnauthenticated = maxUnauthenticated
        self.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress
        self.trimAfterClosing = trimAfterClosing
    }

    enum Refusal: Equatable, CustomStringConvertible {
        case full, unauthenticatedFull, addressFull

        var description: String {
            switch self {
            case .full: "the maximum number of connections is open"
            case .unauthenticatedFull: "the maximum number of unauthenticated connections is open"
            case .addressFull: "the maximum number of unauthenticated connections from this address is open"
            }
        }
    }

    /// Counts a new connection from `address` as open and unauthenticated, or says why not.
    mutating func admit(_ address: String) -> Refusal? {
        if open >= maxOpen { return .full }
        if unauthenticated >= maxUnauthenticated { return .unauthenticatedFull }
        let fromAddress = perAddress[address, default: 0]
        if fromAddress >= maxUnauthenticatedPerAddress { return .addressFull }
        open += 1
        unauthenticated += 1
        perAddress[address] = fromAddress + 1
        peak = max(peak, open)
        return nil
    }

    /// The connection from `address` authenticated: it leaves the unauthenticated counts.
    mutating func authenticated(_ address: String) {
        release(address)
    }

    /// The connection closed. Returns whether the heap should be trimmed now.
    mutating func closed(_ address: String, wasAuthenticated: Bool) -> Bool {
        if !wasAuthenticated { release(address) }
        open -= 1
        guard peak - open >= trimAfterClosing, open <= peak / 2 else { return false }
        peak = open
        return true
    }

    /// Unauthenticated connections from `address` now.
    func unauthenticated(from address: String) -> Int { perAddress[address, default: 0] }

    private mutating func release(_ address: String) {
        unauthenticated -= 1
        let n = perAddress[address, default: 0] - 1
        perAddress[address] = n > 0 ? n : nil
    }
}

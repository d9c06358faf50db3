internal import CLinux
import Glibc
import Synchronization

/// Something registered with an event loop for readiness notifications. Called on the loop's thread.
protocol Selectable: AnyObject {
    var fileDescriptor: Int32 { get }
    func readable()
    func writable()
    /// The peer hung up or the descriptor is in error.
    func hangup()
}

/// One thread running `epoll_wait`, with a task queue and timers.
///
/// Everything registered with a loop is confined to its thread: handlers run there, and other
/// threads reach them through ``execute(_:)``. A small fixed set of loops serves every connection
/// (never a thread per connection).
public final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: `registrations`, `timers` and `nextTimerID` are only touched on the loop
    // thread (checked by `assertInLoop`); `tasks` is behind a Mutex; epfd/wakeFD are immutable.
    let epfd: Int32
    /// The wake-up eventfd, open as long as the loop object lives (closed in `deinit`, not when
    /// the loop stops): `execute` writes to it from any thread without a lock, and a descriptor
    /// closed while a writer could still hold its number would let 8 bytes land in whatever
    /// socket was opened next under that number.
    private let wakeFD: Int32
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private var registrations: [Int32: Selectable] = [:]
    private var timers = TimerHeap()
    private var nextTimerID: UInt64 = 1
    /// ``LoopState``'s raw value: read by the loop once per iteration and by `execute`'s callers
    /// without a lock (a lock here was the loop thread's most contended one: every wake-up's
    /// writer held it through its `write` system call, while the woken loop spun for it).
    private let state = Atomic<UInt8>(LoopState.running.rawValue)
    /// For joining the thread; touched only by the threads that start and shut down the loop.
    private var threadID: pthread_t? = nil
    /// The loop thread's id, stored by that thread as it starts (0 before): `inEventLoop` is
    /// asked from any thread (by `execute`).
    private let loopThread = Atomic<UInt>(0)
    private let started = Mutex<Bool>(false)
    /// A wake-up is written and the loop has not yet taken the tasks queued before it: further
    /// `execute` calls from other threads need not write again (one write per batch of tasks,
    /// not one per task).
    private let wakePending = Atomic<Bool>(false)
    public let name: String
    /// One buffer for every connection on this loop to read from the socket and decrypt through
    /// (loop thread only; nothing keeps a pointer into it between handler calls). A 64 KiB array
    /// per read event used to cost an allocation, a memset and a malloc_consolidate per call.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)

    enum LoopState: UInt8 { case running, stopping, stopped }

    public init(name: String) throws(IOError) {
        self.name = name
        epfd = try Sys.call("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        wakeFD = try Sys.call("eventfd") { eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) }
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue
        ev.data.fd = wakeFD
        _ = try Sys.call("epoll_ctl(ADD eventfd)") { epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFD, &ev) }
    }

    deinit {
        scratch.deallocate()
        Sys.close(wakeFD)
        // A loop never started never closed its epoll descriptor.
        if state.load(ordering: .acquiring) != LoopState.stopped.rawValue { Sys.close(epfd) }
    }

    /// Starts the loop on its own thread.
    public func start() {
        let box = Unmanaged.passRetained(self)
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        var tid = pthread_t()
        let r = pthread_create(&tid, &attr, { arg in
            let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.run()
            return nil
        }, box.toOpaque())
        precondition(r == 0, "pthread_create failed: \(r)")
        pthread_attr_destroy(&attr)
        threadID = tid
        started.withLock { $0 = true }
    }

    /// Whether the caller is on this loop's thread.
    public var inEventLoop: Bool {
        loopThread.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// Runs `task` on the loop's thread (soon, never inline).
    public func execute(_ task: @escaping @Sendable () -> Void) {
        tasks.withLock { $0.append(task) }
        // On the loop's own thread the task runs before the next epoll_wait: no wake-up needed.
        guard !inEventLoop else { return }
        // The loop clears the flag before it takes the queued tasks, so a task queued after that
        // sees it clear and writes; one queued before is taken in the same batch.
        guard wakePending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        // No lock: the descriptor stays open while anyone can call this (it closes in `deinit`).
        // A write after the loop stopped lands in an eventfd nobody reads.
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Asks the loop to stop after its current iteration and waits for its thread to end.
    public func shutdown() {
        _ = state.compareExchange(
            expected: LoopState.running.rawValue, desired: LoopState.stopping.rawValue, ordering: .acquiringAndReleasing)
        execute {}
        if let t = threadID, !inEventLoop {
            pthread_join(t, nil)
            threadID = nil
        }
    }

    // MARK: Loop-confined API

    func register(_ s: Selectable, writable: Bool = false) throws(IOError) {
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (writable ? EPOLLOUT.rawValue : 0)
        ev.data.fd = s.fileDescriptor
        _ = try Sys.call("epoll_ctl(ADD)") { epoll_ctl(epfd, EPOLL_CTL_ADD, s.fileDescriptor, &ev) }
        registrations[s.fileDescriptor] = s
    }

    func setWritableInterest(_ s: Selectable, _ writable: Bool) {
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (writable ? EPOLLOUT.rawValue : 0)
        ev.data.fd = s.fileDescriptor
        _ = epoll_ctl(epfd, EPOLL_CTL_MOD, s.fileDescriptor, &ev)
    }

    func deregister(_ s: Selectable) {
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, s.fileDescriptor, nil)
        registrations[s.fileDescriptor] = nil
    }

    /// A timer that can be cancelled.
    public struct TimerID: Hashable, Sendable { var raw: UInt64 }

    /// Runs `task` on the loop after `milliseconds` (loop thread only).
    @discardableResult
    public func schedule(afterMilliseconds ms: Int64, _ task: @escaping () -> Void) -> TimerID {
        let id = TimerID(raw: nextTimerID)
        nextTimerID += 1
        timers.push(deadline: Sys.monotonicMilliseconds() + max(0, ms), id: id.raw, task: task)
        return id
    }

    /// Cancels a timer (loop thread only); a fired or unknown timer is ignored.
    public func cancel(_ id: TimerID) {
        timers.cancel(id.raw)
    }

    // MARK: The loop

    private func run() {
        _ = clinux_name_thread(name)
        loopThread.store(UInt(pthread_self()), ordering: .releasing)
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var spare: [@Sendable () -> Void] = []
        while state.load(ordering: .acquiring) == LoopState.running.rawValue {
            let timeout: Int32
            if tasks.withLock({ !$0.isEmpty }) {
                // Queued from the loop's own thread (by a timer, say), which does not write the
                // wake-up descriptor: poll, run them, and only then wait.
                timeout = 0
            } else if let next = timers.nextDeadline {
                timeout = Int32(clamping: max(0, next - Sys.monotonicMilliseconds()))
            } else {
                timeout = -1
            }
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(epfd, $0.baseAddress, Int32($0.count), timeout) }
            if n < 0 {
                if errno == EINTR { continue }
                fatalError("epoll_wait: \(IOError("epoll_wait", errno: errno))")
            }
            for i in 0..<Int(n) {
                let ev = events[i]
                let fd = ev.data.fd
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    continue
                }
                // A handler may close and deregister another descriptor; look each one up afresh.
                if ev.events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0, let s = registrations[fd] { s.readable() }
                if ev.events & EPOLLOUT.rawValue != 0, let s = registrations[fd] { s.writable() }
                if ev.events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0, let s = registrations[fd] { s.hangup() }
            }
            wakePending.store(false, ordering: .sequentiallyConsistent)
            runTasks(&spare)
            let now = Sys.monotonicMilliseconds()
            while let task = timers.popDue(now: now) { task() }
        }
        // Stopping: run what was queued, then close everything still registered.
        runTasks(&spare)
        for s in Array(registrations.values) { s.hangup() }
        registrations.removeAll()
        // Timers never fire after the loop stops: drop them, and what their closures hold.
        timers = TimerHeap()
        loopThread.store(0, ordering: .releasing)
        Sys.close(epfd)
        state.store(LoopState.stopped.rawValue, ordering: .releasing)
    }

    /// Runs the queued tasks, and those they queue, until none is left. The queue's array and
    /// `spare` trade places under the lock, so taking a batch neither copies nor allocates.
    private func runTasks(_ spare: inout [@Sendable () -> Void]) {
        while true {
            tasks.withLock { swap(&$0, &spare) }
            if spare.isEmpty { return }
            for task in spare { task() }
            spare.removeAll(keepingCapacity: true)
        }
    }
}

/// An event loop can run Swift tasks: jobs of a task that prefers this loop as its executor
/// (`Task(executorPreference: loop)`) run on the loop's thread, between I/O events.
extension EventLoop: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// A min-heap of timers by deadline; cancellation marks entries dead.
struct TimerHeap {
    private var heap: [(deadline: Int64, id: UInt64)] = []
    private var tasks: [UInt64: () -> Void] = [:]

    var nextDeadline: Int64? {
        mutating get {
            while let top = heap.first, tasks[top.id] == nil { popTop() }
            return heap.first?.deadline
        }
    }

    mutating func push(deadline: Int64, id: UInt64, task: @escaping () -> Void) {
        tasks[id] = task
        heap.append((deadline, id))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if heap[parent].deadline <= heap[i].deadline { break }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    mutating func cancel(_ id: UInt64) { tasks[id] = nil }

    mutating func popDue(now: Int64) -> (() -> Void)? {
        while let top = heap.first {
            guard let task = tasks[top.id] else {
                popTop()
                continue
            }
            guard top.deadline <= now else { return nil }
            popTop()
            tasks[top.id] = nil
            return task
        }
        return nil
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < heap.count, heap[l].deadline < heap[m].deadline { m = l }
            if r < heap.count, heap[r].deadline < heap[m].deadline { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
    }
}

/// A fixed set of event loops; connections are spread across them round-robin.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let next = Atomic<Int>(0)

    /// The CPUs this process may run on: its affinity (`taskset`, a container's cpuset), not
    /// the machine's count. At least 1.
    public static var allowedCPUCount: Int {
        let n = clinux_allowed_cpus(nil, 0)
        return n > 0 ? Int(n) : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Starts `count` loops (default: one per CPU this process may run on, at least 1).
    public init(count: Int = EventLoopGroup.allowedCPUCount) throws(IOError) {
        var loops: [EventLoop] = []
        for i in 0..<max(1, count) {
            let l = try EventLoop(name: "loop-\(i)")
            l.start()
            loops.append(l)
        }
        self.loops = loops
    }

    /// The next loop in turn.
    public func nextLoop() -> EventLoop {
        loops[next.add(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// Stops every loop.
    public func shutdown() {
        for l in loops { l.shutdown() }
    }
}

import Glibc

/// The bytes the calling thread has allocated and freed so far, from jemalloc's per-thread
/// counters (`thread.allocated`, `thread.deallocated`: exact, thread caches included), or nil when
/// jemalloc is not the process's allocator. The test binary links it through schedulerd.
public func threadAllocationCounters() -> (allocated: UInt64, deallocated: UInt64)? {
    typealias MallCtl = @convention(c) (
        UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
    ) -> Int32
    // A null handle is RTLD_DEFAULT: the symbol as the process resolves it.
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctl") else { return nil }
    let mallctl = unsafeBitCast(symbol, to: MallCtl.self)
    var allocated: UInt64 = 0
    var deallocated: UInt64 = 0
    var length = MemoryLayout<UInt64>.size
    guard mallctl("thread.allocated", &allocated, &length, nil, 0) == 0 else { return nil }
    length = MemoryLayout<UInt64>.size
    guard mallctl("thread.deallocated", &deallocated, &length, nil, 0) == 0 else { return nil }
    return (allocated, deallocated)
}

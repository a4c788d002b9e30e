import CGhostKernels

/// Persistent worker threads (created once; no thread creation per matmul). Blocking fork-join.
///
/// Idle workers spin for a few hundred microseconds after each job, so consecutive matmuls
/// of a decode step don't pay a wake-up each, and then sleep, so an idle chat costs no CPU.
public final class ThreadPool: @unchecked Sendable {
    let pool: OpaquePointer

    /// Threads taking part in every `parallelFor`, the calling thread included.
    public let threadCount: Int

    /// Starts `threads - 1` workers; the thread calling `parallelFor` is the remaining one.
    public init(threads: Int) {
        precondition(threads >= 1, "a pool needs at least one thread")
        guard let p = gk_pool_create(Int32(threads)) else { fatalError("cannot allocate thread pool") }
        pool = p
        threadCount = Int(gk_pool_threads(p))
    }

    deinit { gk_pool_destroy(pool) }

    /// Runs body(i) for every i in 0..<count spread over the threads; returns when all are done.
    ///
    /// A call made while another is in flight on this pool (from `body`, or from another
    /// thread) still runs every index, but serially on the calling thread.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        if threadCount == 1 || count == 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var box = body
            withUnsafeMutablePointer(to: &box) { ctx in
                gk_pool_run(pool, Int64(count), { ctx, i in
                    ctx!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(i))
                }, ctx)
            }
        }
    }

    /// How long idle workers spin before sleeping, in microseconds (default 300).
    public func setSpinMicroseconds(_ us: Int) { gk_pool_set_spin_us(pool, Int32(clamping: us)) }
}

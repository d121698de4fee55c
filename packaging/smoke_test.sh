#!/usr/bin/env bash
# Run the BUILT bundle (not the source): a fresh first run offline, the headless demo (train the
# demo shop, answer sample questions), and an offscreen screenshot of the main window; then the
# start-up time of the frozen app against the source install's. Run after packaging/build.sh:
#
#   bash packaging/smoke_test.sh [dist/StandardQ]
set -euo pipefail
cd "$(dirname "$0")/.."
APP=${1:-dist/StandardQ}
CLI="$APP/standardq-cli"
[ -x "$CLI" ] || { echo "no bundle at $APP: run packaging/build.sh first" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export STANDARDQ_CACHE="$WORK/cache" STANDARDQ_CONFIG="$WORK/config" HF_HUB_OFFLINE=1 QT_QPA_PLATFORM=offscreen

echo "== self-check: every module and data file the app's paths use, all failures listed at once"
"$CLI" --selfcheck

echo "== version"
"$CLI" --version

echo "== headless demo (first run: the encoder is rebuilt from the bundled weights, offline)"
start=$(date +%s)
"$CLI" --home "$WORK/data" demo 2> >(tee "$WORK/demo.err" >&2) | tee "$WORK/demo.txt"
echo "demo took $(( $(date +%s) - start )) s"
grep -q "answer" "$WORK/demo.txt" || { echo "the demo answered nothing" >&2; exit 1; }
# A module or data file the bundle misses may be caught and logged rather than fatal: fail on those too.
missing() { grep -E "ModuleNotFoundError|No module named|FileNotFoundError|cannot import name|is .* correctly installed" "$@"; }
if missing "$WORK/demo.txt" "$WORK/demo.err"; then echo "the frozen app misses a module or file (above)" >&2; exit 1; fi
# the exported graphs were fused (onnxruntime.transformers must be importable in the frozen app)
metas=$(find "$WORK/data" -name standardq_encoder.json)
[ -n "$metas" ] || { echo "no exported encoder found" >&2; exit 1; }
for meta in $metas; do
  grep -q '"Attention"' "$meta" || { echo "not fused: $meta" >&2; cat "$meta" >&2; exit 1; }
done

echo "== screenshot of the main window"
"$CLI" --home "$WORK/data" gui --screenshot "$WORK/main.png" 2> "$WORK/shot.err" || { cat "$WORK/shot.err"; exit 1; }
# the live plot's library must import in the frozen app (it needs Qt modules the spec could trim)
if grep -q "pyqtgraph could not be imported" "$WORK/shot.err" || missing "$WORK/shot.err"; then cat "$WORK/shot.err"; exit 1; fi
python3 - "$WORK/main.png" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read(24)
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert w >= 800 and h >= 500, (w, h)
print(f"screenshot {w}x{h}")
PY
mkdir -p bench/out && cp "$WORK/main.png" bench/out/bundle_screenshot.png

echo "== start-up: process start to the window rendered and saved (screenshot command), 3 runs each"
# Two homes: the demo shop untrained (the editor alone), and trained (the window also opens the
# shop's model, parsing its tokenizer, before the command exits).
"$CLI" --home "$WORK/fresh" gui --screenshot "$WORK/t.png"  # creates the demo shop, untrained
for home in fresh data; do
    for i in 1 2 3; do
        TIMEFORMAT="frozen, $home home: %R s"; time "$CLI" --home "$WORK/$home" gui --screenshot "$WORK/t.png"
    done
    if [ -x .venv/bin/standardq ]; then
        for i in 1 2 3; do
            TIMEFORMAT="source, $home home: %R s"; time .venv/bin/standardq --home "$WORK/$home" gui --screenshot "$WORK/t.png"
        done
    fi
done
echo "bundle size: $(du -sh "$APP" | cut -f1)"
echo "smoke test passed"

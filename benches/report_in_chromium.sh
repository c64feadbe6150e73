#!/usr/bin/env bash
# Renders `sequda report` in headless Chromium (issue #36 item 3, acceptance C): checks that
# the page has every section, that every chart is drawn with a size and no image is broken,
# and that nothing outside the file was requested; then records a screenshot.
#
#   benches/report_in_chromium.sh [RUN [COMPARE_RUN]]
#
# Without RUN it trains two small runs on the sample data first (SeqUDA-Rec and SASRec-CE,
# 3 epochs, about a minute each on 2 cores). Needs chromium (apt-get install chromium).
# SEQUDA names the binary (default: target/release/sequda, built when missing).
# OUT is where the page, the check and the screenshot go (default /tmp/report-check);
# SCREENSHOT=1 also copies the screenshot to assets/screenshots/report.png.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/report-check}
mkdir -p "$out"
sequda=${SEQUDA:-target/release/sequda}
[ -x "$sequda" ] || cargo build --release --bin sequda
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "report_in_chromium: no chromium on PATH (apt-get install chromium)" >&2; exit 2; }

run=${1:-}
compare=${2:-}
if [ -z "$run" ]; then
  for model in sequda sasrec; do
    rm -rf "$out/$model"
    "$sequda" train --data sample_data/ad_events.csv --model "$model" --device cpu --seed 1 \
      --epochs 3 --out "$out/$model" 2>&1 | tail -1
  done
  run=$out/sequda
  compare=$out/sasrec
fi
args=(report --run "$run" --out "$out/report.html")
[ -n "$compare" ] && args+=(--compare "$compare")
"$sequda" "${args[@]}"

# A copy of the page with a probe appended: after load it lists what it found into the DOM,
# which --dump-dom prints. The report itself has no script.
probe='<script>
addEventListener("load", () => {
  const ids = [...document.querySelectorAll("section[id]")].map(s => s.id);
  const svgs = [...document.querySelectorAll("svg")];
  const empty = svgs.filter(s => { const r = s.getBoundingClientRect(); return r.width < 50 || r.height < 50; });
  const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0);
  const external = performance.getEntriesByType("resource").map(r => r.name);
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify({sections: ids, charts: svgs.length, empty_charts: empty.length,
    broken_images: broken.length, requests: external, height: document.body.scrollHeight});
  document.body.appendChild(pre);
});
</script>'
sed "s#</body>#${probe//$'\n'/ }</body>#" "$out/report.html" > "$out/probe.html"
flags=(--headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
       --disable-extensions --allow-file-access-from-files)
"$browser" "${flags[@]}" --window-size=1200,900 --virtual-time-budget=5000 --dump-dom "file://$out/probe.html" \
  2>/dev/null | sed -n 's#.*<pre id="probe">\(.*\)</pre>.*#\1#p' | sed 's/&quot;/"/g' > "$out/probe.json"
cat "$out/probe.json"
python3 - "$out/probe.json" "$compare" <<'EOF'
import json, sys
probe = json.load(open(sys.argv[1]))
expected = ["summary", "data", "curves", "metrics", "attention", "synthetic", "audience"]
if sys.argv[2]:
    expected.insert(4, "comparison")
problems = []
if probe["sections"] != expected:
    problems.append(f"sections {probe['sections']} != {expected}")
if probe["charts"] < 3 or probe["empty_charts"]:
    problems.append(f"{probe['charts']} charts, {probe['empty_charts']} drawn without a size")
if probe["broken_images"]:
    problems.append(f"{probe['broken_images']} broken images")
if probe["requests"]:
    problems.append(f"requests outside the page: {probe['requests']}")
if problems:
    sys.exit("report_in_chromium: " + "; ".join(problems))
print(f"report_in_chromium: ok: {len(probe['sections'])} sections, {probe['charts']} charts, "
      f"no broken image, no request; page {probe['height']} px tall")
EOF
height=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['height'] + 40)" "$out/probe.json")
"$browser" "${flags[@]}" --window-size=1200,"$height" --screenshot="$out/report.png" \
  "file://$out/report.html" 2>/dev/null >/dev/null
echo "report_in_chromium: screenshot $out/report.png"
if [ "${SCREENSHOT:-0}" = 1 ]; then
  cp "$out/report.png" assets/screenshots/report.png
  echo "report_in_chromium: copied to assets/screenshots/report.png"
fi

"""Turns bench/run.sh's raw wrk results into the Markdown table (stdout). Not for direct use."""
import os
import statistics
import sys
from collections import defaultdict

runs_file, machine, duration, runs, tokens, distributed_ok, durable = sys.argv[1:8]

NAMES = {
    "ceiling": "ceiling: HTTP only",
    "embedded": "embedded: successful purchases",
    "soldout": "embedded: sold-out rejections",
    "ceiling-redis": "ceiling: HTTP + 1 EVALSHA",
    "distributed": "distributed: successful purchases",
}
# scenario -> (its ceiling, least req/s ratio, most p99 ratio or None)
TARGETS = {
    "embedded": ("ceiling", 0.50, 3.0),
    "soldout": ("ceiling", 0.80, None),
    "distributed": ("ceiling-redis", 0.50, None),
    "ceiling-redis": ("ceiling", None, None),
}

REF_LABEL = {"ceiling": "HTTP", "ceiling-redis": "HTTP + EVALSHA"}

rows = defaultdict(list)
warmups = defaultdict(list)
with open(runs_file) as f:
    for line in f:
        scenario, conns, label, values = line.rstrip("\n").split("\t")
        if label.startswith("warmup"):
            warmups[scenario].append((int(label[6:] or 1), float(dict(i.split("=") for i in values.split())["rps"])))
            continue
        kv = dict(item.split("=") for item in values.split())
        rows[(scenario, int(conns))].append({k: float(v) for k, v in kv.items()})


def summary(key):
    data = rows.get(key)
    if not data:
        return None
    rps = [d["rps"] for d in data]
    return {
        "rps": statistics.median(rps), "min": min(rps), "max": max(rps),
        "p50": statistics.median(d["p50_us"] for d in data) / 1000,
        "p99": statistics.median(d["p99_us"] for d in data) / 1000,
        "non2xx": sum(d["non2xx"] for d in data) / max(1, sum(d["requests"] for d in data)),
        "errors": sum(d["connect"] + d["read"] + d["write"] + d["timeout"] for d in data),
        "n": len(data),
    }


out = []
out.append("## Purchases: latest run\n")
out.append(f"Machine: {machine}.  ")
stores_cpu = os.environ.get("STORES_CPU", "0")
stores = "with the servers" if stores_cpu == "0" else f"on CPU {stores_cpu}, beside wrk"
out.append(f"Each cell: {runs} wrk runs of {duration} (1 thread on CPU 1; servers on CPU 0; Redis and PostgreSQL {stores}), "
           f"{tokens} bearer tokens rotating; req/s as median (min–max), latencies as the median of the runs' percentiles.\n")
out.append("| scenario | conns | req/s median (min–max) | p50 ms | p99 ms | non-2xx | socket errors | vs | req/s ratio | p99 ratio | target | met |")
out.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|")
conns_seen = sorted({c for (_, c) in rows})
for scenario in NAMES:
    for conns in conns_seen:
        s = summary((scenario, conns))
        if s is None:
            continue
        ref_name, least, most = TARGETS.get(scenario, (None, None, None))
        ref = summary((ref_name, conns)) if ref_name else None
        ratio = p99_ratio = "–"
        target = met = "–"
        if ref:
            r, p = s["rps"] / ref["rps"], s["p99"] / ref["p99"]
            ratio, p99_ratio = f"{r:.2f}", f"{p:.2f}"
            if least is not None:
                target = f"≥ {least:.2f}" + (f", p99 ≤ {most:.0f}×" if most else "")
                met = "yes" if r >= least and (most is None or p <= most) else "**no**"
        out.append(
            f"| {NAMES[scenario]} | {conns} | {s['rps']:,.0f} ({s['min']:,.0f}–{s['max']:,.0f}) | {s['p50']:.2f} | {s['p99']:.2f} "
            f"| {s['non2xx']:.1%} | {s['errors']:.0f} | {REF_LABEL.get(ref_name, '–')} "
            f"| {ratio} | {p99_ratio} | {target} | {met} |")
if distributed_ok != "1":
    out.append("| distributed: successful purchases | – | not available | | | | | | | | ≥ 0.50 | – |")
out.append("")
out.append("non-2xx: share of answers that were not 2xx. It must be 0% for successful purchases (every one a 201) "
           "and is ~100% for sold-out rejections (409 `sold_out`) by design.")
if durable:
    out.append("")
    out.append(durable)
if warmups:
    out.append("")
    out.append("Warm-up (256 connections, windows until two in a row agree within 5%, at least 3). The first window of "
               "a server's first scenario (ceiling, embedded successful, distributed) is its cold start; sold-out and "
               "HTTP + EVALSHA run on a server the scenario before them warmed. The last window is the steady state.\n")
    out.append("| scenario | first window req/s | windows to steady | last window req/s |")
    out.append("|---|---:|---:|---:|")
    for scenario in NAMES:
        w = sorted(warmups.get(scenario, []))
        if w:
            out.append(f"| {NAMES[scenario]} | {w[0][1]:,.0f} | {len(w)} | {w[-1][1]:,.0f} |")
print("\n".join(out))

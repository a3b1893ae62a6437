#!/usr/bin/env python3
"""jmh-report.py RESULT.json [META] -> a Markdown table of a JMH run made with -prof gc.

Columns: benchmark, parameters, time per operation (± 99.9% error), allocation per operation
(gc.alloc.rate.norm, B/op), and a derived rate: GB/s for checksums (size bytes / time per op), otherwise
millions of operations per second. Stdlib only."""
import json, sys

# Benchmarks whose one operation moves a fixed number of payload bytes (rate column in Gbit/s).
BYTES_PER_OP = {"TcpTransferBench": 64 << 20}

def fmt(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "?"
    if x != x:  # NaN: JMH gives no error with a single iteration
        return "?"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"

def main():
    runs = json.load(open(sys.argv[1]))
    print("| benchmark | params | time/op | alloc B/op | rate |")
    print("|---|---|---|---|---|")
    for r in runs:
        name = r["benchmark"].replace("io.jstack.bench.", "")
        params = r.get("params", {})
        p = " ".join(f"{k}={v}" for k, v in params.items()) or "-"
        pm = r["primaryMetric"]
        score, err, unit = pm["score"], pm.get("scoreError", float("nan")), pm["scoreUnit"]
        ns = score
        if unit == "us/op":
            ns = score * 1e3
        elif unit == "ms/op":
            ns = score * 1e6
        elif unit == "s/op":
            ns = score * 1e9
        elif unit != "ns/op":
            ns = None
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        b = fmt(alloc["score"]) if alloc else "n/a (run without -prof gc)"
        if ns is None:
            rate = "-"
        elif name.startswith("ChecksumBench") and "size" in params:
            rate = f"{int(params['size']) / ns:.2f} GB/s"
        elif name.split(".")[0] in BYTES_PER_OP:
            rate = f"{BYTES_PER_OP[name.split('.')[0]] * 8 / ns:.2f} Gbit/s"
        else:
            rate = f"{1e3 / ns:.3f} M op/s"
        print(f"| {name} | {p} | {fmt(score)} ± {fmt(err)} {unit} | {b} | {rate} |")
    jvm = runs[0].get("vmName", "?") + " " + runs[0].get("jdkVersion", "?") if runs else "?"
    forks = {r.get("forks") for r in runs}
    its = {(r.get("warmupIterations"), r.get("warmupTime"), r.get("measurementIterations"),
            r.get("measurementTime")) for r in runs}
    print()
    print(f"JVM: {jvm}; forks {sorted(forks)}; (warmup its, time, measurement its, time) {sorted(its)}.")

main()

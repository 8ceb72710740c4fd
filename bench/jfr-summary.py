#!/usr/bin/env python3
"""Summarizes CPU samples (jdk.ExecutionSample) and allocations of a JFR recording.

    bench/jfr-summary.py RECORDING.jfr [--top N] [--jfr PATH_TO_jfr]

Prints, over all Java execution samples:
  * the Legate stage each sample is in (the outermost dev.legate frame below the entry point);
  * inclusive time by method ("total": the method is anywhere on the stack), for dev.legate methods and for all;
  * self time by method (top frame);
and, when the recording has jdk.ObjectAllocationSample events, allocation weight by Legate method and by class.
Also prints CPU used by the JIT compiler and GC threads (jdk.ThreadCPULoad), which compete with the application on a
2-core machine.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys


def frames_of(event):
    st = event.get("values", {}).get("stackTrace") or event.get("stackTrace")
    if not st:
        return []
    out = []
    for f in st.get("frames", []):
        m = f.get("method", {})
        t = m.get("type", {}).get("name", "?")
        out.append((t + "." + m.get("name", "?")).replace("/", "."))
    return out  # top frame first


def events(jfr, recording, names):
    cmd = [jfr, "print", "--json", "--events", ",".join(names), "--stack-depth", "4096", recording]
    data = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(data)["recording"]["events"]


# (marker, label): a sample whose stack holds the marker is in that stage; nested stages are joined with " > ".
STAGES = [
    ("dev.legate.compiler.config.ConfigDirectory.read", "read+parse YAML"),
    ("dev.legate.compiler.config.YamlDocuments.parse", "parse YAML"),
    ("dev.legate.bench.ConfigGenerator.snapshot", "generate+parse YAML"),
    ("dev.legate.compiler.Compiler.compile", "compile"),
    ("dev.legate.compiler.config.ResourceDecoder.decode", "decode+validate"),
    ("dev.legate.compiler.ir.IrBuilder.build", "IR"),
    ("dev.legate.compiler.ir.MappingCompiler.compile", "mappings"),
    ("dev.legate.compiler.ir.ListenerBinder.bind", "bind listeners"),
    ("dev.legate.compiler.ir.IrBuilder.reportUnrouted", "report unrouted"),
    ("dev.legate.compiler.envoy.EnvoyTranslator.translate", "Envoy translation"),
    ("dev.legate.compiler.envoy.ClusterTranslator.translate", "clusters"),
    ("dev.legate.compiler.envoy.RouteTranslator.translate", "routes"),
    ("dev.legate.compiler.envoy.ListenerTranslator.translate", "listeners"),
    ("dev.legate.envoy.constraints.EnvoyConstraints.violations", "Envoy constraints"),
    ("dev.legate.compiler.output.EnvoyJson.write", "write envoy.json"),
    ("dev.legate.compiler.output.EnvoyJson.writeBootstrap", "write envoy.json"),
    ("dev.legate.compiler.output.Reports.writeIrJson", "write ir.json"),
    ("dev.legate.compiler.output.Reports.irJson", "write ir.json"),
    ("dev.legate.compiler.output.Reports.diagnosticsJson", "write diagnostics.json"),
    ("dev.legate.compiler.output.Reports.snapshotYaml", "write snapshot.yaml"),
    ("dev.legate.app.CompileCommand.routeCount", "summary line: count routes"),
    ("dev.legate.app.CompileCommand.report", "summary line"),
    # legate serve (bench/serve.sh): one reconfiguration, and what runs beside it
    ("dev.legate.app.serve.Reconfigurer.run", "serve: reconfiguration"),
    ("dev.legate.app.serve.XdsPublisher.publish", "publish"),
    ("dev.legate.xds.ConsistencyCheck.check", "consistency check"),
    ("dev.legate.xds.ContentSnapshot.of", "content snapshot (serialize + hash)"),
    ("dev.legate.xds.ClientTracker.awaitAnswers", "wait for ACKs"),
    ("dev.legate.app.serve.SnapshotStore.write", "serve: snapshot on disk"),
    ("dev.legate.xds.PackedSerializer.serialize", "serve: xDS response (gRPC)"),
    ("dev.legate.xds.ClientTracker.onV3StreamRequest", "serve: xDS request (gRPC)"),
    ("dev.legate.xds.ClientTracker.onV3StreamResponse", "serve: xDS response (gRPC)"),
    ("dev.legate.sources.DirectoryWatcher.loop", "serve: directory watcher"),
]


def stage(frames):
    """Where the sample is: the Legate stages on its stack, outermost first."""
    present = set(frames)
    labels = []
    for f in reversed(frames):  # outermost first
        for marker, label in STAGES:
            if f == marker and label not in labels:
                labels.append(label)
    if labels:
        return " > ".join(labels)
    legate = [f for f in frames if f.startswith("dev.legate.")]
    if legate:
        return "(other Legate code: " + legate[-1].replace("dev.legate.", "") + ")"
    if frames and frames[-1].startswith("java.lang.Thread.run"):
        return "(other thread)"
    return "(JVM start-up, class loading, other)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--stage", action="append", default=[],
                    help="also break down the samples of this stage (a prefix of its label, e.g. 'compile > IR')")
    ap.add_argument("--jfr", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jfr"))
    args = ap.parse_args()

    samples = events(args.jfr, args.recording, ["jdk.ExecutionSample"])
    n = len(samples)
    if n == 0:
        print("no execution samples")
        return
    stages = collections.Counter()
    inclusive = collections.Counter()
    selft = collections.Counter()
    threads = collections.Counter()
    for e in samples:
        fr = frames_of(e)
        if not fr:
            continue
        t = e.get("values", {}).get("sampledThread") or {}
        # Pool threads are numbered (grpc-default-executor-3, ...): count them together.
        threads[re.sub(r"[-#]?\d+$", "-N", t.get("javaName") or t.get("osName") or "?")] += 1
        stages[stage(fr)] += 1
        selft[fr[0]] += 1
        for m in set(fr):
            inclusive[m] += 1

    def show(title, counter, filt=lambda k: True, top=args.top):
        print(f"\n== {title} ({n} samples)")
        for k, v in [(k, v) for k, v in counter.most_common() if filt(k)][:top]:
            print(f"  {100.0 * v / n:5.1f}%  {v:6d}  {k}")

    show("stage (outermost Legate frame)", stages)
    show("thread (Java threads only; numbered pool threads together)", threads)
    for wanted in args.stage:
        inc = collections.Counter()
        own = collections.Counter()
        count = 0
        for e in samples:
            fr = frames_of(e)
            if fr and stage(fr).startswith(wanted):
                count += 1
                own[fr[0]] += 1
                for m in set(fr):
                    inc[m] += 1
        show(f"stage '{wanted}': {count} samples; inclusive", inc, lambda k: k not in (
            "dev.legate.bench.CompileCheck.main", "dev.legate.app.Main.main"))
        show(f"stage '{wanted}': self", own)
    show("inclusive, Legate methods", inclusive, lambda k: k.startswith("dev.legate."))
    show("inclusive, library methods", inclusive, lambda k: not k.startswith(("dev.legate.", "java.", "jdk.")))
    show("self (top frame)", selft)

    try:
        stats = events(args.jfr, args.recording, ["jdk.CompilerStatistics", "jdk.GarbageCollection"])
    except subprocess.CalledProcessError:
        stats = []
    comp = [e["values"] for e in stats if e.get("type") == "jdk.CompilerStatistics"]
    gcs = [e["values"] for e in stats if e.get("type") == "jdk.GarbageCollection"]
    if comp:
        last = comp[-1]
        print(f"\n== JIT: {last.get('compileCount')} methods compiled, {last.get('totalTimeSpent')} (ISO-8601) spent compiling "
              "(compiler threads, competing with the application for the cores)")
    if gcs:
        def dur(v):
            v = str(v)
            m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", v)
            if m:
                return int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3) or 0)
            for unit, f in (("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("s", 1.0)):
                if v.endswith(unit):
                    return float(v[:-len(unit)].replace(",", "").strip()) * f
            return 0.0
        total = sum(dur(g.get("sumOfPauses", 0)) for g in gcs)
        print(f"== GC: {len(gcs)} collections, {total * 1000:.0f} ms of pauses")

    try:
        allocs = events(args.jfr, args.recording, ["jdk.ObjectAllocationSample"])
    except subprocess.CalledProcessError:
        allocs = []
    if allocs:
        by_method = collections.Counter()
        by_class = collections.Counter()
        by_stage = collections.Counter()
        total = 0
        for e in allocs:
            v = e["values"]
            w = int(v.get("weight", 0))
            total += w
            by_class[v.get("objectClass", {}).get("name", "?")] += w
            fr = frames_of(e)
            by_stage[stage(fr)] += w
            seen = set()
            for f in fr:
                if f.startswith("dev.legate.") and f not in seen:
                    seen.add(f)
                    by_method[f] += w
        print(f"\n== allocation (sampled weight), total {total / 1e6:.0f} MB")
        for title, c in (("by stage", by_stage), ("by Legate method (inclusive)", by_method), ("by class", by_class)):
            print(f"-- {title}")
            for k, v in c.most_common(args.top):
                print(f"  {100.0 * v / total:5.1f}%  {v / 1e6:8.1f} MB  {k}")

    try:
        loads = events(args.jfr, args.recording, ["jdk.ThreadCPULoad"])
    except subprocess.CalledProcessError:
        loads = []
    if loads:
        per_thread = collections.defaultdict(list)
        for e in loads:
            v = e["values"]
            name = (v.get("eventThread") or {}).get("javaName") or (v.get("eventThread") or {}).get("osName") or "?"
            per_thread[name].append(float(v.get("user", 0)) + float(v.get("system", 0)))
        print("\n== mean CPU load by thread (share of the whole machine, from jdk.ThreadCPULoad)")
        rows = sorted(((sum(v) / len(v), k) for k, v in per_thread.items()), reverse=True)
        for load, name in rows[:12]:
            print(f"  {100 * load:5.1f}%  {name}")


if __name__ == "__main__":
    sys.exit(main())

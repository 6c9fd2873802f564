#!/usr/bin/env python3
"""root:// read benchmark on loopback: hadron-xrootd vs xrdcp, and round trips of a sparse branch read.

Starts a throw-away xrootd 5.5 server exporting the benchmark directory, then
  1. whole-file reads of every file (together >= 1 GB): `xrdcp -f URL /dev/null` vs the
     `xrd_read get URL` example (ObjectStore::get -> concurrent kXR_read), interleaved, --repeat times;
  2. a sparse read of a few branches of many: `xrd_read sparse URL TREE a,b,c`, which reads them through
     hadron-root with range coalescing (kXR_readv), then fetches the same baskets one kXR_read each.
Prints a Markdown table and writes JSON next to this script (results-xrootd.json).

Build first:  CARGO_TARGET_DIR=... cargo build --release -p hadron-xrootd --example xrd_read
Run:          python3 benches/compare/xrootd_read.py [--example PATH] [--repeat 3]
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path

BENCH = Path.home() / ".cache/hadron/bench"
FILES = ["nanoaod_6000000_lz4-4.root", "nanoaod_6000000_zlib-1.root"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, work: Path):
    for d in ("admin", "run", "logs"):
        (work / d).mkdir(parents=True, exist_ok=True)
    cfg = work / "xrootd.cfg"
    cfg.write_text(
        f"xrd.port {port}\nxrd.network nodnr\nxrd.allow host localhost\nxrd.allow host 127.0.0.1\n"
        f"all.export / r/o\noss.localroot {data}\nall.adminpath {work}/admin\nall.pidpath {work}/run\n"
    )
    cmd = ["xrootd"]
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "xrootd:xrootd", str(work)], check=True)
        os.chmod(work, 0o755)
        cmd += ["-R", "xrootd"]
    cmd += ["-c", str(cfg), "-l", str(work / "logs/xrootd.log"), "-n", "bench"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = work / "logs/bench/xrootd.log"
    for _ in range(200):
        if log.exists() and "initialization completed" in log.read_text(errors="replace"):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return proc
            except OSError:
                pass
        if proc.poll() is not None:
            sys.exit(f"xrootd exited: {log.read_text(errors='replace') if log.exists() else ''}")
        time.sleep(0.1)
    proc.kill()
    sys.exit("xrootd did not become ready")


def timed(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t, out


def main():
    target = os.environ.get("CARGO_TARGET_DIR", str(Path(__file__).resolve().parents[2] / "target"))
    ap = argparse.ArgumentParser()
    ap.add_argument("--example", default=f"{target}/release/examples/xrd_read")
    ap.add_argument("--data", default=str(BENCH))
    ap.add_argument("--files", nargs="+", default=FILES)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tree", default="Events")
    ap.add_argument("--branches", default="MET_pt,nMuon,Muon_pt")
    args = ap.parse_args()
    for tool in ("xrootd", "xrdcp"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install xrootd-server xrootd-client")
    data = Path(args.data)
    sizes = {f: (data / f).stat().st_size for f in args.files}
    total = sum(sizes.values())
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="hadron-xrd-bench"))
    # The server runs as the unprivileged `xrootd` user, which may not traverse $HOME: export hard links
    # (or copies) of the files from a directory it can read.
    stage = work / "data"
    stage.mkdir()
    os.chmod(work, 0o755)
    for f in args.files:
        try:
            os.link(data / f, stage / f)
        except OSError:
            shutil.copy(data / f, stage / f)
    proc = start_server(stage, port, work)
    url = lambda f: f"root://127.0.0.1:{port}//{f}"
    results = {"files": sizes, "total_bytes": total, "runs": [], "cpus": os.cpu_count()}
    try:
        # Warm the page cache once so both readers see the same (memory-speed) server.
        for f in args.files:
            subprocess.run(["xrdcp", "-f", "-s", url(f), "/dev/null"], check=True)
        for rep in range(args.repeat):
            run = {"xrdcp_s": 0.0, "hadron_s": 0.0}
            for f in args.files:
                s, _ = timed(["xrdcp", "-f", "-s", url(f), "/dev/null"])
                run["xrdcp_s"] += s
                s, out = timed([args.example, "get", url(f)])
                got = json.loads(out)
                assert got["bytes"] == sizes[f], (got, sizes[f])
                run["hadron_s"] += s
            results["runs"].append(run)
            print(f"run {rep}: xrdcp {total / run['xrdcp_s'] / 1e6:.0f} MB/s, "
                  f"hadron {total / run['hadron_s'] / 1e6:.0f} MB/s", file=sys.stderr)
        _, out = timed([args.example, "sparse", url(args.files[0]), args.tree, args.branches])
        results["sparse"] = json.loads(out)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    x = statistics.median(total / r["xrdcp_s"] / 1e6 for r in results["runs"])
    h = statistics.median(total / r["hadron_s"] / 1e6 for r in results["runs"])
    results["median_mb_s"] = {"xrdcp": x, "hadron": h, "ratio": h / x}
    sp = results["sparse"]
    rt_c, rt_b = sp["coalesced"]["round_trips"], sp["per_basket"]["round_trips"]
    Path(__file__).with_name("results-xrootd.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"| whole-file read, {len(args.files)} files, {total / 1e9:.2f} GB | xrdcp | hadron-xrootd | ratio |")
    print("|---|---|---|---|")
    print(f"| median of {args.repeat} runs (MB/s, wall clock per process) | {x:.0f} | {h:.0f} | {h / x:.2f} |")
    print()
    print(f"| sparse read `{args.branches}` of `{args.tree}` ({sp['rows']} rows, {sp['baskets']} baskets) "
          "| round trips | data bytes | seconds |")
    print("|---|---|---|---|")
    print(f"| one kXR_read per basket | {rt_b} | {sp['per_basket']['bytes']} | {sp['per_basket']['secs']:.2f} |")
    print(f"| hadron (coalesced, kXR_readv: {sp['coalesced']['readvs']} requests, "
          f"{sp['coalesced']['readv_chunks']} chunks) | {rt_c} | {sp['coalesced']['bytes']} | "
          f"{sp['coalesced']['secs']:.2f} |")
    print(f"| reduction | {rt_b / max(rt_c, 1):.1f}x fewer | | |")


if __name__ == "__main__":
    main()

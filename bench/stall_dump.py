"""Native stacks of a GUI thread that misses its ticks: bench/gui_stall.py --py-spy starts this.

    python bench/stall_dump.py PID TICK_FILE OUT_JSONL [--kernel]

The GUI process writes the CLOCK_MONOTONIC time of its last tick into TICK_FILE (8 bytes,
memory-mapped). This process polls it every 5 ms; when the last tick is over 50 ms old it runs
`py-spy dump --native` on PID once for that gap and appends {"at": monotonic, "since_tick_ms",
"dump"} to OUT_JSONL. A dump pauses the GUI process for a moment, so a run with dumps is for
finding what a long gap does, not for its length. py-spy is a bench tool (pip install py-spy),
not a dependency of the app.

With --kernel it pauses nothing: every 5 ms of a gap it reads, from /proc, each thread's state,
wait channel and system call in the GUI process (and whether its child processes' threads run),
plus the GUI thread's kernel stack (root only). That tells a GUI thread waiting for the GIL (a
futex, while another thread of the process runs) from one waiting on the disk or on memory.
"""

from __future__ import annotations

import json
import mmap
import shutil
import struct
import subprocess
import sys
import time


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    out = []
    for task in _tasks(pid):
        out += [int(c) for c in _read(f"/proc/{pid}/task/{task}/children").split()]
    return out


def _tasks(pid: int) -> list[int]:
    import os

    try:
        return [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


def kernel_sample(pid: int) -> dict:
    """One look at the GUI process: threads not asleep in an ordinary wait, and the GUI thread."""
    threads = {}
    for tid in _tasks(pid):
        stat = _read(f"/proc/{pid}/task/{tid}/stat")
        state = stat.rsplit(")", 1)[1].split()[0] if ")" in stat else "?"
        syscall = _read(f"/proc/{pid}/task/{tid}/syscall").split(" ", 1)[0].strip()
        wchan = _read(f"/proc/{pid}/task/{tid}/wchan").strip()
        if tid == pid or state not in ("S", "I"):
            threads[tid] = f"{state} {wchan or '-'} sys={syscall}"
    stack = [line.split("] ", 1)[-1] for line in _read(f"/proc/{pid}/task/{pid}/stack").splitlines()[:12]]
    running_children = {}
    for child in _children(pid):
        n = 0
        for tid in _tasks(child):
            stat = _read(f"/proc/{child}/task/{tid}/stat")
            n += ")" in stat and stat.rsplit(")", 1)[1].split()[0] in ("R", "D")
        running_children[child] = n
    return {"threads": threads, "gui_stack": stack, "children_running": running_children}


def main() -> int:
    pid, tick_file, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    kernel = "--kernel" in sys.argv[4:]
    spy = shutil.which("py-spy") or str(__import__("pathlib").Path(sys.executable).with_name("py-spy"))
    with open(tick_file, "r+b") as f:
        mm = mmap.mmap(f.fileno(), 8)
        dumped_for = 0.0
        while True:
            time.sleep(0.005)
            try:
                last = struct.unpack("d", mm[:8])[0]
            except (ValueError, struct.error):
                return 0
            if last < 0:  # the GUI process is done
                return 0
            since = 1000 * (time.monotonic() - last)
            if since > 50 and last != dumped_for:
                dumped_for = last
                if kernel:
                    samples = []
                    while True:  # until the next tick: one look every 5 ms
                        samples.append({"ms": round(1000 * (time.monotonic() - last), 1), **kernel_sample(pid)})
                        time.sleep(0.005)
                        try:
                            now_last = struct.unpack("d", mm[:8])[0]
                        except (ValueError, struct.error):
                            return 0
                        if now_last != last or len(samples) > 400:
                            break
                    with open(out, "a", encoding="utf-8") as o:
                        o.write(json.dumps({"at": last + since / 1000, "since_tick_ms": round(since, 1),
                                            "gap_ms": round(1000 * (now_last - last), 1) if now_last > 0 else None,
                                            "samples": samples}) + "\n")
                    continue
                try:
                    dump = subprocess.run([spy, "dump", "--native", "--pid", str(pid)], capture_output=True,
                                          text=True, timeout=10).stdout
                except (OSError, subprocess.TimeoutExpired) as exc:
                    dump = f"py-spy failed: {exc!r}"
                with open(out, "a", encoding="utf-8") as o:
                    o.write(json.dumps({"at": last + since / 1000, "since_tick_ms": round(since, 1),
                                        "dump": dump}) + "\n")


if __name__ == "__main__":
    sys.exit(main())

"""Native stacks of a GUI thread that misses its ticks: bench/gui_stall.py --py-spy starts this.

    python bench/stall_dump.py PID TICK_FILE OUT_JSONL

The GUI process writes the CLOCK_MONOTONIC time of its last tick into TICK_FILE (8 bytes,
memory-mapped). This process polls it every 5 ms; when the last tick is over 50 ms old it runs
`py-spy dump --native` on PID once for that gap and appends {"at": monotonic, "since_tick_ms",
"dump"} to OUT_JSONL. A dump pauses the GUI process for a moment, so a run with dumps is for
finding what a long gap does, not for its length. py-spy is a bench tool (pip install py-spy),
not a dependency of the app.
"""

from __future__ import annotations

import json
import mmap
import shutil
import struct
import subprocess
import sys
import time


def main() -> int:
    pid, tick_file, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
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

"""Benchmark: extract and check plan documents, time per document.

Runs `guotu.read_plan` (read + extract + check) over the seed plans and the test
corpus in every format (txt, GB18030 txt, docx, pdf), and prints the median and the
worst time per document by format. Usage::

    python bench/bench_plans.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import guotu  # noqa: E402


def _corpus(tmp: Path) -> list[Path]:
    try:
        from tests.corpus import corpus_paths
    except ImportError:  # the corpus is part of the source tree, not the package
        return []
    return list(corpus_paths(tmp))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per document (median is reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        documents = sorted((ROOT / "examples" / "plans").glob("*.txt")) + _corpus(tmp)
        guotu.read_plan(documents[0])  # warm imports and caches
        times: dict[str, list[float]] = defaultdict(list)
        worst: dict[str, tuple[float, str]] = {}
        for path in documents:
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                try:
                    guotu.read_plan(path)
                except guotu.GuotuError as err:
                    print(f"  {path.name}: {err.code}", file=sys.stderr)
                    break
                runs.append(time.perf_counter() - start)
            if not runs:
                continue
            median = statistics.median(runs)
            kind = path.suffix.lstrip(".") + ("-gb18030" if "gb18030" in path.name else "")
            times[kind].append(median)
            if median > worst.get(kind, (0.0, ""))[0]:
                worst[kind] = (median, path.name)
        print(f"{'format':<14}{'docs':>5}{'median ms':>11}{'max ms':>9}  slowest")
        for kind, values in sorted(times.items()):
            print(
                f"{kind:<14}{len(values):>5}{statistics.median(values) * 1000:>11.1f}"
                f"{max(values) * 1000:>9.1f}  {worst[kind][1]}"
            )
        every = [v for values in times.values() for v in values]
        print(f"{'all':<14}{len(every):>5}{statistics.median(every) * 1000:>11.1f}{max(every) * 1000:>9.1f}")


if __name__ == "__main__":
    main()

"""The bundled price snapshot's size on disk, with and without its models.dev part.

    python -m bench.snapshot_size

Every file under `aisync_tui/pricing/data/`; the models.dev part is its gzipped copy, its licence
and its entry in `SNAPSHOT.json` (counted as the bytes that entry adds to that file).
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "aisync_tui" / "pricing" / "data"
MODELSDEV_FILES = ("modelsdev.json.gz", "LICENSE-models.dev.txt")


def sizes() -> dict[str, int]:
    """Bytes per file of the bundled snapshot."""
    return {p.name: p.stat().st_size for p in sorted(DATA.iterdir()) if p.is_file()}


def modelsdev_bytes() -> int:
    """What the models.dev part adds: its files, and its entry in SNAPSHOT.json."""
    info = json.loads((DATA / "SNAPSHOT.json").read_text())
    without = dict(info)
    without.pop("models.dev", None)
    entry = len(json.dumps(info, indent=2)) - len(json.dumps(without, indent=2))
    return sum(sizes().get(name, 0) for name in MODELSDEV_FILES) + entry


def main() -> None:
    files = sizes()
    for name, size in files.items():
        print(f"{size:>9,}  {name}")
    total = sum(files.values())
    part = modelsdev_bytes()
    print(f"{total:>9,}  total ({total / 1024:.0f} KiB)")
    print(f"{total - part:>9,}  without models.dev ({(total - part) / 1024:.0f} KiB); models.dev adds {part:,} bytes ({part / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()

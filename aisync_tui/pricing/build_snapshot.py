"""Build the bundled price snapshot in `aisync_tui/pricing/data/` from the real feed files.

    python -m aisync_tui.pricing.build_snapshot /work/shared/data

reads `litellm/model_prices_and_context_window_backup.json`, `genai-prices/v2_data.json` and both
LICENSE files under that folder, and writes:

- `litellm.json.gz`, `genai-prices-v2.json.gz`: the upstream bytes, unmodified, gzipped
  reproducibly (mtime 0), so the offline catalog is exactly what the feeds said;
- `SNAPSHOT.json`: where each file came from (version / commit, date, sha256, git blob id, model
  count), which `sync-pricing --offline` prints as the snapshot's age;
- `LICENSE-litellm.txt`, `LICENSE-genai-prices.txt`: the MIT licence texts the data ships under.

The provenance defaults below are those of `shared/data/SOURCES.md`; override them with options
when rebuilding from newer files.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import sys
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")

LITELLM_VERSION = "1.110.2"
LITELLM_ORIGIN = "PyPI wheel litellm-1.110.2, member litellm/model_prices_and_context_window_backup.json"
GENAI_COMMIT = "47df840a5ab10bbcffb8e5ac01b9899032245d1b"
GENAI_DATE = "2026-08-21"
GENAI_ORIGIN = "github.com/pydantic/genai-prices prices/new_data/v2/data.json"


def git_blob_id(data: bytes) -> str:
    """Git's blob id of the bytes: what LiteLLM itself calls the map's revision."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return buf.getvalue()


def build(source: Path, out: Path, *, litellm_version: str, snapshot_date: str, genai_commit: str, genai_date: str) -> dict[str, object]:
    from .feeds import litellm_count, parse_genai

    litellm_raw = (source / "litellm" / "model_prices_and_context_window_backup.json").read_bytes()
    genai_raw = (source / "genai-prices" / "v2_data.json").read_bytes()
    litellm = json.loads(litellm_raw)
    genai = json.loads(genai_raw)
    out.mkdir(parents=True, exist_ok=True)
    (out / "litellm.json.gz").write_bytes(gzip_bytes(litellm_raw))
    (out / "genai-prices-v2.json.gz").write_bytes(gzip_bytes(genai_raw))
    (out / "LICENSE-litellm.txt").write_bytes((source / "litellm" / "LICENSE").read_bytes())
    (out / "LICENSE-genai-prices.txt").write_bytes((source / "genai-prices" / "LICENSE").read_bytes())
    info: dict[str, object] = {
        "date": snapshot_date,
        "litellm": {
            "file": "litellm.json.gz",
            "origin": LITELLM_ORIGIN.replace("1.110.2", litellm_version),
            "version": litellm_version,
            "revision": git_blob_id(litellm_raw),
            "sha256": hashlib.sha256(litellm_raw).hexdigest(),
            "models": litellm_count(litellm),
            "licence": "MIT (BerriAI/litellm), see LICENSE-litellm.txt",
        },
        "genai-prices": {
            "file": "genai-prices-v2.json.gz",
            "origin": GENAI_ORIGIN,
            "revision": genai_commit,
            "date": genai_date,
            "sha256": hashlib.sha256(genai_raw).hexdigest(),
            "models": parse_genai(genai).report.total,
            "licence": "MIT (Pydantic Services Inc.), see LICENSE-genai-prices.txt",
        },
    }
    (out / "SNAPSHOT.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aisync_tui.pricing.build_snapshot", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="folder with litellm/ and genai-prices/ (e.g. shared/data)")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder (default: the package's pricing/data)")
    parser.add_argument("--litellm-version", default=LITELLM_VERSION)
    parser.add_argument("--genai-commit", default=GENAI_COMMIT)
    parser.add_argument("--genai-date", default=GENAI_DATE)
    parser.add_argument("--date", default=None, help="the snapshot's date, YYYY-MM-DD (default: --genai-date, the older of the two known dates)")
    args = parser.parse_args(argv)
    info = build(
        args.source, args.out, litellm_version=args.litellm_version, snapshot_date=args.date or args.genai_date,
        genai_commit=args.genai_commit, genai_date=args.genai_date,
    )
    sizes = {p.name: p.stat().st_size for p in sorted(args.out.iterdir()) if p.is_file()}
    print(json.dumps(info, indent=2))
    print("written: " + ", ".join(f"{name} ({size:,} B)" for name, size in sizes.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""A price ledger from the first command: a new store is filled from the bundled snapshot.

The snapshot's catalog and prices go in before anything else, dated from the snapshot's own date
(the prices are known to hold since then), so usage imported right after the first `sync-models`
is priced, and a later online `sync-pricing` only writes what changed since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .catalog import SEEDED_KEY

if TYPE_CHECKING:
    from ..store.db import Store


def is_seeded(store: Store) -> bool:
    """Whether the store holds the mark of its seeding. A mark whose text is damaged (bytes that
    are not UTF-8) is still a mark: the store was seeded, and reading it must not stop a command."""
    try:
        return bool(store.meta_get(SEEDED_KEY))
    except ValueError:
        return True


def ensure_seeded(store: Store) -> bool:
    """Fill the store's catalog and price ledger from the bundled snapshot, once. True when it did now.

    Cheap once done (one `aisync_meta` read). Takes the run lock without waiting: if another run
    holds it, it returns False and the next command tries again. Never touches the network.
    """
    if is_seeded(store):
        return False
    import sys

    from ..errors import LockHeld
    from ..store.lock import run_lock
    from .runner import PricingRun

    # The holder another run is told about is this command (it is what the user started), with
    # what it is doing first.
    label = " ".join(["aisync", *sys.argv[1:]]) + " (seeding the bundled price catalog)"
    try:
        with run_lock(store, label):
            if is_seeded(store):
                return False
            PricingRun(None, store, offline=True).run()
    except LockHeld:
        return False
    return True

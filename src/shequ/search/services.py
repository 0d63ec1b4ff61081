"""Writes to the search index: (re)index objects, remove them, rebuild everything.

Other apps never call the backends or touch the tables: they register a document provider (registry.py) and
call ``search_index_later`` when their objects change (the catalog does it from ``on_products_changed``).
Reads — matching and suggestions — are in selectors.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from shequ.core import fragment_cache
from shequ.search import indexing
from shequ.search.backends import get_backend
from shequ.search.models import SearchDocument
from shequ.search.registry import provider_for

# search_match / search_suggest are reads (selectors.py); imported here too for callers of the first stub.
from shequ.search.selectors import GENERATION_KEY, search_match, search_suggest  # noqa: F401

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


@dataclass
class IndexReport:
    indexed: int = 0  # documents written (unchanged ones are skipped)
    removed: int = 0


@dataclass
class ReindexReport:
    doc_type: str
    indexed: int = 0
    removed: int = 0
    phrases: int = 0
    seconds: float = 0.0


def _batches(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _bump_generation(doc_type: str) -> None:
    fragment_cache.forget_fresh()
    key = GENERATION_KEY.format(doc_type=doc_type)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, int(time.time() * 1000), timeout=None)


def search_index(*, doc_type: str, object_ids: Iterable[int]) -> IndexReport:
    """Bring these objects' documents up to date: index what the provider returns, remove the rest."""
    ids = sorted({int(i) for i in object_ids})
    provider = provider_for(doc_type)
    backend = get_backend()
    report = IndexReport()
    for batch in _batches(ids, BATCH_SIZE):
        documents = [indexing.analyse(source) for source in provider.documents(batch)]
        present = {d.object_id for d in documents}
        gone = [i for i in batch if i not in present]
        with transaction.atomic():
            changed = indexing.store(doc_type, documents)
            removed = indexing.unstore(doc_type, gone)
            if changed or removed:
                transaction.on_commit(lambda: _bump_generation(doc_type))
        if changed:
            backend.index(doc_type, changed)
        if removed:
            backend.remove(doc_type, gone)
        report.indexed += len(changed)
        report.removed += removed
    return report


def search_index_later(*, doc_type: str, object_ids: Iterable[int]) -> None:
    """Queue re-indexing of these objects (runs at once when there is no broker)."""
    from kombu.exceptions import OperationalError as BrokerError

    from shequ.search.tasks import index_objects

    ids = sorted({int(i) for i in object_ids})
    for batch in _batches(ids, BATCH_SIZE):
        try:
            index_objects.delay(doc_type, batch)  # without a broker this runs now, and its errors propagate
        except (BrokerError, OSError):  # the broker is unreachable: index now rather than lose the change
            logger.exception("search: could not queue indexing of %s %s; indexing inline", doc_type, batch[:5])
            search_index(doc_type=doc_type, object_ids=batch)


def search_remove(*, doc_type: str, object_ids: Iterable[int]) -> int:
    """Remove these objects from the index now; return how many documents there were."""
    ids = sorted({int(i) for i in object_ids})
    with transaction.atomic():
        removed = indexing.unstore(doc_type, ids)
        transaction.on_commit(lambda: _bump_generation(doc_type))
    get_backend().remove(doc_type, ids)
    return removed


def search_reindex(
    *,
    doc_type: str,
    batch_size: int = BATCH_SIZE,
    clear: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReindexReport:
    """Rebuild one document type from its provider: every document re-analysed, stale ones removed,
    suggestions recounted. Safe while the site runs: documents are replaced batch by batch. ``clear`` first
    empties a dedicated engine's index (after a mapping change); the database's own documents are never
    cleared, so search keeps answering during the rebuild."""
    started = time.monotonic()
    provider = provider_for(doc_type)
    backend = get_backend()
    report = ReindexReport(doc_type=doc_type)
    if clear:
        backend.clear(doc_type)
    ids = sorted({int(i) for i in provider.all_ids()})
    wanted: set[int] = set()
    for batch in _batches(ids, max(1, batch_size)):
        documents = [indexing.analyse(source) for source in provider.documents(batch)]
        with transaction.atomic():
            indexing.store(doc_type, documents, count_suggestions=False)
        backend.index(doc_type, documents)  # all of them: an engine being rebuilt may have lost any
        wanted.update(d.object_id for d in documents)
        report.indexed += len(documents)
        if progress:
            progress(report.indexed, len(ids))
    stale = sorted(set(SearchDocument.objects.filter(doc_type=doc_type).values_list("object_id", flat=True)) - wanted)
    for batch in _batches(stale, 2000):
        with transaction.atomic():
            report.removed += SearchDocument.objects.filter(doc_type=doc_type, object_id__in=batch).delete()[0]
        backend.remove(doc_type, batch)
    with transaction.atomic():
        report.phrases = indexing.rebuild_suggestions(doc_type)
    backend.finish_rebuild(doc_type)
    _bump_generation(doc_type)
    report.seconds = time.monotonic() - started
    return report

from celery import shared_task
from django.db import DatabaseError

from shequ.search.services import search_index


@shared_task(
    name="search.index_objects", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5, ignore_result=True
)
def index_objects(doc_type: str, object_ids: list[int]) -> dict:
    """Re-index these objects (queued by search_index_later when they change)."""
    report = search_index(doc_type=doc_type, object_ids=object_ids)
    return {"indexed": report.indexed, "removed": report.removed}

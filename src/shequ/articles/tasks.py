from celery import shared_task

from shequ.articles.services import articles_publish_due


@shared_task(name="articles.publish_due", ignore_result=True)
def publish_due() -> int:
    """Mark scheduled articles whose time has come as published (readers see them on time regardless)."""
    return articles_publish_due()

import pytest
from django.test import Client


@pytest.fixture
def login():
    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def make_post(db):
    """A published post written straight into the table (the content module's services are tested there)."""
    from django.utils import timezone

    from shequ.community.models import Post

    def make(author, text="今天的早餐：燕麦+酸奶", visibility="public", status="published"):
        return Post.objects.create(
            author=author, text=text, visibility=visibility, status=status, published_at=timezone.now()
        )

    return make

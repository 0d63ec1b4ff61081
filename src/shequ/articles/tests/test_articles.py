"""Brand articles: operators write and schedule them; readers see published ones, sanitised, with products."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from shequ.articles.models import Article, ArticleStatus
from shequ.articles.services import article_save
from shequ.core.errors import Forbidden, InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user):
    return make_user(nickname="运营小王", is_staff=True)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, format="PNG")
    return out.getvalue()


def write(operator, capture=None, **fields) -> Article:
    defaults = {"title": "从牧场到餐桌", "title_en": "From pasture to table", "body": "## 牧场\n\n每天清晨挤奶。"}
    article = Article(**{**defaults, "status": ArticleStatus.PUBLISHED, **fields})
    if capture is None:
        return article_save(operator=operator, article=article)
    with capture(execute=True):
        return article_save(operator=operator, article=article)


def test_readers_see_published_articles_with_sanitised_html(client, operator):
    article = write(operator, body='好牛奶<script>alert(1)</script> <a href="javascript:alert(1)">x</a> **新鲜**')

    response = client.get(f"/articles/{article.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>新鲜</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert article.slug == "from-pasture-to-table"
    assert "从牧场到餐桌" in client.get("/articles/").content.decode()


def test_scheduled_articles_stay_hidden_until_their_time(client, operator):
    later = write(operator, status=ArticleStatus.SCHEDULED, publish_at=timezone.now() + timedelta(days=2), title="预告")
    due = write(
        operator, status=ArticleStatus.SCHEDULED, publish_at=timezone.now() - timedelta(minutes=1), title="到点"
    )
    draft = write(operator, status=ArticleStatus.DRAFT, title="草稿")

    assert client.get(f"/articles/{later.slug}/").status_code == 404
    assert client.get(f"/articles/{draft.slug}/").status_code == 404
    assert client.get(f"/articles/{due.slug}/").status_code == 200
    listed = client.get("/articles/").content.decode()
    assert "到点" in listed and "预告" not in listed and "草稿" not in listed


def test_a_schedule_needs_a_time_and_only_operators_write(operator, make_user):
    with pytest.raises(InvalidInput):
        write(operator, status=ArticleStatus.SCHEDULED, publish_at=None)
    with pytest.raises(Forbidden):
        write(make_user(nickname="路人"))
    assert Article.objects.count() == 0


def test_covers_are_re_encoded_and_non_images_rejected(operator):
    article = Article(title="封面", body="x", status=ArticleStatus.PUBLISHED)
    article_save(operator=operator, article=article, cover=png_bytes())
    assert article.cover.name.endswith(".jpg")

    with pytest.raises(InvalidInput) as error:
        article_save(operator=operator, article=Article(title="坏封面", body="x"), cover=b"<svg onload=alert(1)>")
    assert error.value.code == "image_invalid"
    assert not Article.objects.filter(title="坏封面").exists()


def test_linked_products_show_on_the_article(client, operator):
    from shequ.catalog.testing import make_product

    product = make_product("全脂牛奶")
    article = Article(title="牛奶的故事", body="x", status=ArticleStatus.PUBLISHED)
    article_save(operator=operator, article=article, product_ids=[product.pk])

    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert "全脂牛奶" in html
    with pytest.raises(InvalidInput):
        article_save(operator=operator, article=article, product_ids=[999_999])


def test_api_lists_and_shows_articles(anon_api, operator):
    article = write(operator)
    write(operator, status=ArticleStatus.DRAFT, title="草稿")

    listed = anon_api.api("get", "/articles").json()
    shown = anon_api.api("get", f"/articles/{article.slug}").json()

    assert [a["slug"] for a in listed["items"]] == [article.slug]
    assert "<h2>牧场</h2>" in shown["body_html"]
    assert anon_api.api("get", "/articles/nope").status_code == 404


def test_articles_are_found_in_community_search(client, operator, django_capture_on_commit_callbacks):
    write(operator, django_capture_on_commit_callbacks, title="我们为什么坚持0蔗糖", title_en="Why zero sugar")
    write(
        operator,
        django_capture_on_commit_callbacks,
        title="蔗糖预告",
        status=ArticleStatus.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=1),
    )

    html = client.get("/community/search/?q=蔗糖").content.decode()

    assert "我们为什么坚持0蔗糖" in html
    assert "蔗糖预告" not in html


def test_reading_is_counted_and_tracked(client, operator, settings):
    from shequ.analytics.models import Event
    from shequ.analytics.services import flush

    settings.SHEQU_ANALYTICS = {**settings.SHEQU_ANALYTICS, "WRITE_MODE": "inline"}
    article = write(operator)
    client.get(f"/articles/{article.slug}/")
    flush()
    article.refresh_from_db()
    assert article.view_count == 1
    assert Event.objects.filter(name="article_view", properties__article_id=article.pk).exists()


def test_admin_form_saves_a_scheduled_article(client):
    from conftest import next_phone

    from shequ.accounts.services.operators import operator_create

    editor, _ = operator_create(phone=next_phone(), password="Operator-2026", roles=["content-ops"])
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/admin/articles/article/add/",
        {
            "title": "冷萃咖啡的12小时",
            "title_en": "Cold brew",
            "slug": "",
            "summary": "",
            "category": "研发",
            "body": "正文<script>x</script>",
            "status": ArticleStatus.SCHEDULED,
            "publish_at_0": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%d"),
            "publish_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.slug == "cold-brew" and article.published_at == article.publish_at
    assert "<script>" not in article.body_html

"""Fixtures for the community content tests: people, photos (with EXIF), products, posts, recorded events."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shequ.catalog.testing import make_product


def jpeg_bytes(width: int = 2400, height: int = 1800, *, exif: bool = True, colour=(200, 80, 60)) -> bytes:
    """A JPEG photo; with ``exif`` it carries a camera model and a GPS block, like a phone's."""
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x0110] = "ShequPhone 12"  # camera model
        data[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPS
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def photo(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


@pytest.fixture
def author(make_user):
    return make_user(nickname="小红")


@pytest.fixture
def reader(make_user):
    return make_user(nickname="小明")


@pytest.fixture
def operator(make_user):
    return make_user(nickname="运营小美", is_staff=True, is_superuser=True)


@pytest.fixture
def product(db):
    return make_product("有机纯牛奶", slug="organic-milk")


@pytest.fixture
def make_post(author):
    from shequ.community.services.posts import post_create

    def make(text: str = "今天的早餐 #早餐打卡#", *, user=None, **kwargs):
        return post_create(author=user or author, text=text, **kwargs)

    return make


@pytest.fixture
def events(monkeypatch):
    """Domain events the community services publish: [(name, payload), ...]."""
    recorded: list[tuple[str, dict]] = []

    def record(name, **payload):
        recorded.append((name, payload))

    from shequ.community.services import comments, posts

    monkeypatch.setattr(posts, "publish", record)
    monkeypatch.setattr(comments, "publish", record)
    return recorded


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path

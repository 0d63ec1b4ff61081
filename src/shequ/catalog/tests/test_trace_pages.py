"""The public trace pages: what a consumer sees after scanning a pack or typing its batch number."""

from __future__ import annotations

from io import BytesIO

import pytest
import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from shequ.analytics.models import Event
from shequ.catalog.models import ProductionBatch, ProductStatus
from shequ.catalog.tests.test_trace_fixtures import days, make_batch, make_milk, make_report, pdf_upload

pytestmark = pytest.mark.django_db


def _events(name: str) -> list[dict]:
    return [event.properties for event in Event.objects.filter(name=name).order_by("id")]


# --- the trace page ------------------------------------------------------------------------------------------


def test_a_good_batch_shows_its_whole_trace_without_logging_in(client):
    batch = make_batch(batch_no="SQ-20240501-A")
    make_report(batch, agency="谱尼测试集团", report_no="PONY-1", pdf=pdf_upload())

    response = client.get("/trace/SQ-20240501-A/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="trace-batch-no">SQ-20240501-A<' in html
    assert "有机纯牛奶" in html and "原味 · 250ml×12" in html
    assert batch.production_date.isoformat() in html and batch.expiry_date.isoformat() in html
    assert "呼伦贝尔第一工厂" in html and "内蒙古呼伦贝尔牧场" in html and "江苏苏州" in html
    assert "谱尼测试集团" in html and "PONY-1" in html and "菌落总数" in html
    assert 'data-testid="result-passed"' in html
    assert f'href="/media/inspections/{batch.pk}/PONY-1' in html
    assert 'data-testid="flag-ok"' in html
    assert 'data-testid="flag-expired"' not in html and 'data-testid="flag-failed"' not in html
    assert f'href="/p/{batch.sku.product.slug}/"' in html


def test_the_product_name_and_variant_follow_the_language(client):
    make_batch(batch_no="SQ-EN-0001")

    html = client.get("/trace/SQ-EN-0001/", headers={"Accept-Language": "en"}).content.decode()

    assert "Organic whole milk" in html and "Original · 250 ml × 12" in html


def test_a_product_that_is_no_longer_on_sale_is_traceable_but_not_linked(client):
    batch = make_batch(product=make_milk(status=ProductStatus.OFF_SALE), batch_no="SQ-OFF-0001")

    html = client.get("/trace/SQ-OFF-0001/").content.decode()

    assert "有机纯牛奶" in html
    assert f"/p/{batch.sku.product.slug}/" not in html


def test_an_expired_batch_is_flagged_big(client):
    make_batch(batch_no="SQ-OLD-0001", produced=days(-200), expires=days(-1))

    html = client.get("/trace/SQ-OLD-0001/").content.decode()

    assert 'data-testid="flag-expired"' in html
    assert 'data-testid="flag-ok"' not in html


def test_best_before_today_is_not_yet_expired_but_expiring(client):
    make_batch(batch_no="SQ-TODAY-01", produced=days(-200), expires=days(0))

    html = client.get("/trace/SQ-TODAY-01/").content.decode()

    assert 'data-testid="flag-expired"' not in html
    assert 'data-testid="flag-expiring-soon"' in html


def test_a_failed_inspection_is_flagged_even_after_a_passed_retest(client):
    batch = make_batch(batch_no="SQ-BAD-0001")
    make_report(batch, result="failed", inspected_on=days(-3))
    make_report(batch, result="passed", inspected_on=days(-1))

    html = client.get("/trace/SQ-BAD-0001/").content.decode()

    assert 'data-testid="flag-failed"' in html
    assert 'data-testid="result-failed"' in html and 'data-testid="result-passed"' in html
    assert 'data-testid="flag-ok"' not in html


def test_a_pending_inspection_and_a_batch_without_reports_are_flagged(client):
    pending = make_batch(batch_no="SQ-PEND-001")
    make_report(pending, result="pending")
    make_batch(batch_no="SQ-NONE-001")

    pending_html = client.get("/trace/SQ-PEND-001/").content.decode()
    none_html = client.get("/trace/SQ-NONE-001/").content.decode()

    assert 'data-testid="flag-pending"' in pending_html
    assert 'data-testid="flag-uninspected"' in none_html


def test_an_unknown_batch_is_a_friendly_404(client):
    response = client.get("/trace/SQ-NOPE-0001/")

    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="trace-not-found"' in html and 'data-testid="trace-form"' in html
    assert _events("trace_lookup") == [{"query": "SQ-NOPE-0001", "found": False, "via": "link"}]


def test_a_malformed_number_in_the_address_is_a_400_with_the_form(client):
    response = client.get("/trace/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="trace-error"' in html
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_number_typed_in_the_address_in_lower_case_redirects_to_the_canonical_page(client):
    make_batch(batch_no="SQ-20240501-A")

    response = client.get("/trace/sq-20240501-a/?src=qr")

    assert response.status_code == 302
    assert response["Location"] == "/trace/SQ-20240501-A/?src=qr"


def test_a_trace_view_is_recorded_with_how_the_page_was_reached(client):
    batch = make_batch(batch_no="SQ-EVT-0001")

    client.get("/trace/SQ-EVT-0001/?src=qr")
    client.get("/trace/SQ-EVT-0001/")

    product_id = batch.sku.product_id
    assert _events("trace_view") == [
        {"batch_no": "SQ-EVT-0001", "product_id": product_id, "via": "qr"},
        {"batch_no": "SQ-EVT-0001", "product_id": product_id, "via": "link"},
    ]


def test_the_page_is_cacheable_and_answers_304_until_something_changes(client):
    batch = make_batch(batch_no="SQ-ETAG-001")

    first = client.get("/trace/SQ-ETAG-001/")
    etag = first["ETag"]
    again = client.get("/trace/SQ-ETAG-001/", headers={"If-None-Match": etag})
    english = client.get("/trace/SQ-ETAG-001/", headers={"If-None-Match": etag, "Accept-Language": "en"})
    make_report(batch, result="failed")
    changed = client.get("/trace/SQ-ETAG-001/", headers={"If-None-Match": etag})

    assert first.status_code == 200 and etag.startswith('W/"')
    assert "max-age=300" in first["Cache-Control"]
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert english.status_code == 200
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert 'data-testid="flag-failed"' in changed.content.decode()


# --- the lookup form ---------------------------------------------------------------------------------------


def test_the_lookup_form_is_shown_to_anyone(client):
    response = client.get("/trace/")

    assert response.status_code == 200
    assert 'name="batch"' in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "SQ-20240501-A",
        "  sq-20240501-a  ",
        "SQ 20240501 A",
        "sq20240501a",
        "ＳＱ－２０２４０５０１－Ａ",
        "SQ—20240501—A",
        "SQ-20240501-A\r\n",
        "https://shop.example.com/trace/SQ-20240501-A/?src=qr",
    ],
)
def test_a_number_typed_or_scanned_any_way_finds_the_batch(client, typed):
    make_batch(batch_no="SQ-20240501-A")

    response = client.get("/trace/", {"batch": typed})

    assert response.status_code == 302
    assert response["Location"] == "/trace/SQ-20240501-A/?src=search"
    assert _events("trace_lookup") == [{"query": typed.replace("\r\n", "")[:100], "found": True}]


def test_a_search_then_view_is_recorded_as_search(client):
    make_batch(batch_no="SQ-20240501-A")

    client.get("/trace/", {"batch": "sq 20240501 a"}, follow=True)

    assert _events("trace_view")[0]["via"] == "search"


def test_an_unknown_number_shows_a_friendly_not_found(client):
    make_batch(batch_no="SQ-20240501-A")

    response = client.get("/trace/", {"batch": "SQ-20240501-B"})

    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="trace-not-found"' in html
    assert 'value="SQ-20240501-B"' in html
    assert _events("trace_lookup") == [{"query": "SQ-20240501-B", "found": False}]


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "'; DROP TABLE catalog_productionbatch; --",
        "SQ-2024%' OR '1'='1",
        "x" * 5000,
        "SQ\x002024",
        "批次号",
        "../../etc/passwd",
    ],
)
def test_malformed_html_or_sql_in_the_lookup_is_refused_politely(client, typed):
    make_batch(batch_no="SQ-20240501-A")

    response = client.get("/trace/", {"batch": typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="trace-error"' in html
    assert "<script>alert(1)</script>" not in html
    assert ProductionBatch.objects.filter(batch_no="SQ-20240501-A").exists()
    [event] = _events("trace_lookup")
    assert event["found"] is False and "\x00" not in event["query"] and len(event["query"]) <= 100


# --- QR codes --------------------------------------------------------------------------------------------------


def _modules(data: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def _read_modules(png: bytes, box: int) -> tuple[tuple[int, int], list[list[bool]]]:
    image = Image.open(BytesIO(png)).convert("L")
    count = image.size[0] // box
    grid = [
        [image.getpixel((c * box + box // 2, r * box + box // 2)) < 128 for c in range(count)] for r in range(count)
    ]
    return image.size, grid


def test_the_png_qr_code_encodes_the_absolute_trace_url(client):
    make_batch(batch_no="SQ-QR-0001")

    response = client.get("/trace/SQ-QR-0001/qr.png")

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    expected = _modules("http://testserver/trace/SQ-QR-0001/?src=qr")
    size, modules = _read_modules(response.content, box=10)
    assert size == (len(expected) * 10, len(expected) * 10)
    assert modules == expected
    assert modules != _modules("http://testserver/trace/SQ-QR-0001/")  # the check can tell URLs apart
    assert "public" in response["Cache-Control"] and response["ETag"]


def test_the_qr_code_uses_the_public_url_setting_for_print_runs(client, settings):
    settings.SHEQU_PUBLIC_URL = "https://brand.example.cn/"
    make_batch(batch_no="SQ-QR-0002")

    response = client.get("/trace/SQ-QR-0002/qr.png", {"box": "4"})

    size, modules = _read_modules(response.content, box=4)
    expected = _modules("https://brand.example.cn/trace/SQ-QR-0002/?src=qr")
    assert size == (len(expected) * 4, len(expected) * 4)
    assert modules == expected


def test_the_svg_qr_code_is_the_same_code(client):
    make_batch(batch_no="SQ-QR-0003")

    response = client.get("/trace/SQ-QR-0003/qr.svg")

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    import qrcode.image.svg

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data("http://testserver/trace/SQ-QR-0003/?src=qr")
    buffer = BytesIO()
    qr.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    assert response.content == buffer.getvalue()


def test_a_qr_code_answers_304_when_unchanged(client):
    make_batch(batch_no="SQ-QR-0004")
    first = client.get("/trace/SQ-QR-0004/qr.svg")

    again = client.get("/trace/SQ-QR-0004/qr.svg", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304


def test_qr_codes_only_exist_for_known_batches_and_sane_sizes(client):
    make_batch(batch_no="SQ-QR-0005")

    assert client.get("/trace/SQ-NOPE-0001/qr.png").status_code == 404
    assert client.get("/trace/%3Cb%3E/qr.svg").status_code == 400
    assert client.get("/trace/SQ-QR-0005/qr.png", {"box": "9999"}).status_code == 400
    assert client.get("/trace/SQ-QR-0005/qr.png", {"box": "-1"}).status_code == 400
    assert client.get("/trace/sq-qr-0005/qr.png").status_code == 302

"""Bulk import of products and their SKUs from a spreadsheet: one row per SKU, upserted by ``sku_code``
(products by ``product_slug``).

How a file is applied:

- Every row is parsed and validated completely first (all its problems are reported together), then written
  in its own savepoint. A row that fails — in validation or at the database — is reported with its sheet row
  number, column, message and original cells, and leaves nothing behind: a product the row created is rolled
  back with it. The good rows go in.
- Cell semantics: a column *absent* from the file is left alone (so a file with only ``sku_code`` and
  ``list_price`` is a price update). A *blank* cell clears an optional value (subtitle, sale price, tags…)
  and keeps a required one (product name, brand, category, list price, status), which lets multi-SKU products
  carry their product columns on every row or just the first.
- Rows of the same product must agree on its product columns; a row that contradicts an earlier one is
  reported instead of silently flip-flopping the product.
- Brands, categories and tags must already exist. Creating a brand from a typo ("Yili" beside "伊利") would
  fork the brand list, and a brand carries a logo and story an import row cannot supply; so an unknown
  brand is an error naming what to fix, and operators add new brands in the admin first.
- Stock counts (the ``stock`` column) pass the stock rule when their row is checked, and are written for all
  rows that went in at the end, by ``inventory.services.stock_set_many`` under one lock in SKU order, with a
  StockMovement each; if orders reserved units in between, the whole file is refused rather than half-written.
- ``products_touch`` runs once for all affected products at the end (one search re-index batch).
- A dry run goes through exactly the same code, then rolls the whole transaction back.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DataError, IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shequ.catalog import cells
from shequ.catalog.import_report import ImportReport, RowError, check_columns, row_error
from shequ.catalog.models import SKU, Brand, Category, Product, ProductStatus, Tag
from shequ.catalog.services import gtin_validate, product_render_descriptions, products_touch, sku_validate
from shequ.catalog.tabular import Table, read_table
from shequ.core.errors import Conflict, DomainError, InvalidInput

COLUMNS = [
    "sku_code",
    "product_slug",
    "product_name",
    "product_name_en",
    "brand",
    "category",
    "status",
    "subtitle",
    "subtitle_en",
    "description",
    "description_en",
    "tags",
    "flavour",
    "flavour_en",
    "pack_size",
    "pack_size_en",
    "barcode",
    "weight_grams",
    "shelf_life_days",
    "list_price",
    "sale_price",
    "sale_start",
    "sale_end",
    "stock",
]
TEXT_COLUMNS = ("sku_code", "product_slug", "barcode")
MONEY_COLUMNS = ("list_price", "sale_price")

# Product columns: column → (model field, blank clears it?)
_PRODUCT_TEXT = {
    "product_name": ("name", False),
    "product_name_en": ("name_en", True),
    "subtitle": ("subtitle", True),
    "subtitle_en": ("subtitle_en", True),
    "description": ("description", True),
    "description_en": ("description_en", True),
}
_SKU_TEXT = ("flavour", "flavour_en", "pack_size", "pack_size_en")
_TAG_SPLIT = re.compile(r"[,，、;；\s]+")
_STATUS_SYNONYMS = {
    "草稿": ProductStatus.DRAFT,
    "在售": ProductStatus.ON_SALE,
    "上架": ProductStatus.ON_SALE,
    "销售中": ProductStatus.ON_SALE,
    "下架": ProductStatus.OFF_SALE,
    "已下架": ProductStatus.OFF_SALE,
    "停售": ProductStatus.OFF_SALE,
}


# --- reference data, read once ---------------------------------------------------------------------------


def _chunks(values: list, size: int = 2000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Catalog:
    """What the import reads up front (no per-row lookups), and what successful rows have written since."""

    def __init__(self, table: Table) -> None:
        from shequ.inventory.selectors import stock_by_sku

        codes, slugs, barcodes = set(), set(), set()
        for _row, record, _raw in table.records():
            codes.add(cells.text(record.get("sku_code")))
            slugs.add(cells.text(record.get("product_slug")))
            barcodes.add(cells.text(record.get("barcode")))
        codes.discard("")
        slugs.discard("")
        barcodes.discard("")

        self.brands: dict[str, Brand | None] = {}
        for brand in Brand.objects.all():
            for key in {brand.slug.lower(), brand.name.lower(), brand.name_en.lower()} - {""}:
                # Two brands answering to the same name (an English name, say) make that name ambiguous.
                self.brands[key] = None if key in self.brands and self.brands[key] != brand else brand
        self.categories: dict[str, Category] = {}
        for category in Category.objects.all():
            self.categories[category.slug.lower()] = category
            self.categories[category.path.strip("/").lower()] = category
        self.tags = {tag.slug.lower(): tag for tag in Tag.objects.all()}

        self.skus: dict[str, SKU] = {}
        for chunk in _chunks(sorted(codes)):
            self.skus.update({sku.code: sku for sku in SKU.objects.filter(code__in=chunk)})
        product_ids = {sku.product_id for sku in self.skus.values()}
        self.products: dict[int, Product] = {}
        for chunk in _chunks(sorted(slugs)):
            self.products.update({p.pk: p for p in Product.objects.filter(slug__in=chunk).prefetch_related("tags")})
        for chunk in _chunks(sorted(product_ids - set(self.products))):
            self.products.update({p.pk: p for p in Product.objects.filter(pk__in=chunk).prefetch_related("tags")})
        self.products_by_slug = {p.slug: p for p in self.products.values()}
        self.tag_slugs = {pk: frozenset(t.slug for t in p.tags.all()) for pk, p in self.products.items()}
        self.stock: dict[int, tuple[int, int]] = {}  # sku id → (on hand, reserved)
        self.pending_stock: dict[int, int] = {}  # sku id → the count to set once every row is in
        sku_ids = [sku.pk for sku in self.skus.values()]
        for chunk in _chunks(sku_ids):
            self.stock.update(stock_by_sku(sku_ids=chunk))
        self.barcode_owner: dict[str, str] = {}
        for chunk in _chunks(sorted(barcodes)):
            self.barcode_owner.update(dict(SKU.objects.filter(barcode__in=chunk).values_list("barcode", "code")))

        self.statuses = dict(_STATUS_SYNONYMS)
        for value, label in ProductStatus.choices:
            for variant in (value, value.replace("_", " "), value.replace("_", "-")):
                self.statuses[variant] = value
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    self.statuses[str(label).lower()] = value

        self.seen_codes: dict[str, int] = {}
        self.seen_barcodes: dict[str, str] = {}
        self.product_rows: dict[str, tuple[int, dict[str, Any]]] = {}
        self.positions: dict[int, int] = {}

    def brand(self, value: Any) -> Brand:
        key = cells.text(value).lower()
        if key not in self.brands:
            raise InvalidInput(
                "brand_unknown",
                _("No brand “%(brand)s”; use a brand's slug or name, or add the brand in the admin first.")
                % {"brand": cells.text(value)},
            )
        brand = self.brands[key]
        if brand is None:
            raise InvalidInput("brand_ambiguous", _("Several brands answer to this name; use the brand's slug."))
        return brand

    def category(self, value: Any) -> Category:
        key = cells.text(value).strip("/").lower()
        if key not in self.categories:
            raise InvalidInput(
                "category_unknown",
                _("No category “%(category)s”; use a category slug that exists.") % {"category": cells.text(value)},
            )
        return self.categories[key]

    def status(self, value: Any) -> str:
        key = cells.text(value).lower()
        if key not in self.statuses:
            raise InvalidInput("status_invalid", _("The status is one of draft, on_sale, off_sale."))
        return self.statuses[key]

    def tag_list(self, value: Any) -> list[Tag]:
        slugs = [slug for slug in _TAG_SPLIT.split(cells.text(value).lower()) if slug]
        unknown = [slug for slug in slugs if slug not in self.tags]
        if unknown:
            raise InvalidInput(
                "tag_unknown",
                _("Unknown tags: %(tags)s; use tag slugs that exist.") % {"tags": ", ".join(unknown)},
            )
        return [self.tags[slug] for slug in dict.fromkeys(slugs)]

    def next_position(self, product: Product) -> int:
        """Where a new SKU goes: after the product's last one (one query per product, then counted here)."""
        if product.pk not in self.positions:
            top = SKU.objects.filter(product=product).aggregate(top=Max("position"))["top"]
            self.positions[product.pk] = -1 if top is None else top
        self.positions[product.pk] += 1
        return self.positions[product.pk]

    def remember(self, plan: _Plan) -> None:
        product = plan.product
        self.products[product.pk] = product
        self.products_by_slug[product.slug] = product
        if plan.tags is not None:
            self.tag_slugs[product.pk] = frozenset(tag.slug for tag in plan.tags)
        self.skus[plan.sku.code] = plan.sku
        if plan.stock is not None:
            self.pending_stock[plan.sku.pk] = plan.stock
        if plan.sku.barcode:
            self.barcode_owner[plan.sku.barcode] = plan.sku.code


# --- one row: parse, plan, write -------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    sku_code: str = ""
    product_slug: str = ""
    product: dict[str, Any] = field(default_factory=dict)
    tags: list[Tag] | None = None
    sku: dict[str, Any] = field(default_factory=dict)
    stock: int | None = None


def _parse(number: int, record: dict[str, Any], catalog: _Catalog) -> tuple[_Row, list[RowError]]:
    """Typed values of the columns present in the file; every bad cell is reported, not just the first."""
    row = _Row(number=number)
    errors: list[RowError] = []

    def parse(column: str, parser, *, blank: Any = None, **options) -> Any:
        value = record[column]
        if cells.is_blank(value):
            return blank
        try:
            return parser(value, **options)
        except InvalidInput as exc:
            errors.append(row_error(number, column, exc, value))
            return None

    def text(value: Any, *, model, field_name: str) -> str:
        result = cells.text(value)
        limit = model._meta.get_field(field_name).max_length
        if limit and len(result) > limit:
            raise InvalidInput("text_too_long", _("At most %(limit)d characters.") % {"limit": limit})
        return result

    keep = object()
    try:
        row.sku_code = cells.code_text(record.get("sku_code"))
    except InvalidInput as exc:
        errors.append(row_error(number, "sku_code", exc, record.get("sku_code")))
    if not row.sku_code and not errors:
        errors.append(RowError(number, "sku_code", "required", str(_("Every row needs a SKU code."))))
    elif len(row.sku_code) > SKU._meta.get_field("code").max_length:
        errors.append(RowError(number, "sku_code", "text_too_long", str(_("A SKU code has at most 40 characters."))))
    if "product_slug" in record:
        row.product_slug = parse("product_slug", cells.text, blank="")

    for column, (name, clears) in _PRODUCT_TEXT.items():
        if column in record:
            value = parse(column, text, blank="" if clears else keep, model=Product, field_name=name)
            if value is not keep and value is not None:
                row.product[name] = value
    for column, resolve in (("brand", catalog.brand), ("category", catalog.category), ("status", catalog.status)):
        if column in record:
            value = parse(column, resolve, blank=keep)
            if value is not keep and value is not None:
                row.product[column] = value
    if "tags" in record:
        row.tags = parse("tags", catalog.tag_list, blank=[])

    for column in _SKU_TEXT:
        if column in record:
            value = parse(column, text, blank="", model=SKU, field_name=column)
            if value is not None:
                row.sku[column] = value
    parsers = {
        "barcode": (lambda v: gtin_validate(cells.code_text(v)), ""),
        "weight_grams": (cells.integer, keep),
        "shelf_life_days": (lambda v: cells.integer(v, minimum=1), None),
        "list_price": (cells.money, keep),
        "sale_price": (cells.money, None),
        "sale_start": (cells.moment, None),
        "sale_end": (lambda v: cells.moment(v, end_of_day=True), None),
    }
    for column, (parser, blank) in parsers.items():
        if column in record:
            before = len(errors)
            value = parse(column, parser, blank=blank)
            if value is not keep and len(errors) == before:
                row.sku[column] = value
    if "stock" in record:
        row.stock = parse("stock", cells.integer, blank=None, minimum=-cells.MAX_INT)
        if row.stock is not None and row.stock < 0:
            errors.append(
                RowError(number, "stock", "stock_negative", str(_("Stock cannot be negative.")), str(row.stock))
            )
            row.stock = None
    return row, errors


@dataclass
class _Plan:
    product: Product
    product_is_new: bool
    product_changed: set[str]
    tags: list[Tag] | None
    sku: SKU
    sku_is_new: bool
    sku_changed: set[str]
    stock: int | None
    previous_product_id: int | None

    @property
    def changes_anything(self) -> bool:
        return bool(self.product_is_new or self.product_changed or self.tags is not None or self.sku_changed) or (
            self.stock is not None
        )


def _plan(row: _Row, record: dict[str, Any], catalog: _Catalog) -> tuple[_Plan | None, list[RowError]]:
    """Decide what the row changes, on copies of what is loaded; check the rules across columns."""
    number = row.number
    errors: list[RowError] = []
    if row.sku_code in catalog.seen_codes:
        message = _("The SKU code %(code)s is already on row %(row)d.") % {
            "code": row.sku_code,
            "row": catalog.seen_codes[row.sku_code],
        }
        return None, [RowError(number, "sku_code", "sku_duplicate_in_file", str(message), row.sku_code)]

    existing = catalog.skus.get(row.sku_code)
    # The product: named by slug, or the SKU's own product.
    if row.product_slug:
        try:
            validate_slug(row.product_slug)
        except ValidationError:
            message = _("A product slug uses only letters, digits, hyphens and underscores.")
            errors.append(RowError(number, "product_slug", "slug_invalid", str(message), row.product_slug))
            return None, errors
        product = catalog.products_by_slug.get(row.product_slug)
    elif existing is not None:
        product = catalog.products[existing.product_id]
    else:
        message = _("A new SKU needs the slug of its product.")
        return None, [RowError(number, "product_slug", "required", str(message))]
    product_is_new = product is None
    if product_is_new:
        product = Product(slug=row.product_slug, status=ProductStatus.DRAFT)
        for column, name in (("product_name", "name"), ("brand", "brand"), ("category", "category")):
            if name not in row.product:
                message = _("Required for a new product.")
                errors.append(RowError(number, column, "required", str(message), cells.text(record.get(column))))
    else:
        product = copy.copy(product)

    # Rows of one product must agree on its columns.
    seen = catalog.product_rows.get(product.slug)
    if seen is not None:
        first_row, first_values = seen
        for name, value in {**row.product, "tags": _slugs(row.tags)}.items():
            if name in first_values and first_values[name] != value and (name != "tags" or row.tags is not None):
                column = {"name": "product_name", "name_en": "product_name_en"}.get(name, name)
                message = _(
                    "This product's %(column)s differs from row %(row)d; give every row of a product the "
                    "same product values."
                ) % {"column": column, "row": first_row}
                errors.append(
                    RowError(number, column, "product_conflict", str(message), cells.text(record.get(column)))
                )

    product_changed: set[str] = set()
    for name, value in row.product.items():
        current = getattr(product, f"{name}_id") if name in {"brand", "category"} else getattr(product, name)
        wanted = value.pk if name in {"brand", "category"} else value
        if product_is_new or current != wanted:
            setattr(product, name, value)
            product_changed.add(name)
    tags = row.tags
    if tags is not None and not product_is_new and _slugs(tags) == catalog.tag_slugs.get(product.pk, frozenset()):
        tags = None

    sku = copy.copy(existing) if existing is not None else SKU(code=row.sku_code)
    if existing is None and "list_price" not in row.sku:
        errors.append(RowError(number, "list_price", "required", str(_("Required for a new SKU."))))
    sku_changed: set[str] = set()
    previous_product_id = existing.product_id if existing is not None else None
    if previous_product_id is not None and (product_is_new or previous_product_id != product.pk):
        sku_changed.add("product")  # the SKU moves to another product
    for name, value in row.sku.items():
        if existing is None or getattr(sku, name) != value:
            setattr(sku, name, value)
            sku_changed.add(name)
    if errors:
        return None, errors

    try:
        sku_validate(sku=sku)
    except InvalidInput as exc:
        column = exc.details.get("field", "")
        return None, [row_error(number, column, exc, record.get(column))]
    if sku.barcode and (existing is None or existing.barcode != sku.barcode):
        owner = catalog.seen_barcodes.get(sku.barcode) or catalog.barcode_owner.get(sku.barcode)
        if owner and owner != sku.code:
            message = _("The barcode is already used by SKU %(code)s.") % {"code": owner}
            return None, [RowError(number, "barcode", "barcode_taken", str(message), sku.barcode)]

    stock = row.stock
    on_hand, reserved = catalog.stock.get(existing.pk, (0, 0)) if existing is not None else (0, 0)
    if stock is not None and stock < reserved:
        # The rule stock_set enforces, checked here so the row fails before it writes anything.
        message = _("%(reserved)d units are held by open orders; stock cannot be set below that.") % {
            "reserved": reserved
        }
        return None, [RowError(number, "stock", "stock_below_reserved", str(message), str(stock))]
    if stock == on_hand:
        stock = None  # unchanged (a new SKU starts with nothing on hand)
    plan = _Plan(
        product=product,
        product_is_new=product_is_new,
        product_changed=product_changed,
        tags=tags,
        sku=sku,
        sku_is_new=existing is None,
        sku_changed=sku_changed,
        stock=stock,
        previous_product_id=previous_product_id,
    )
    return plan, []


def _slugs(tags: list[Tag] | None) -> frozenset[str] | None:
    return None if tags is None else frozenset(tag.slug for tag in tags)


def _write(plan: _Plan, catalog: _Catalog) -> None:
    """Save what the plan changes (stock comes later, for all rows at once). The caller holds a savepoint: any
    exception undoes the whole row."""
    product = plan.product
    if plan.product_is_new or plan.product_changed:
        product_render_descriptions(product)
        fields = {*plan.product_changed, "description_html", "description_en_html", "updated_at"}
        if product.status == ProductStatus.ON_SALE and product.published_at is None:
            product.published_at = timezone.now()
            fields.add("published_at")
        product.save(update_fields=None if plan.product_is_new else sorted(fields))
    if plan.tags is not None:
        product.tags.set(plan.tags)
    sku = plan.sku
    if plan.sku_is_new:
        sku.product = product
        sku.position = catalog.next_position(product)
        sku.save()
    elif plan.sku_changed:
        sku.product = product
        sku.save(update_fields=sorted({*plan.sku_changed, "updated_at"}))


def catalog_import(
    *, data: bytes, filename: str = "", actor_id: int | None = None, dry_run: bool = False, can_set_stock: bool = True
) -> ImportReport:
    """Upsert products and SKUs from a CSV/XLSX file, row by row; report what happened to each row.

    Raises InvalidInput only for a file that cannot be used at all (unreadable, too big, no sku_code
    column); everything about single rows is in the report.
    """
    table = read_table(data)
    report = ImportReport(kind="products", filename=filename, dry_run=dry_run, header=table.header)
    check_columns(table, known=COLUMNS, required=["sku_code"], report=report)
    if "stock" in table.columns and not can_set_stock:
        raise InvalidInput(
            "stock_forbidden", _("You may not change stock; remove the stock column or ask an inventory operator.")
        )
    reason = f"import {filename}"[:64]
    with transaction.atomic():
        catalog = _Catalog(table)
        for number, record, raw in table.records():
            row, errors = _parse(number, record, catalog)
            plan = None
            if not errors:
                plan, errors = _plan(row, record, catalog)
            if errors:
                report.fail(number, raw, errors)
                continue
            if plan.changes_anything:
                try:
                    with transaction.atomic():
                        _write(plan, catalog)
                except DomainError as exc:
                    column = "stock" if exc.code.startswith("stock") else exc.details.get("field", "")
                    report.fail(number, raw, [row_error(number, column, exc, record.get(column))])
                    continue
                except (IntegrityError, DataError, OperationalError, ValidationError) as exc:
                    problem = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
                    message = _("The database refused this row: %(error)s") % {"error": problem}
                    report.fail(number, raw, [RowError(number, "", "row_rejected", str(message))])
                    continue
                catalog.remember(plan)
                report.count("created" if plan.sku_is_new else "updated")
                report.product_ids.add(plan.product.pk)
                if plan.previous_product_id:
                    report.product_ids.add(plan.previous_product_id)
            else:
                report.count("unchanged")
            # Only rows that went in (or needed nothing) bind later rows of the file.
            catalog.seen_codes[row.sku_code] = number
            if plan.sku.barcode:
                catalog.seen_barcodes[plan.sku.barcode] = row.sku_code
            catalog.product_rows.setdefault(plan.product.slug, (number, {**row.product, "tags": _slugs(row.tags)}))
        _apply_stock(catalog.pending_stock, reason=reason, actor_id=actor_id)
        products_touch(product_ids=report.product_ids)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply_stock(counts: dict[int, int], *, reason: str, actor_id: int | None) -> None:
    """Set the stock counts of the rows that went in, under one lock taken in SKU order (which also keeps the
    stock rows locked for the shortest time). Each count passed the stock rule when its row was checked; if a
    checkout reserved units in between, the whole import is refused so that no row is left half-written."""
    from shequ.inventory.services import stock_set_many

    if not counts:
        return
    results = stock_set_many(counts=counts, reasons=dict.fromkeys(counts, reason), actor_id=actor_id)
    if any(isinstance(outcome, DomainError) for outcome in results.values()):
        raise Conflict(
            "import_stock_changed",
            _("Orders reserved stock while the file was being imported, so nothing was saved; import it again."),
        )


def sku_ids_by_code(*, codes: list[str]) -> dict[str, int]:
    """SKU code → id for the codes that exist (the stock import resolves its rows with this)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(codes))):
        found.update(SKU.objects.filter(code__in=chunk).values_list("code", "pk"))
    return found

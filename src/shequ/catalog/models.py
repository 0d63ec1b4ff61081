"""The catalog: brands, a category tree, products with their SKUs, images, tags, banners,
and the traceability records (production batches and third-party inspection reports) behind each SKU.

Prices are Decimal CNY. A SKU's price is its sale price inside the sale window, its list price otherwise;
``Product.price_min/price_max`` and ``in_stock`` are denormalised from the SKUs (kept current by the
catalog services, the inventory service and a periodic task for sale windows) so that listing, filtering
and sorting never aggregate over SKUs at request time.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shequ.core.models import TimeStampedModel

MONEY = {"max_digits": 10, "decimal_places": 2}


class Bilingual:
    """``obj.t("name")`` returns the English text when the request is in English and one exists."""

    def t(self, field: str) -> str:
        if (get_language() or "").startswith("en"):
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)


class Brand(Bilingual, TimeStampedModel):
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    logo = models.ImageField(_("logo"), upload_to="brands/", blank=True)
    story = models.TextField(_("brand story"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(Bilingual, TimeStampedModel):
    """A node of the category tree; ``path`` ("drinks/tea/") makes "this category and everything under it"
    one indexed prefix filter instead of a recursive query."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    icon = models.CharField(_("icon"), max_length=8, blank=True, help_text=_("An emoji shown on the home page."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Tag(Bilingual, models.Model):
    class Kind(models.TextChoices):
        DIETARY = "dietary", _("Dietary")
        FEATURE = "feature", _("Feature")
        OCCASION = "occasion", _("Occasion")

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=30)
    name_en = models.CharField(_("English name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FEATURE)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["kind", "slug"]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ON_SALE = "on_sale", _("On sale")
    OFF_SALE = "off_sale", _("Off sale")


class Product(Bilingual, TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products", verbose_name=_("brand"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    subtitle = models.CharField(_("selling point"), max_length=160, blank=True)
    subtitle_en = models.CharField(_("English selling point"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown or HTML; sanitised."))
    description_en = models.TextField(_("English description"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    description_en_html = models.TextField(editable=False, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    tags = models.ManyToManyField(Tag, blank=True, related_name="products", verbose_name=_("tags"))
    is_featured = models.BooleanField(_("featured"), default=False)
    published_at = models.DateTimeField(_("first on sale"), null=True, blank=True)
    # Denormalised for listing, filtering and sorting (see module docstring).
    price_min = models.DecimalField(_("lowest price"), **MONEY, null=True, blank=True, editable=False)
    price_max = models.DecimalField(_("highest price"), **MONEY, null=True, blank=True, editable=False)
    in_stock = models.BooleanField(_("in stock"), default=False, editable=False)
    sales_count = models.PositiveIntegerField(_("units sold"), default=0, editable=False)
    rating_avg = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, default=Decimal("0"), editable=False)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="bumped on every change; part of cache keys and ETags"
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["status", "category"], name="catalog_product_status_cat"),
            models.Index(fields=["status", "brand"], name="catalog_product_status_brand"),
            models.Index(fields=["status", "price_min"], name="catalog_product_status_price"),
            models.Index(fields=["status", "-published_at"], name="catalog_product_status_new"),
            models.Index(fields=["status", "-sales_count"], name="catalog_product_status_sales"),
            models.Index(fields=["status", "-rating_avg"], name="catalog_product_status_rating"),
            models.Index(fields=["status", "is_featured"], name="catalog_product_featured"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_on_sale(self) -> bool:
        return self.status == ProductStatus.ON_SALE


def product_image_upload_to(instance: ProductImage, filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=product_image_upload_to)
    thumbnail = models.ImageField(upload_to=product_image_upload_to, blank=True, editable=False)
    alt = models.CharField(_("alt text"), max_length=120, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["product", "position"], name="catalog_image_product_pos")]

    def __str__(self) -> str:
        return self.alt or f"image {self.pk}"


class SKU(Bilingual, TimeStampedModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus", verbose_name=_("product"))
    code = models.CharField(_("SKU code"), max_length=40, unique=True)
    barcode = models.CharField(_("barcode (GTIN)"), max_length=14, blank=True, db_index=True)
    flavour = models.CharField(_("flavour"), max_length=40, blank=True)
    flavour_en = models.CharField(_("English flavour"), max_length=60, blank=True)
    pack_size = models.CharField(_("pack size"), max_length=40, blank=True)
    pack_size_en = models.CharField(_("English pack size"), max_length=60, blank=True)
    weight_grams = models.PositiveIntegerField(_("shipping weight (g)"), default=0)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    list_price = models.DecimalField(_("list price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    sale_price = models.DecimalField(
        _("sale price"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    sale_start = models.DateTimeField(_("sale starts"), null=True, blank=True)
    sale_end = models.DateTimeField(_("sale ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["product", "position"], name="catalog_sku_product_pos"),
            models.Index(fields=["sale_start"], name="catalog_sku_sale_start"),
            models.Index(fields=["sale_end"], name="catalog_sku_sale_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(list_price__gte=0), name="catalog_sku_list_price_nonneg"),
            models.CheckConstraint(
                condition=Q(sale_price__isnull=True) | Q(sale_price__gte=0), name="catalog_sku_sale_price_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(sale_start__isnull=True)
                | Q(sale_end__isnull=True)
                | Q(sale_end__gt=models.F("sale_start")),
                name="catalog_sku_sale_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.variant_label}".strip() if self.product_id else self.code

    @property
    def variant_label(self) -> str:
        return " · ".join(part for part in (self.t("flavour"), self.t("pack_size")) if part)

    def price_at(self, at=None) -> Decimal:
        """The price a buyer pays at ``at`` (now by default)."""
        at = at or timezone.now()
        if (
            self.sale_price is not None
            and (self.sale_start is None or self.sale_start <= at)
            and (self.sale_end is None or at < self.sale_end)
        ):
            return self.sale_price
        return self.list_price

    @property
    def price(self) -> Decimal:
        return self.price_at()

    @property
    def on_sale_now(self) -> bool:
        return self.price < self.list_price


class Banner(Bilingual, TimeStampedModel):
    title = models.CharField(_("title"), max_length=60)
    title_en = models.CharField(_("English title"), max_length=80, blank=True)
    subtitle = models.CharField(_("subtitle"), max_length=120, blank=True)
    subtitle_en = models.CharField(_("English subtitle"), max_length=160, blank=True)
    image = models.ImageField(_("image"), upload_to="banners/", blank=True)
    link = models.CharField(_("link"), max_length=300, help_text=_("A path on this site, e.g. /c/dairy/"))
    colour = models.CharField(_("background colour"), max_length=7, default="#fff1e8")
    position = models.PositiveIntegerField(_("position"), default=0)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("banner")
        verbose_name_plural = _("banners")
        ordering = ["position", "-id"]

    def __str__(self) -> str:
        return self.title


# --- traceability ---------------------------------------------------------------------------------------


class ProductionBatch(TimeStampedModel):
    """One production run of one SKU: what is printed on the pack next to the QR code."""

    sku = models.ForeignKey(SKU, on_delete=models.PROTECT, related_name="batches", verbose_name=_("SKU"))
    batch_no = models.CharField(_("batch number"), max_length=40, unique=True)
    production_date = models.DateField(_("production date"))
    expiry_date = models.DateField(_("best before"))
    factory = models.CharField(_("factory"), max_length=120)
    origin = models.CharField(_("place of origin"), max_length=120)
    raw_materials = models.JSONField(
        _("raw material origins"),
        default=list,
        blank=True,
        help_text=_('A list like [{"material": "生牛乳", "origin": "内蒙古呼伦贝尔"}]'),
    )
    quantity = models.PositiveIntegerField(_("units produced"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("production batch")
        verbose_name_plural = _("production batches")
        ordering = ["-production_date", "-id"]
        indexes = [models.Index(fields=["sku", "-production_date"], name="catalog_batch_sku_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__gte=models.F("production_date")), name="catalog_batch_expiry_after_production"
            )
        ]

    def __str__(self) -> str:
        return self.batch_no

    @property
    def is_expired(self) -> bool:
        return self.expiry_date < timezone.localdate()


class InspectionResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", pgettext_lazy("inspection result", "Failed")
    PENDING = "pending", _("Pending")


def inspection_upload_to(instance: InspectionReport, filename: str) -> str:
    return f"inspections/{instance.batch_id}/{filename}"


class InspectionReport(TimeStampedModel):
    """A third-party spot check of one batch (检测报告)."""

    batch = models.ForeignKey(
        ProductionBatch, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("batch")
    )
    agency = models.CharField(_("inspection agency"), max_length=120)
    report_no = models.CharField(_("report number"), max_length=60)
    inspected_on = models.DateField(_("inspection date"))
    result = models.CharField(_("result"), max_length=10, choices=InspectionResult.choices)
    items_tested = models.JSONField(
        _("items tested"), default=list, blank=True, help_text=_('A list like [{"item": "菌落总数", "result": "合格"}]')
    )
    summary = models.TextField(_("summary"), blank=True)
    pdf = models.FileField(_("report (PDF)"), upload_to=inspection_upload_to, blank=True)

    class Meta:
        verbose_name = _("inspection report")
        verbose_name_plural = _("inspection reports")
        ordering = ["-inspected_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "report_no"], name="catalog_inspection_unique_no")]

    def __str__(self) -> str:
        return f"{self.agency} {self.report_no}"

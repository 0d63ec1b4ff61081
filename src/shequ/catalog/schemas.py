"""The catalog API's JSON shapes. Money is a decimal string ("12.90"); times are ISO 8601 in UTC."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class BrandOut(Schema):
    id: int
    slug: str
    name: str
    logo_url: str | None = None


class BrandRefOut(Schema):
    slug: str
    name: str


class TagOut(Schema):
    slug: str
    name: str
    kind: str


class CategoryNodeOut(Schema):
    id: int
    slug: str
    name: str
    icon: str
    url: str
    children: list[CategoryNodeOut] = []


class CategoryRefOut(Schema):
    id: int
    slug: str
    name: str


class BannerOut(Schema):
    id: int
    title: str
    subtitle: str
    image_url: str | None
    link: str
    colour: str


class ImageOut(Schema):
    url: str
    thumbnail_url: str
    alt: str


class ProductCardOut(Schema):
    id: int
    slug: str
    url: str
    name: str
    subtitle: str
    brand: BrandRefOut
    price_min: Decimal | None
    price_max: Decimal | None
    in_stock: bool
    is_featured: bool
    rating_avg: Decimal
    rating_count: int
    sales_count: int
    image: ImageOut | None


class FacetOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class ProductListOut(Schema):
    items: list[ProductCardOut]
    count: int
    page: int
    page_size: int
    pages: int
    facets: dict[str, list[FacetOut]]
    corrected_query: str = Field("", description="A spelling correction the results were found with, if any.")


class SkuOut(Schema):
    id: int
    code: str
    barcode: str
    flavour: str
    pack_size: str
    label: str
    price: Decimal = Field(description="What a buyer pays now.")
    list_price: Decimal
    on_sale: bool
    sale_end: datetime | None = Field(description="When the sale price ends (only while on sale).")
    stock_state: str = Field(description="in_stock, low or out")
    stock_left: int | None = Field(description="Units left, only when few are left.")
    weight_grams: int
    shelf_life_days: int | None


class InspectionOut(Schema):
    agency: str
    report_no: str
    inspected_on: date
    result: str


class TraceBatchOut(Schema):
    batch_no: str
    production_date: date
    expiry_date: date
    origin: str
    variant_label: str
    sku_code: str
    status: str = Field(description="ok, expiring_soon, uninspected, pending, expired or failed")
    latest_inspection: InspectionOut | None
    url: str = Field(description="The public trace page of the batch.")


class ProductDetailOut(Schema):
    id: int
    slug: str
    url: str
    version: int
    name: str
    subtitle: str
    description_html: str = Field(description="Sanitised HTML.")
    brand: BrandRefOut
    category_path: list[CategoryRefOut]
    tags: list[TagOut]
    images: list[ImageOut]
    skus: list[SkuOut]
    price_min: Decimal | None
    price_max: Decimal | None
    in_stock: bool
    rating_avg: Decimal
    rating_count: int
    sales_count: int
    published_at: datetime | None
    trace: list[TraceBatchOut] | None = Field(description="Recent production batches; null before traceability.")


class SuggestionOut(Schema):
    text: str
    kind: str
    url: str


class SuggestListOut(Schema):
    items: list[SuggestionOut]

"""Products in the back office: the product form with its SKUs (rules checked, saved through sku_save) and
photos (uploaded through product_image_add, which makes the thumbnails), bulk status changes, the list with
its filters and search, and the import/export pages (admin_io.py). Saving calls products_touch so prices,
stock flags, versions, caches and the search index follow."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shequ.catalog import admin_io as spreadsheets
from shequ.catalog import admin_selectors
from shequ.catalog.admin_base import CategoryChoiceField, CategoryTreeFilter, DomainErrorsAsMessages
from shequ.catalog.exports import export_filename, products_export
from shequ.catalog.images import MAX_BYTES as IMAGE_MAX_BYTES
from shequ.catalog.images import product_image_add
from shequ.catalog.imports import catalog_import
from shequ.catalog.models import SKU, Product, ProductImage, ProductStatus
from shequ.catalog.services import (
    product_image_delete,
    product_image_update,
    product_save,
    products_delete,
    products_set_status,
    products_touch,
    sku_delete,
    sku_save,
    sku_validate,
)
from shequ.core.errors import InvalidInput

# --- products, SKUs and photos ---------------------------------------------------------------------------


class SKUForm(forms.ModelForm):
    class Meta:
        model = SKU
        fields = (
            "code",
            "barcode",
            "flavour",
            "flavour_en",
            "pack_size",
            "pack_size_en",
            "weight_grams",
            "shelf_life_days",
            "list_price",
            "sale_price",
            "sale_start",
            "sale_end",
            "is_active",
            "position",
        )

    def clean(self):
        cleaned = super().clean()
        fields = ("barcode", "list_price", "sale_price", "sale_start", "sale_end")
        if any(name in self.errors for name in fields):
            return cleaned
        candidate = SKU(**{name: cleaned.get(name) for name in fields})
        candidate.barcode = candidate.barcode or ""
        try:
            sku_validate(sku=candidate)
        except InvalidInput as exc:
            self.add_error(exc.details.get("field"), str(exc.message))
        else:
            cleaned["barcode"] = candidate.barcode
        return cleaned


class SKUInline(admin.StackedInline):
    model = SKU
    form = SKUForm
    extra = 0
    ordering = ("position", "id")
    fields = (
        ("code", "barcode", "is_active", "position"),
        ("flavour", "flavour_en", "pack_size", "pack_size_en"),
        ("weight_grams", "shelf_life_days"),
        ("list_price", "sale_price"),
        ("sale_start", "sale_end"),
        "stock_display",
    )
    readonly_fields = ("stock_display",)

    def get_queryset(self, request):
        # The stock row rides along with each SKU: one query for the page instead of one per SKU.
        return admin_selectors.skus_with_stock(super().get_queryset(request))

    @admin.display(description=_("current stock"))
    def stock_display(self, obj: SKU):
        if obj.pk is None:
            return "—"
        try:
            level = obj.stock
        except ObjectDoesNotExist:
            url = reverse("admin:inventory_stocklevel_add") + f"?sku={obj.pk}"
            return format_html('{} · <a href="{}">{}</a>', _("no stock yet"), url, _("set stock"))
        url = reverse("admin:inventory_stocklevel_change", args=[obj.pk])
        return format_html(
            '{} · <a href="{}">{}</a>',
            _("%(on_hand)d on hand, %(reserved)d reserved, %(available)d available")
            % {"on_hand": level.on_hand, "reserved": level.reserved, "available": level.available},
            url,
            _("adjust"),
        )


class ProductImageForm(forms.ModelForm):
    upload = forms.ImageField(
        label=_("picture"), required=False, help_text=_("JPEG, PNG, WebP or GIF; a square thumbnail is made.")
    )

    class Meta:
        model = ProductImage
        fields = ("alt", "position")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > IMAGE_MAX_BYTES:
            raise forms.ValidationError(_("The picture is too large (at most 10 MB)."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and self.has_changed() and not cleaned.get("upload") and "upload" not in self.errors:
            self.add_error("upload", _("Choose a picture to upload."))
        return cleaned


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 1
    ordering = ("position", "id")
    fields = ("preview", "upload", "alt", "position")
    readonly_fields = ("preview",)

    @admin.display(description=_("thumbnail"))
    def preview(self, obj: ProductImage):
        source = obj.thumbnail or obj.image if obj.pk else None
        if not source:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="width:80px;height:80px;object-fit:cover">', source.url, obj.alt
        )


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = (
            "name",
            "name_en",
            "slug",
            "brand",
            "category",
            "status",
            "is_featured",
            "subtitle",
            "subtitle_en",
            "description",
            "description_en",
            "tags",
        )
        field_classes = {"category": CategoryChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = admin_selectors.category_tree()


def _status_action(status: str, description: str):
    def action(modeladmin, request, queryset):
        changed = products_set_status(product_ids=list(queryset.values_list("pk", flat=True)), status=status)
        modeladmin.message_user(
            request,
            ngettext("%(count)d product changed.", "%(count)d products changed.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    action.__name__ = f"set_status_{status}"
    return admin.action(description=description, permissions=["change"])(action)


def _export_action(fmt: str, description: str):
    def action(modeladmin, request, queryset):
        return spreadsheets.file_response(
            products_export(fmt=fmt, products=queryset), fmt, export_filename("products", fmt)
        )

    action.__name__ = f"export_{fmt}"
    return admin.action(description=description, permissions=["view"])(action)


@admin.register(Product)
class ProductAdmin(DomainErrorsAsMessages, admin.ModelAdmin):
    form = ProductForm
    change_list_template = "admin/catalog/product/change_list.html"
    list_display = (
        "thumbnail",
        "name",
        "brand",
        "category",
        "status",
        "price_range",
        "in_stock",
        "is_featured",
        "updated_at",
    )
    list_display_links = ("thumbnail", "name")
    list_filter = ("status", "brand", CategoryTreeFilter, "tags", "in_stock", "is_featured")
    list_select_related = ("brand", "category")
    list_per_page = 50
    search_fields = ("name", "name_en", "slug", "skus__code", "=skus__barcode")
    search_help_text = _("Search by name, English name, slug, SKU code or barcode.")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("tags",)
    readonly_fields = (
        "price_min",
        "price_max",
        "in_stock",
        "sales_count",
        "rating_avg",
        "rating_count",
        "published_at",
        "version",
    )
    fieldsets = (
        (None, {"fields": (("name", "name_en"), "slug", ("brand", "category"), ("status", "is_featured"))}),
        (_("Selling point"), {"fields": ("subtitle", "subtitle_en")}),
        (_("Description"), {"fields": ("description", "description_en")}),
        (_("Tags"), {"fields": ("tags",)}),
        (
            _("Figures (kept up to date automatically)"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("price_min", "price_max", "in_stock"),
                    ("sales_count", "rating_avg", "rating_count"),
                    ("published_at", "version"),
                ),
            },
        ),
    )
    inlines = (SKUInline, ProductImageInline)
    actions = (
        _status_action(ProductStatus.ON_SALE, _("Put the selected products on sale")),
        _status_action(ProductStatus.OFF_SALE, _("Take the selected products off sale")),
        _status_action(ProductStatus.DRAFT, _("Send the selected products back to draft")),
        _export_action("csv", _("Export the selected products (CSV)")),
        _export_action("xlsx", _("Export the selected products (Excel)")),
    )

    def get_queryset(self, request):
        return admin_selectors.products_with_gallery(super().get_queryset(request))

    @admin.display(description=_("picture"))
    def thumbnail(self, obj: Product):
        first = obj.gallery[0] if getattr(obj, "gallery", None) else None
        source = first and (first.thumbnail or first.image)
        if not source:
            return format_html(
                '<span style="display:inline-block;width:40px;height:{}px;background:#f4f4f4"></span>', 40
            )
        return format_html('<img src="{}" alt="" style="width:40px;height:40px;object-fit:cover">', source.url)

    @admin.display(description=_("price (¥)"), ordering="price_min")
    def price_range(self, obj: Product) -> str:
        if obj.price_min is None:
            return "—"
        if obj.price_min == obj.price_max:
            return f"{obj.price_min}"
        return f"{obj.price_min}–{obj.price_max}"

    # --- saving through the services ---

    def save_model(self, request, obj, form, change) -> None:
        product_save(product=obj)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is SKU:
            instances = formset.save(commit=False)
            for sku in formset.deleted_objects:
                sku_delete(sku=sku, touch=False)
            for sku in instances:
                sku_save(sku=sku, touch=False)
            return
        if formset.model is ProductImage:
            self._save_images(formset)
            return
        super().save_formset(request, form, formset, change)

    def _save_images(self, formset) -> None:
        # Photos go through product_image_add (it makes the thumbnail), so the formset never saves them itself;
        # the bookkeeping below is what the admin's history message reads from a saved formset.
        product = formset.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for image_form in formset.forms:
            image = image_form.instance
            if formset._should_delete_form(image_form):
                if image.pk:
                    product_image_delete(image=image)
                    formset.deleted_objects.append(image)
                continue
            if not image_form.has_changed():
                continue
            upload = image_form.cleaned_data.get("upload")
            if upload:
                position = image_form.cleaned_data["position"] if "position" in image_form.changed_data else None
                if image.pk and position is None:
                    position = image.position
                alt = image_form.cleaned_data["alt"]
                added = product_image_add(product=product, data=upload.read(), alt=alt, position=position)
                formset.new_objects.append(added)
                if image.pk:
                    product_image_delete(image=image)
                    formset.deleted_objects.append(image)
            elif image.pk:
                product_image_update(image=image)
                formset.changed_objects.append((image, image_form.changed_data))

    def delete_model(self, request, obj) -> None:
        products_delete(product_ids=[obj.pk])

    def delete_queryset(self, request, queryset) -> None:
        products_delete(product_ids=list(queryset.values_list("pk", flat=True)))

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # product_save touched the product already; SKUs and tags saved after it need one more touch.
        if "tags" in form.changed_data or any(formset.has_changed() for formset in formsets):
            products_touch(product_ids=[form.instance.pk])

    # --- import / export pages ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="catalog_product_import"),
            path("import/errors/<str:token>/", view(self.import_errors_view), name="catalog_product_import_errors"),
            path("export/", view(self.export_view), name="catalog_product_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": request.user.has_perms(spreadsheets.PRODUCT_IMPORT_PERMISSIONS),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        can_set_stock = request.user.has_perm(spreadsheets.STOCK_PERMISSION)

        def run(*, request, data, filename, dry_run):
            return catalog_import(
                data=data, filename=filename, actor_id=request.user.pk, dry_run=dry_run, can_set_stock=can_set_stock
            )

        return spreadsheets.import_view(
            request,
            model_admin=self,
            title=_("Import products"),
            permissions=spreadsheets.PRODUCT_IMPORT_PERMISSIONS,
            run=run,
            columns=PRODUCT_COLUMN_HELP,
            errors_url_name="admin:catalog_product_import_errors",
            event="admin_product_import",
        )

    def import_errors_view(self, request, token: str):
        return spreadsheets.import_errors_view(request, token, permissions=spreadsheets.PRODUCT_IMPORT_PERMISSIONS)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return spreadsheets.export_response(request, build=lambda fmt: products_export(fmt=fmt), kind="products")


@admin.register(SKU)
class SKUAdmin(DomainErrorsAsMessages, admin.ModelAdmin):
    """Find a SKU by code or barcode (the batch and stock forms look SKUs up here); edit it on its product."""

    form = SKUForm
    list_display = ("code", "product", "variant", "barcode", "list_price", "sale_price", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("product",)
    search_fields = ("code", "=barcode", "product__name", "product__name_en")
    raw_id_fields = ("product",)

    def get_fields(self, request, obj=None):
        return ("product", *SKUForm.Meta.fields)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = self.get_fields(request, obj)
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("variant"))
    def variant(self, obj: SKU) -> str:
        return obj.variant_label

    def has_add_permission(self, request) -> bool:
        return False  # SKUs are added on their product's page

    def save_model(self, request, obj, form, change) -> None:
        sku_save(sku=obj)


PRODUCT_COLUMN_HELP = [
    ("sku_code", _("Required. Rows are matched to SKUs by this code; a new code creates a SKU.")),
    ("product_slug", _("The product's slug; a new slug creates a product. Required for a new SKU.")),
    ("product_name / product_name_en", _("Product name (required for a new product) and English name.")),
    ("brand", _("Slug or name of an existing brand.")),
    ("category", _("Slug of an existing category.")),
    ("status", _("draft, on_sale or off_sale (blank keeps the current status; new products are drafts).")),
    ("subtitle / subtitle_en", _("Selling point.")),
    ("description / description_en", _("Markdown or HTML; it is sanitised.")),
    ("tags", _("Tag slugs separated by commas, e.g. organic,sugar-free. Blank removes all tags.")),
    ("flavour / flavour_en / pack_size / pack_size_en", _("The variant.")),
    ("barcode", _("GTIN-8, 12, 13 or 14 with a correct check digit. Format the column as text in Excel.")),
    ("weight_grams / shelf_life_days", _("Whole numbers.")),
    ("list_price / sale_price", _("Yuan with at most 2 decimals; the sale price may not exceed the list price.")),
    (
        "sale_start / sale_end",
        _("2026-01-31 10:00, 2026/01/31 or 2026年1月31日 (Beijing time); a date alone ends the sale after that day."),
    ),
    ("stock", _("Quantity on hand (blank leaves stock alone); never below what open orders hold.")),
]

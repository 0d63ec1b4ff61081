"""Catalog back office: brands, the category tree, tags and banners here; products with their SKUs and photos
in admin_products.py (with spreadsheet import/export through admin_io.py); traceability in admin_trace.py.

Every write goes through the catalog services so paths, denormalised prices/stock, versions, caches and
the search index stay right: category_save for the tree, brand_save/tag_save/banner_save for the rest.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shequ.catalog import (
    admin_products,  # noqa: F401 - registers the product and SKU admin
    admin_selectors,
    admin_trace,  # noqa: F401 - registers the traceability admin
)
from shequ.catalog.admin_base import CategoryChoiceField, indented
from shequ.catalog.models import Banner, Brand, Category, Tag
from shequ.catalog.services import banner_delete, banner_save, brand_save, category_save, tag_save

# --- the category tree -----------------------------------------------------------------------------------


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("parent", "name", "name_en", "slug", "position", "icon", "is_active")
        field_classes = {"parent": CategoryChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = admin_selectors.category_tree()

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and parent.path.startswith(self.instance.path):
            raise forms.ValidationError(_("A category cannot be moved under itself or one of its subcategories."))
        return parent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ("tree_name", "name_en", "slug", "icon", "position", "is_active", "product_count")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "slug")
    ordering = ("path",)
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request):
        return admin_selectors.categories_with_product_counts(super().get_queryset(request))

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, obj: Category):
        return format_html('<span style="padding-left:{}em">{}</span>', obj.depth * 1.5, indented(obj))

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, obj: Category) -> int:
        return obj.product_count

    def save_model(self, request, obj, form, change) -> None:
        category_save(category=obj)


# --- reference data --------------------------------------------------------------------------------------


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug", "is_active", "product_count")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request):
        return admin_selectors.brands_with_product_counts(super().get_queryset(request))

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, obj: Brand) -> int:
        return obj.product_count

    def save_model(self, request, obj, form, change) -> None:
        brand_save(brand=obj)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "name_en", "kind")
    list_filter = ("kind",)
    search_fields = ("slug", "name", "name_en")

    def save_model(self, request, obj, form, change) -> None:
        tag_save(tag=obj)


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    list_display = ("preview", "title", "link", "position", "is_active", "starts_at", "ends_at")
    list_display_links = ("preview", "title")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title", "title_en", "link")
    ordering = ("position", "-id")

    @admin.display(description=_("image"))
    def preview(self, obj: Banner):
        if not obj.image:
            return format_html(
                '<span style="display:inline-block;width:48px;height:24px;background:{}"></span>', obj.colour
            )
        return format_html('<img src="{}" alt="" style="height:32px;border-radius:4px">', obj.image.url)

    def save_model(self, request, obj, form, change) -> None:
        banner_save(banner=obj)

    def delete_model(self, request, obj) -> None:
        banner_delete(banner=obj)

    def delete_queryset(self, request, queryset) -> None:
        for banner in queryset:
            banner_delete(banner=banner)

"""What else the product page shows, as versions: modules that plug blocks into the page (reviews, Q&A) register
a function giving their block's current version for a product, so the page cached for visitors without a
session (core.page_cache) is keyed on them and a new review shows at once.
"""

from __future__ import annotations

from collections.abc import Callable

_providers: dict[str, Callable[[int], object]] = {}


def register(name: str, version: Callable[[int], object]) -> None:
    """Call from an AppConfig.ready(); registering the same name again replaces it."""
    _providers[name] = version


def product_page_versions(product_id: int) -> str:
    """The registered versions for this product, as one key part."""
    return ".".join(f"{name}{provider(product_id)}" for name, provider in sorted(_providers.items()))

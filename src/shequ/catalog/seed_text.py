"""The text of planned products: the Markdown description (Chinese and English) with its spec table.

Paragraphs, the heading and the table are separated by blank lines and each renders on its own, which lets
``catalog.seed`` render descriptions block by block with a cache.
"""

from __future__ import annotations

from shequ.catalog import seed_data as data

_PARENTS = {category.slug: category.parent for category in data.CATEGORIES}


def _top_category(slug: str) -> str:
    while _PARENTS.get(slug):
        slug = _PARENTS[slug]
    return slug


def with_suffix(text: str, suffix: str) -> str:
    """白桃 + 味 → 白桃味, but 原味 stays 原味."""
    return text if not suffix or text.endswith(suffix.strip()) else text + suffix


def product_description(candidate, *, skus, shelf_life: int, storage: str, origin: str) -> tuple[str, str]:
    """The Markdown description in Chinese and in English: paragraphs and a product-information table."""
    base, brand, edition, flavour, series = candidate
    blurb_zh, blurb_en = base.blurb
    middle_zh, middle_en = [], []
    if edition.note:
        middle_zh.append(edition.note[0])
        middle_en.append(edition.note[1])
    if series:
        middle_zh.append(f"这是{brand.name}的「{series[0]}」版本，数量有限，售完即止。")
        middle_en.append(f"This is the {series[1]} edition from {brand.name_en}: limited stock, while it lasts.")
    if flavour:
        flavour_zh, flavour_en = (with_suffix(f, s) for f, s in zip(flavour, base.flavour_suffix, strict=True))
        middle_zh.append(f"这款是{flavour_zh}，同系列还有其他口味可选。")
        middle_en.append(f"This one is {flavour_en}; the range comes in other flavours too.")
    usage_zh, usage_en = data.USAGE.get(base.category, ("", ""))
    packs_zh = " / ".join(dict.fromkeys(sku.pack_size for sku in skus))
    packs_en = " / ".join(dict.fromkeys(sku.pack_size_en for sku in skus))
    flavours_zh = "、".join(dict.fromkeys(sku.flavour for sku in skus if sku.flavour))
    flavours_en = ", ".join(dict.fromkeys(sku.flavour_en for sku in skus if sku.flavour_en))
    life_zh, life_en = _shelf_life_text(shelf_life)
    origin_zh, origin_en = data.ORIGINS[origin]
    storage_zh, storage_en = data.STORAGE[storage]
    food = _top_category(base.category) in ("drinks", "dairy", "snacks")
    sourcing_zh = "；".join(f"{m} — {data.ORIGINS[o][0]}" for m, _e, o in base.raw)
    sourcing_en = "; ".join(f"{e} — {data.ORIGINS[o][1]}" for _m, e, o in base.raw)
    rows_zh = [
        ("配料" if food else "全成分", base.ingredients[0]),
        ("规格", packs_zh),
        *([("口味" if food else "香型/款式", flavours_zh)] if flavours_zh else []),
        ("保质期", life_zh),
        ("储存条件", storage_zh),
        ("产地", origin_zh),
        ("执行标准", base.standard),
    ]
    rows_en = [
        ("Ingredients", base.ingredients[1]),
        ("Pack sizes", packs_en),
        *([("Flavours" if food else "Variants", flavours_en)] if flavours_en else []),
        ("Shelf life", life_en),
        ("Storage", storage_en),
        ("Made in", origin_en),
        ("Standard", base.standard),
    ]
    zh = _markdown(
        blurb_zh,
        " ".join(middle_zh),
        f"**推荐用法**：{usage_zh}" if usage_zh else "",
        f"**原料溯源**：{sourcing_zh}。每一批产品都可以扫码查看生产批次和第三方检测报告。" if sourcing_zh else "",
        "产品信息",
        ("项目", "说明"),
        rows_zh,
    )
    en = _markdown(
        blurb_en,
        " ".join(middle_en),
        f"**How to enjoy**: {usage_en}" if usage_en else "",
        f"**Sourcing**: {sourcing_en}. Scan any pack to see its production batch and independent test reports."
        if sourcing_en
        else "",
        "Product details",
        ("Item", "Details"),
        rows_en,
    )
    return zh, en


def _markdown(*parts) -> str:
    *paragraphs, heading, header, rows = parts
    table = [f"| {header[0]} | {header[1]} |", "| --- | --- |"]
    table += [f"| {label} | {value.replace('|', '/')} |" for label, value in rows]
    return "\n\n".join([*(p for p in paragraphs if p), f"### {heading}", "\n".join(table)]) + "\n"


def _shelf_life_text(days: int) -> tuple[str, str]:
    if days < 60:
        return f"{days}天", f"{days} days"
    months = round(days / 30)
    return f"{months}个月", f"{months} months"

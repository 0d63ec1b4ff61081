"""Search latency: p50/p95/p99 of catalog.browse.product_browse for one- and two-word Chinese queries.

It builds a synthetic FMCG catalog (brands, a two-level category tree, tags; product names made of brand +
edition + flavour + product word + pack size, 3–4 SKUs each) with bulk inserts, indexes it with the search
module's rebuild (timed: that is also `shequ reindex`), then times ``product_browse`` per query:

- cold: the result caches are invalidated before every call (what the first visitor after a product edit
  pays: text match, filters, facets, the page of cards);
- stock chg: after a stock or price change (the catalog generation moves, the search index does not: the text
  match stays cached, the product rows are read again);
- warm: the same query again (served from the cache: Redis in production, local memory embedded);
- follow-up: the same words with another page, sort or filter (the text match is cached, the rest is not);
- suggest: autocomplete prefixes (cold).

SQLite (a fresh file in a temporary directory):

    python bench/search_latency.py --products 15000

PostgreSQL + Redis (a scratch database; it is migrated, and filled if it has no products):

    createdb -h 127.0.0.1 -U postgres shequ_bench_search
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench_search REDIS_URL=redis://127.0.0.1:6379/4 \\
        python bench/search_latency.py --products 15000

``--existing`` measures a database that is already filled (e.g. by bench/generate_catalog.py) instead.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal

ONE_WORD = [
    "牛奶", "酸奶", "纯牛奶", "燕麦奶", "薯片", "饼干", "巧克力", "坚果", "咖啡", "气泡水", "矿泉水", "果汁",
    "绿茶", "方便面", "洗衣液", "纸巾", "洗发水", "牙膏", "沐浴露", "草莓", "芒果", "抹茶", "低糖", "无糖",
    "有机", "整箱", "零食", "饮料", "伊利", "蒙牛",
]  # fmt: skip
TWO_WORDS = [
    "草莓 酸奶", "伊利 牛奶", "低糖 饼干", "原味 薯片", "无糖 气泡水", "整箱 牛奶", "蓝莓 酸奶", "巧克力 饼干",
    "抹茶 巧克力", "蒙牛 纯牛奶", "有机 燕麦奶", "柠檬 气泡水", "海盐 薯片", "冷萃 咖啡", "薰衣草 洗衣液",
    "芒果 果汁", "全脂 牛奶", "儿童 牙膏", "乐事 薯片", "家庭装 纸巾",
]  # fmt: skip
PREFIXES = ["牛", "酸", "薯", "n", "ni", "niu", "yi", "sn", "ql", "咖", "洗", "qi", "巧克", "mi", "yo"]

BRANDS = [
    ("伊利", "Yili"), ("蒙牛", "Mengniu"), ("光明", "Bright"), ("君乐宝", "Junlebao"), ("三元", "Sanyuan"),
    ("乐事", "Lay's"), ("好丽友", "Orion"), ("奥利奥", "Oreo"), ("旺旺", "Want Want"), ("三只松鼠", "Three Squirrels"),
    ("良品铺子", "Bestore"), ("洽洽", "ChaCha"), ("德芙", "Dove"), ("雀巢", "Nestle"), ("元气森林", "Genki Forest"),
    ("农夫山泉", "Nongfu Spring"), ("怡宝", "C'estbon"), ("康师傅", "Master Kong"), ("统一", "Uni-President"),
    ("娃哈哈", "Wahaha"), ("蓝月亮", "Bluemoon"), ("立白", "Liby"), ("维达", "Vinda"), ("清风", "Breeze"),
    ("心相印", "Hearttex"), ("海飞丝", "Head & Shoulders"), ("舒肤佳", "Safeguard"), ("高露洁", "Colgate"),
    ("佳洁士", "Crest"), ("云南白药", "Yunnan Baiyao"), ("三顿半", "Saturnbird"), ("瑞幸", "Luckin"),
    ("百草味", "Be&Cheery"), ("徐福记", "Hsu Fu Chi"), ("王老吉", "Wanglaoji"), ("可口可乐", "Coca-Cola"),
    ("百事", "Pepsi"), ("李子园", "Liziyuan"), ("味全", "Weichuan"), ("六神", "Liushen"),
]  # fmt: skip
# top category → (sub-category, its product words)
TREE = {
    ("乳品", "Dairy"): [
        (("牛奶", "Milk"), ["纯牛奶", "全脂牛奶", "脱脂牛奶", "高钙牛奶", "儿童奶", "早餐奶"]),
        (("酸奶", "Yogurt"), ["酸奶", "老酸奶", "希腊酸奶", "风味酸奶", "乳酸菌饮料"]),
        (("植物奶", "Plant milk"), ["燕麦奶", "豆奶", "椰奶", "杏仁奶", "核桃奶"]),
        (("奶酪", "Cheese"), ["奶酪棒", "芝士片", "黄油"]),
    ],
    ("零食", "Snacks"): [
        (("膨化食品", "Puffed"), ["薯片", "薯条", "爆米花", "锅巴"]),
        (("饼干糕点", "Biscuits"), ["饼干", "苏打饼干", "夹心饼干", "曲奇", "蛋卷"]),
        (("坚果", "Nuts"), ["每日坚果", "巴旦木", "夏威夷果", "开心果", "腰果"]),
        (("糖果巧克力", "Sweets"), ["巧克力", "黑巧克力", "软糖", "棒棒糖"]),
    ],
    ("饮料", "Drinks"): [
        (("水", "Water"), ["矿泉水", "纯净水", "气泡水", "苏打水", "电解质水"]),
        (("果汁茶饮", "Juice & tea"), ["果汁", "橙汁", "绿茶", "红茶", "柠檬茶", "乌龙茶"]),
        (("咖啡", "Coffee"), ["冷萃咖啡", "挂耳咖啡", "速溶咖啡", "即饮咖啡", "咖啡豆"]),
        (("碳酸饮料", "Soda"), ["可乐", "雪碧", "汽水"]),
    ],
    ("速食", "Instant food"): [
        (("方便面", "Noodles"), ["方便面", "拌面", "螺蛳粉", "酸辣粉"]),
        (("速冻", "Frozen"), ["速冻水饺", "汤圆", "粽子"]),
    ],
    ("家清", "Household"): [
        (("衣物清洁", "Laundry"), ["洗衣液", "洗衣粉", "洗衣凝珠", "柔顺剂"]),
        (("纸品", "Paper"), ["抽纸", "卷纸", "湿巾", "厨房纸"]),
        (("厨房清洁", "Kitchen"), ["洗洁精", "洗碗块", "消毒液"]),
    ],
    ("个护", "Personal care"): [
        (("洗发护发", "Hair"), ["洗发水", "护发素", "发膜"]),
        (("口腔", "Oral"), ["牙膏", "牙刷", "漱口水"]),
        (("身体", "Body"), ["沐浴露", "身体乳", "洗手液", "护手霜"]),
    ],
}
EDITIONS = ["", "", "经典", "有机", "低糖", "无糖", "儿童", "家庭装", "高端", "轻享", "0脂", "清爽", "升级版", "限定"]
FLAVOURS = [
    "", "原味", "草莓味", "蓝莓", "芒果", "香草", "巧克力味", "抹茶", "柠檬", "海盐", "白桃", "荔枝", "椰子",
    "蜂蜜", "薰衣草", "青提", "番茄味", "黄瓜味", "麻辣", "烧烤味",
]  # fmt: skip
SELLING_POINTS = ["口感顺滑", "营养早餐", "办公室常备", "全家分享", "清爽解腻"]
STORAGE = ["冷藏", "常温", "阴凉干燥处"]
PACKS = ["250ml×12", "250ml×24", "1L", "500g", "200g×10", "12包", "24袋", "3卷", "6卷", "400ml", "80g", "1kg", "整箱"]
TAGS = [
    ("organic", "有机", "Organic"), ("low-sugar", "低糖", "Low sugar"), ("sugar-free", "无糖", "Sugar free"),
    ("high-protein", "高蛋白", "High protein"), ("kids", "儿童", "Kids"), ("gift", "礼盒", "Gift box"),
    ("new", "新品", "New"), ("vegan", "植物基", "Plant based"), ("imported", "进口", "Imported"),
    ("family", "家庭装", "Family size"), ("limited", "限定", "Limited"), ("eco", "环保", "Eco"),
]  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=15_000, help="Products to build (default 15000).")
    parser.add_argument("--skus-per-product", type=float, default=3.34, help="Average SKUs (default 3.34).")
    parser.add_argument("--rounds", type=int, default=5, help="Times each query is timed (default 5).")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--existing", action="store_true", help="Measure the database as it is; build nothing.")
    parser.add_argument("--reindex", action="store_true", help="With --existing: rebuild the index first.")
    parser.add_argument(
        "--priority",
        action="store_true",
        help="Raise the scheduling priority of this process and of its PostgreSQL backend (needs root): on a "
        "machine shared with other work this approximates the figures of an idle one.",
    )
    args = parser.parse_args(argv)
    if args.products < 1 or args.rounds < 1:
        parser.error("--products and --rounds must be positive")
    return args


def setup_django() -> str:
    if not os.environ.get("DATABASE_URL"):
        data_dir = tempfile.mkdtemp(prefix="shequ-search-bench-")
        os.environ["SHEQU_DATA_DIR"] = data_dir
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    from django.db import connection

    return connection.vendor


def build(products: int, skus_per_product: float, seed: int) -> None:
    """Bulk-insert a synthetic catalog (no per-product services: 15,000 products take seconds, not minutes)."""
    from django.db import transaction
    from django.utils import timezone

    from shequ.catalog.models import SKU, Brand, Category, Product, ProductStatus, Tag
    from shequ.catalog.services import category_save
    from shequ.inventory.models import StockLevel

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        brands = Brand.objects.bulk_create(
            [Brand(name=zh, name_en=en, slug=f"b{i}") for i, (zh, en) in enumerate(BRANDS)]
        )
        tags = Tag.objects.bulk_create([Tag(slug=s, name=zh, name_en=en) for s, zh, en in TAGS])
        leaves = []
        for t, ((top_zh, top_en), subs) in enumerate(TREE.items()):
            top = category_save(category=Category(name=top_zh, name_en=top_en, slug=f"c{t}"))
            for s, ((sub_zh, sub_en), words) in enumerate(subs):
                sub = category_save(category=Category(name=sub_zh, name_en=sub_en, slug=f"c{t}-{s}", parent=top))
                leaves.append((sub, words))
    made = 0
    sku_number = 0
    while made < products:
        chunk = min(2000, products - made)
        rows, sku_rows, tag_rows = [], [], []
        for i in range(made, made + chunk):
            category, words = rng.choice(leaves)
            brand = rng.choice(brands)
            word, edition, flavour = rng.choice(words), rng.choice(EDITIONS), rng.choice(FLAVOURS)
            name = f"{brand.name} {edition}{flavour}{word}".replace("  ", " ")
            price = Decimal(rng.choice([5, 8, 9.9, 12.5, 15.8, 19.9, 25, 29.9, 39.9, 49, 59, 69.9, 99, 129, 199, 259]))
            rows.append(
                Product(
                    brand=brand,
                    category=category,
                    name=name[:120],
                    name_en=f"{brand.name_en} {word} {i}",
                    slug=f"p{i}",
                    subtitle=f"{edition}{word}，{rng.choice(SELLING_POINTS)}",
                    description=f"{name}。精选原料，{rng.choice(PACKS)}装，{rng.choice(STORAGE)}保存。",
                    status=ProductStatus.ON_SALE if rng.random() > 0.03 else ProductStatus.OFF_SALE,
                    published_at=now - timezone.timedelta(days=rng.randint(0, 900)),
                    price_min=price.quantize(Decimal("0.01")),
                    price_max=(price * Decimal("2.5")).quantize(Decimal("0.01")),
                    in_stock=rng.random() > 0.1,
                    sales_count=int(rng.paretovariate(1.2) * 10),
                    rating_avg=Decimal(str(round(rng.uniform(3.5, 5.0), 2))),
                    rating_count=rng.randint(0, 500),
                    is_featured=rng.random() < 0.02,
                )
            )
        with transaction.atomic():
            Product.objects.bulk_create(rows, batch_size=1000)
            for product in rows:
                count = max(1, round(rng.gauss(skus_per_product, 0.8)))
                for position in range(count):
                    sku_number += 1
                    sku_rows.append(
                        SKU(
                            product=product,
                            code=f"S{sku_number}",
                            flavour=rng.choice(FLAVOURS),
                            pack_size=rng.choice(PACKS),
                            list_price=product.price_min + position * 10,
                            position=position,
                        )
                    )
                for tag in rng.sample(tags, rng.choice([0, 0, 1, 1, 2, 3])):
                    tag_rows.append(Product.tags.through(product_id=product.pk, tag_id=tag.pk))
            SKU.objects.bulk_create(sku_rows, batch_size=2000)
            StockLevel.objects.bulk_create(
                [StockLevel(sku=s, on_hand=rng.choice([0, 5, 50, 500])) for s in sku_rows], batch_size=2000
            )
            Product.tags.through.objects.bulk_create(tag_rows, batch_size=2000)
        made += chunk
        print(f"  built {made}/{products} products, {sku_number} SKUs", flush=True)


def raise_priority(vendor: str) -> None:
    from django.db import connection

    pids = [os.getpid()]
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
    for pid in pids:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, -15)
        except OSError as exc:
            print(f"could not raise the priority of {pid}: {exc}")
    print(f"priority raised for pids {pids}")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return (
        f"n={len(ordered):4d}  p50 {pick(50):6.1f}  p95 {pick(95):6.1f}  p99 {pick(99):6.1f}  "
        f"max {ordered[-1]:6.1f}  mean {statistics.fmean(ordered):6.1f} ms"
    )


def invalidate(*, index: bool = True) -> None:
    """New generations, so no cached result is reused: what a product edit does (catalog and index), or with
    ``index=False`` what a stock or price change does (the catalog only: the text match stays cached)."""
    from django.core.cache import cache

    from shequ.catalog.services import CATALOG_GENERATION_KEY, catalog_generation
    from shequ.search.selectors import GENERATION_KEY, search_generation

    cache.set(CATALOG_GENERATION_KEY, catalog_generation() + 1, timeout=None)
    if index:
        key = GENERATION_KEY.format(doc_type="product")
        cache.set(key, search_generation(doc_type="product") + 1, timeout=None)


class CpuMeter:
    """CPU time spent per call by this process and by its PostgreSQL backend (from /proc, Linux): unlike wall
    time it hardly depends on what else the machine is doing, so it predicts the latency of an idle server."""

    def __init__(self) -> None:
        from django.db import connection

        self.backend_pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend_pid = cursor.fetchone()[0]
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.client = self.database = 0.0

    def _backend_seconds(self) -> float:
        if not self.backend_pid:
            return 0.0
        try:
            fields = open(f"/proc/{self.backend_pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def __enter__(self):
        self._client, self._database = time.process_time(), self._backend_seconds()
        return self

    def __exit__(self, *exc) -> None:
        self.client += time.process_time() - self._client
        self.database += self._backend_seconds() - self._database


def timed(call, meter: CpuMeter | None = None) -> tuple[float, object]:
    started = time.perf_counter()
    if meter is None:
        value = call()
    else:
        with meter:
            value = call()
    return (time.perf_counter() - started) * 1000, value


def measure(rounds: int) -> None:
    from shequ.catalog.browse import parse_browse_query, product_browse
    from shequ.search.selectors import search_suggest

    def run(params: dict):
        return product_browse(query=parse_browse_query(params))

    run({"q": "牛奶"})  # load the segmenter and open connections before timing
    search_suggest(doc_type="product", prefix="n")
    hits = {}
    for label, queries in (("1 word", ONE_WORD), ("2 words", TWO_WORDS)):
        cold, stock, warm, follow = [], [], [], []
        cold_cpu, stock_cpu = CpuMeter(), CpuMeter()
        for _round in range(rounds):
            for q in queries:
                invalidate()
                elapsed, result = timed(lambda q=q: run({"q": q}), cold_cpu)
                cold.append(elapsed)
                hits[q] = result.count
                warm.append(timed(lambda q=q: run({"q": q}))[0])
                invalidate(index=False)
                stock.append(timed(lambda q=q: run({"q": q}), stock_cpu)[0])
                follow.append(timed(lambda q=q: run({"q": q, "page": "2"}))[0])
                follow.append(timed(lambda q=q: run({"q": q, "sort": "price_asc"}))[0])
                follow.append(timed(lambda q=q: run({"q": q, "in_stock": "1", "price_max": "50"}))[0])
        print(f"{label:8s} cold      {percentiles(cold)}")
        print(f"{label:8s} stock chg {percentiles(stock)}")
        print(f"{label:8s} warm      {percentiles(warm)}")
        print(f"{label:8s} follow-up {percentiles(follow)}")
        for name, meter, n in (("cold", cold_cpu, len(cold)), ("stock chg", stock_cpu, len(stock))):
            print(
                f"{label:8s} {name:9s} CPU per search: app {meter.client / n * 1000:5.1f} ms, "
                f"database {meter.database / n * 1000:5.1f} ms (mean)"
            )
    suggest = []
    for _round in range(rounds):
        for prefix in PREFIXES:
            invalidate()
            suggest.append(timed(lambda p=prefix: search_suggest(doc_type="product", prefix=p))[0])
    print(f"suggest  cold      {percentiles(suggest)}")
    counts = sorted(hits.values())
    print(f"results per query: min {counts[0]}, median {counts[len(counts) // 2]}, max {counts[-1]}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    vendor = setup_django()
    from django.conf import settings

    from shequ.catalog.models import SKU, Product
    from shequ.search.models import SearchDocument
    from shequ.search.services import search_reindex

    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"database: {vendor}  cache: {cache_backend}  load average: {os.getloadavg()[0]:.1f}")
    if args.priority:
        raise_priority(vendor)
    existing = Product.objects.count()
    if not args.existing and not existing:
        started = time.perf_counter()
        build(args.products, args.skus_per_product, args.seed)
        print(f"built in {time.perf_counter() - started:.1f}s")
    elif not args.existing:
        print(f"the database already has {existing} products: measuring those (use a fresh database to rebuild)")
    if not args.existing or args.reindex or not SearchDocument.objects.exists():
        report = search_reindex(doc_type="product", batch_size=1000)
        rate = report.indexed / max(report.seconds, 0.001)
        print(
            f"reindex: {report.indexed} documents, {report.phrases} suggestion phrases in {report.seconds:.1f}s "
            f"({rate:.0f}/s)"
        )
    print(f"catalog: {Product.objects.count()} products, {SKU.objects.count()} SKUs, "
          f"{SearchDocument.objects.count()} search documents")  # fmt: skip
    measure(args.rounds)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Words a shopper may type for the same thing, applied when a query is parsed (never at indexing time).

Each group is a set of equivalents: a query word in a group matches documents containing any member. Because
synonyms are expanded at query time, editing a group takes effect at once without a reindex. Deployments add
their own groups with ``SHEQU_SEARCH_SYNONYMS = [["豆奶", "soy milk"], ...]`` in the settings. Chinese members
are also added to the segmenter's dictionary (so that "酸牛奶" stays one word); a new Chinese member that was
not in the dictionary before needs a `shequ reindex` to be found inside longer words.
"""

from __future__ import annotations

SYNONYM_GROUPS: list[tuple[str, ...]] = [
    ("牛奶", "牛乳", "milk"),
    ("纯牛奶", "纯奶", "pure milk"),
    ("酸奶", "酸牛奶", "yogurt", "yoghurt", "yogurts"),
    ("燕麦奶", "oat milk", "oatmilk"),
    ("豆奶", "豆乳", "soy milk", "soymilk"),
    ("奶酪", "芝士", "cheese"),
    ("黄油", "butter"),
    ("可乐", "cola", "coke"),
    ("雪碧", "sprite"),
    ("气泡水", "苏打水", "sparkling water", "soda water"),
    ("矿泉水", "饮用水", "mineral water"),
    ("果汁", "juice"),
    ("茶", "tea"),
    ("咖啡", "coffee"),
    ("啤酒", "beer"),
    ("薯片", "chips", "crisps"),
    ("饼干", "biscuit", "biscuits", "cookie", "cookies"),
    ("巧克力", "chocolate"),
    ("坚果", "nuts"),
    ("糖果", "candy", "sweets"),
    ("方便面", "泡面", "instant noodles"),
    ("零食", "snack", "snacks"),
    ("饮料", "drink", "drinks", "beverage"),
    ("洗发水", "洗发露", "shampoo"),
    ("护发素", "conditioner"),
    ("沐浴露", "body wash", "shower gel"),
    ("牙膏", "toothpaste"),
    ("牙刷", "toothbrush"),
    ("纸巾", "面巾纸", "抽纸", "tissue", "tissues"),
    ("卷纸", "卫生纸", "toilet paper"),
    ("湿巾", "wipes"),
    ("洗衣液", "laundry detergent"),
    ("洗洁精", "dish soap"),
    ("洗手液", "hand wash", "hand soap"),
    ("纸尿裤", "尿不湿", "diapers", "nappies"),
    ("无糖", "零糖", "sugar free"),
    ("低脂", "low fat"),
    ("草莓", "strawberry"),
    ("香草", "vanilla"),
    ("抹茶", "matcha"),
    ("柠檬", "lemon"),
    ("芒果", "mango"),
    ("蓝莓", "blueberry"),
    ("原味", "original", "plain"),
]

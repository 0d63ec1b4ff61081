"""The fixed vocabularies users choose preferences from.

Dietary tags and pack sizes are closed lists (they drive filters and campaign targeting); flavours are
free words. Categories and brands are slugs; the catalog validates them once it exists.
"""

from django.utils.translation import gettext_lazy as _

DIETARY_TAGS = [
    ("low_sugar", _("Low sugar")),
    ("sugar_free", _("Sugar free")),
    ("organic", _("Organic")),
    ("vegetarian", _("Vegetarian")),
    ("vegan", _("Vegan")),
    ("lactose_free", _("Lactose free")),
    ("gluten_free", _("Gluten free")),
    ("high_protein", _("High protein")),
    ("low_fat", _("Low fat")),
    ("low_sodium", _("Low sodium")),
    ("no_additives", _("No additives")),
    ("halal", _("Halal")),
]

PACK_SIZES = [
    ("single", _("Single pack")),
    ("multipack", _("Multipack")),
    ("family", _("Family size")),
    ("travel", _("Travel size")),
    ("bulk", _("Bulk")),
]

CATEGORY_SUGGESTIONS = [
    ("drinks", _("Drinks")),
    ("dairy", _("Dairy")),
    ("snacks", _("Snacks")),
    ("personal-care", _("Personal care")),
    ("household", _("Household")),
]

FLAVOUR_SUGGESTIONS = ["原味", "草莓", "巧克力", "抹茶", "香草", "芒果", "柠檬", "海盐", "麻辣", "桃子"]

PROVINCES = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "台湾省",
    "香港特别行政区",
    "澳门特别行政区",
]

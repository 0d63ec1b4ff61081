"""Demo consumers: a few hundred people with Chinese nicknames, addresses in real cities and preferences."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from faker import Faker

from shequ.accounts import vocabulary
from shequ.accounts.models import Address, Gender, Preferences, PrivacySettings, User
from shequ.core.crypto import lookup_hash
from shequ.core.seeding import SeedContext

CITIES = [
    ("上海市", "上海市", ["浦东新区", "徐汇区", "静安区", "闵行区", "长宁区"]),
    ("北京市", "北京市", ["朝阳区", "海淀区", "东城区", "丰台区", "西城区"]),
    ("广东省", "广州市", ["天河区", "越秀区", "海珠区", "番禺区"]),
    ("广东省", "深圳市", ["南山区", "福田区", "宝安区", "龙岗区"]),
    ("浙江省", "杭州市", ["西湖区", "滨江区", "余杭区", "拱墅区"]),
    ("江苏省", "南京市", ["鼓楼区", "玄武区", "建邺区"]),
    ("江苏省", "苏州市", ["姑苏区", "吴中区", "工业园区"]),
    ("四川省", "成都市", ["武侯区", "锦江区", "高新区", "青羊区"]),
    ("湖北省", "武汉市", ["武昌区", "洪山区", "江汉区"]),
    ("重庆市", "重庆市", ["渝中区", "江北区", "南岸区"]),
    ("陕西省", "西安市", ["雁塔区", "碑林区", "未央区"]),
    ("天津市", "天津市", ["和平区", "南开区", "河西区"]),
    ("福建省", "厦门市", ["思明区", "湖里区"]),
    ("山东省", "青岛市", ["市南区", "崂山区", "黄岛区"]),
    ("湖南省", "长沙市", ["岳麓区", "天心区", "开福区"]),
]
ADJECTIVES = [
    "爱喝奶茶的",
    "早起的",
    "周末烘焙的",
    "认真生活的",
    "零食控",
    "元气满满的",
    "慢跑的",
    "追剧的",
    "精打细算的",
    "爱露营的",
    "养猫的",
    "控糖的",
    "健身中的",
    "带娃的",
    "咖啡续命的",
    "喜欢分享的",
]
NOUNS = [
    "小鹿",
    "橘子",
    "阿花",
    "小林",
    "糯米",
    "可乐",
    "团子",
    "饼干",
    "桃桃",
    "大熊",
    "小满",
    "芒果",
    "椰子",
    "豆豆",
    "木木",
    "阿泽",
]
BIOS = [
    "生活需要一点甜。",
    "专注测评各种零食，欢迎交流～",
    "两个孩子的妈妈，关注健康饮食。",
    "健身党，只吃高蛋白。",
    "上班族，早餐靠牛奶续命。",
    "喜欢尝鲜，新品必买。",
    "在意配料表的认真消费者。",
    "",
]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "185",
    "186",
    "187",
    "188",
    "189",
]


def _phone(rng) -> str:
    return "+86" + rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def seed_users(ctx: SeedContext) -> dict:
    rng = ctx.rng
    faker = Faker("zh_CN")
    faker.seed_instance(rng.randrange(1 << 30))
    total = ctx.count(300)
    unusable = make_password(None)
    taken_nicknames = {n.lower() for n in User.objects.values_list("nickname", flat=True)}
    taken_phones = set(User.objects.values_list("phone_hash", flat=True))
    now = timezone.now()
    users: list[User] = []
    while len(users) < total:
        nickname = rng.choice(ADJECTIVES) + rng.choice(NOUNS)
        if nickname.lower() in taken_nicknames:
            nickname = f"{nickname}{rng.randrange(10, 999)}"
        phone = _phone(rng)
        phone_hash = lookup_hash(phone)
        if nickname.lower() in taken_nicknames or phone_hash in taken_phones or len(nickname) > 20:
            continue
        taken_nicknames.add(nickname.lower())
        taken_phones.add(phone_hash)
        joined = now - timedelta(days=rng.betavariate(1.2, 3) * 365, minutes=rng.randrange(1440))
        age = rng.randint(22, 48)
        users.append(
            User(
                phone=phone,
                phone_hash=phone_hash,
                nickname=nickname,
                password=unusable,
                bio=rng.choice(BIOS),
                gender=rng.choice([Gender.FEMALE] * 6 + [Gender.MALE] * 3 + [Gender.UNSPECIFIED]),
                birthday=date(now.year - age, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.7 else None,
                date_joined=joined,
            )
        )
    User.objects.bulk_create(users, batch_size=500)
    users = list(User.objects.filter(phone_hash__in=[u.phone_hash for u in users]))
    PrivacySettings.objects.bulk_create(
        [PrivacySettings(user=u, marketing_messages=rng.random() < 0.8) for u in users], ignore_conflicts=True
    )
    categories = [c for c, _ in vocabulary.CATEGORY_SUGGESTIONS]
    diets = [c for c, _ in vocabulary.DIETARY_TAGS]
    packs = [c for c, _ in vocabulary.PACK_SIZES]
    Preferences.objects.bulk_create(
        [
            Preferences(
                user=u,
                categories=rng.sample(categories, rng.randint(0, 3)),
                dietary_tags=rng.sample(diets, rng.choice([0, 0, 1, 2])),
                pack_sizes=rng.sample(packs, rng.randint(0, 2)),
                flavours=rng.sample(vocabulary.FLAVOUR_SUGGESTIONS, rng.randint(0, 3)),
            )
            for u in users
        ],
        ignore_conflicts=True,
    )
    addresses = []
    for user in users:
        for index in range(rng.choice([1, 1, 1, 2, 2, 3])):
            province, city, districts = rng.choice(CITIES)
            addresses.append(
                Address(
                    user=user,
                    recipient=faker.name(),
                    phone=_phone(rng) if index else user.phone,
                    province=province,
                    city=city,
                    district=rng.choice(districts),
                    detail=(
                        f"{faker.street_name()}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(101, 2802)}室"
                    ),
                    label=rng.choice(["家", "公司", ""]),
                    is_default=index == 0,
                )
            )
    Address.objects.bulk_create(addresses, batch_size=500)
    ctx.shared["user_ids"] = [u.pk for u in users]
    return {"users": len(users), "addresses": len(addresses)}

"""Chinese post and comment text for the community demo seed and the feed benchmark generator.

Pure functions of a ``random.Random``: the same seed gives the same posts. Texts are assembled from phrases
around a product (its name and category words), so search, product tags and topics line up the way real
晒单 and 种草 posts do.
"""

from __future__ import annotations

import random

TOPICS = [
    ("早餐打卡", "每天一份元气早餐，晒出你的搭配"),
    ("零食测评", "认真吃、认真写，真实测评不恰饭"),
    ("健身餐", "高蛋白、低脂、好吃不胖"),
    ("宝宝辅食", "给小朋友挑的好东西"),
    ("办公室囤货", "工位抽屉里的快乐"),
    ("居家好物", "让家更舒服的小东西"),
    ("新品尝鲜", "新品第一时间上手"),
    ("周末烘焙", "黄油、奶油和一下午的香气"),
    ("减糖生活", "0糖、少糖，也能有滋有味"),
    ("露营野餐", "带上零食去山里"),
    ("咖啡日记", "今天也要靠咖啡续命"),
    ("一人食", "一个人也要好好吃饭"),
    ("开箱晒单", "快递到了，拆箱现场"),
    ("省钱攻略", "凑单、领券、囤货心得"),
    ("家庭清洁", "洗衣、洗碗、打扫小技巧"),
    ("深夜食堂", "夜宵吃什么"),
    ("节日礼盒", "送礼不踩雷"),
    ("学生党必备", "平价好物清单"),
    ("养生茶饮", "泡一杯，慢下来"),
    ("旅行带什么", "出门必备的小零食和日用品"),
]

CIRCLES = [
    ("ru-pin-kong", "乳品控", "牛奶、酸奶、奶酪爱好者的聚集地"),
    ("ling-shi-xian-sheng", "零食研究所", "一起发现好吃的零食"),
    ("jian-shen-tuan", "健身饮食团", "练得好也要吃得对"),
    ("ma-ma-quan", "妈妈圈", "育儿、辅食和家庭采购经验"),
    ("ka-fei-guan", "咖啡馆", "手冲、冷萃和速溶的江湖"),
    ("hong-bei-shi", "烘焙小屋", "分享配方和成品"),
    ("sheng-qian-bang", "省钱帮", "好价线报和凑单攻略"),
    ("jia-wu-da-ren", "家务达人", "清洁收纳的小窍门"),
    ("lu-ying-dang", "露营党", "户外吃喝玩乐"),
    ("ye-mao-zi", "夜猫子俱乐部", "深夜聊吃的"),
]

OPENINGS = [
    "终于等到{name}到货了！",
    "回购第三次的{name}，必须来夸一下。",
    "被种草很久的{name}，今天终于拆箱。",
    "朋友推荐的{name}，试了一周来交作业。",
    "活动价入手了{name}，说说真实感受。",
    "家里人都爱的{name}，又囤了一箱。",
    "第一次买{name}，有点惊喜。",
    "说实话，{name}比我想象的要好。",
    "618囤的{name}终于开封了。",
    "给大家测评一下最近很火的{name}。",
]
BODIES = [
    "口感很顺滑，甜度刚刚好，不会腻。",
    "包装很用心，快递两天就到了，没有任何破损。",
    "配料表很干净，给孩子吃也放心。",
    "性价比真的高，算下来比超市便宜不少。",
    "味道偏淡一点，适合喜欢清爽口味的人。",
    "冰过之后更好喝，夏天必备。",
    "分量很足，一家三口吃了好几天。",
    "日期很新鲜，客服回复也很快。",
    "搭配燕麦和水果当早餐，简单又营养。",
    "有一点点小瑕疵，但整体瑕不掩瑜。",
    "香味很自然，不是那种冲鼻的香精味。",
    "小包装设计很贴心，带去公司刚好。",
    "低糖版本也很好吃，控糖期的福音。",
    "老人小孩都说好，下次还会再买。",
    "用了一段时间，效果很明显。",
]
CLOSINGS = [
    "推荐给大家～",
    "总体打分：9/10。",
    "有同款的姐妹来交流一下！",
    "你们还有什么好吃的推荐吗？",
    "下次试试别的口味。",
    "已经加入回购清单了。",
    "不是广告，纯自费分享。",
    "求问有没有更划算的买法？",
    "",
]
FREE_POSTS = [
    "今天的早餐：全麦面包+牛奶+一个鸡蛋，开启元气满满的一天！",
    "周末在家烤了一盘曲奇，满屋子都是黄油香。",
    "加班到十点，靠一杯咖啡和一包坚果撑过来了。",
    "整理了一下囤货柜，发现买了太多零食……",
    "请教大家：宝宝一岁了，可以开始喝什么牛奶？",
    "露营回来了，最受欢迎的居然是那几包薯片哈哈。",
    "控糖第30天，体重掉了三斤，继续加油！",
    "有没有好用的洗衣液推荐？家里有小朋友，希望温和一点。",
    "下雨天就适合窝在家里喝热可可看电影。",
    "第一次尝试做酸奶碗，颜值还可以吧？",
]
COMMENTS = [
    "看起来好好吃！",
    "同款！我也超喜欢",
    "求链接～",
    "真的有这么好吗？心动了",
    "已下单，坐等收货",
    "我觉得一般般，可能口味不同吧",
    "这个颜值绝了",
    "请问保质期多久？",
    "谢谢分享，很有用",
    "楼主拍照好好看",
    "上次活动价更便宜哦",
    "冰镇一下更好喝",
    "孩子也能吃吗？",
    "马住，下次试试",
    "回购无数次了",
    "哈哈哈我也是囤了一箱",
]
REPLIES = ["是的呀～", "可以的，放心吃", "链接在帖子里的商品卡片", "谢谢喜欢！", "我也是这么觉得", "下次一起拼单"]


def product_post_text(rng: random.Random, *, product_name: str, topics: list[str] = ()) -> str:
    """A 晒单 / 种草 post about one product, with its topics as #hashtags# at the end."""
    parts = [
        rng.choice(OPENINGS).format(name=product_name),
        *rng.sample(BODIES, rng.randint(1, 3)),
        rng.choice(CLOSINGS),
    ]
    text = "".join(parts)
    if topics:
        text += " " + " ".join(f"#{topic}#" for topic in topics)
    return text


def free_post_text(rng: random.Random, *, topics: list[str] = ()) -> str:
    """A post without a product: daily life, a question, a recipe."""
    text = rng.choice(FREE_POSTS)
    if topics:
        text += " " + " ".join(f"#{topic}#" for topic in topics)
    return text


def comment_text(rng: random.Random) -> str:
    return rng.choice(COMMENTS)


def reply_text(rng: random.Random) -> str:
    return rng.choice(REPLIES)

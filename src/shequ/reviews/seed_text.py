"""Chinese review, follow-up, question and answer texts for the demo, assembled from phrases per aspect and mood."""

from __future__ import annotations

import random

TASTE = {
    "good": [
        "口感很好，奶香浓郁",
        "味道很正，不会太甜",
        "孩子特别爱吃",
        "入口顺滑，回味有点甜",
        "酸甜适中，很开胃",
        "一口下去很满足",
        "香脆不腻，停不下来",
    ],
    "mid": ["味道还行，中规中矩", "口感一般，没有想象中惊艳", "稍微有点甜，可以接受", "和超市买的差不多"],
    "bad": ["味道偏淡，不太喜欢", "有点腻，吃两口就不想吃了", "口感偏酸，家里人都不爱喝", "和描述的口味不太一样"],
}
VALUE = {
    "good": ["活动价很划算", "性价比超高，已经回购第三次", "凑单满减很实惠", "价格比线下便宜不少"],
    "mid": ["价格中等，不打折的话有点贵", "性价比一般", "活动时买比较合适"],
    "bad": ["价格偏贵，不太值", "买完就降价了，有点心塞"],
}
PACKAGING = {
    "good": [
        "包装很严实，没有压坏",
        "物流很快，第二天就到了",
        "独立小包装，方便带去公司",
        "冷链配送，到手还是冰的",
        "箱子里还有冰袋，很贴心",
    ],
    "mid": ["包装普通，外箱有点瘪", "快递慢了一天", "包装简单，不过东西没坏"],
    "bad": ["外箱压坏了，有两盒漏了", "快递太慢，等了五天", "包装太简陋，瓶子都磕了"],
}
CLOSERS = {
    "good": ["会回购的！", "推荐给大家～", "已经推荐给同事了", "好评！", "五星好评，下次还买", ""],
    "mid": ["再观察看看吧。", "整体还可以。", ""],
    "bad": ["希望能改进。", "不会再买了。", "客服态度还行，但体验一般。"],
}
SCENES = ["早餐配面包刚好", "健身后来一瓶", "给老人买的", "办公室下午茶", "周末露营带着", "宝宝辅食用", "追剧零食", ""]
FOLLOW_UPS = {
    "good": [
        "吃了一个月了，品质稳定，又囤了两箱。",
        "追评：家里人都说好喝，已经回购。",
        "用了一段时间，保质期也很新鲜，放心。",
    ],
    "mid": ["吃了一阵子，感觉还是一般，看活动再买。", "追评：后面几盒味道有点不一样。"],
    "bad": ["追评：联系客服换了一箱，这次没问题了。", "后来几盒也有点胀包，谨慎购买。"],
}
OFFICIAL_REPLIES = {
    "good": [
        "感谢亲的喜爱与支持！我们会继续用心做好每一份产品，期待您再次光临～",
        "谢谢您的好评！小社会继续努力，祝您生活愉快！",
    ],
    "mid": ["感谢您的反馈，您的建议我们已转达给产品团队，会持续改进口味和包装。"],
    "bad": [
        "非常抱歉给您带来不好的体验！已安排客服联系您处理，运输包装也在升级中。",
        "抱歉让您失望了，请联系在线客服，我们为您补发或退款。",
    ],
}
QUESTIONS = [
    "保质期有多久？开封后要冷藏吗？",
    "乳糖不耐受可以喝吗？",
    "孩子三岁可以吃吗？",
    "是全脂还是低脂的？",
    "甜度高吗？控糖期间能吃吗？",
    "发货用冷链吗？夏天会不会坏？",
    "一箱有多少盒？生产日期新鲜吗？",
    "和原味比哪个更好喝？",
    "含有添加剂吗？配料表干净吗？",
    "健身减脂期适合吃吗？",
    "送人的话包装好看吗？",
    "可以加热喝吗？",
]
ANSWERS = [
    "我买的生产日期很新，冷藏保存就行。",
    "家里孩子一直在喝，没有问题。",
    "甜度适中，不算很甜。",
    "我乳糖不耐受，喝了没有不舒服。",
    "夏天发的冷链，到手还是凉的。",
    "配料表很简单，比较放心。",
    "个人觉得原味更好喝一点。",
    "减脂期我一天一瓶，热量不高。",
    "包装挺好看的，送人有面子。",
    "微波炉稍微加热一下也好喝。",
]
OFFICIAL_ANSWERS = [
    "您好，本品未开封常温保存即可，开封后请冷藏并在48小时内饮用完毕。",
    "您好，所有订单均从就近仓发货，夏季全程冷链配送，请放心购买。",
    "您好，本品配料仅为生牛乳，无添加防腐剂，详细营养成分见详情页。",
    "您好，建议3岁以上儿童食用，具体可咨询儿科医生。",
]


def mood_for(rating: int) -> str:
    return "good" if rating >= 4 else "mid" if rating == 3 else "bad"


def review_text(rng: random.Random, *, taste: int, value: int, packaging: int, overall: int) -> str:
    parts = [
        rng.choice(TASTE[mood_for(taste)]),
        rng.choice(VALUE[mood_for(value)]) if rng.random() < 0.7 else "",
        rng.choice(PACKAGING[mood_for(packaging)]) if rng.random() < 0.7 else "",
        rng.choice(SCENES) if rng.random() < 0.4 else "",
    ]
    text = "，".join(part for part in parts if part) + "。"
    closer = rng.choice(CLOSERS[mood_for(overall)])
    return f"{text}{closer}" if rng.random() < 0.92 else ""


def follow_up_text(rng: random.Random, *, overall: int) -> str:
    return rng.choice(FOLLOW_UPS[mood_for(overall)])


def official_reply(rng: random.Random, *, overall: int) -> str:
    return rng.choice(OFFICIAL_REPLIES[mood_for(overall)])

"""What people type is stored as plain text and rendered escaped, with links only for topics and mentions."""

from shequ.community.markup import clean_text, parse_mentions, parse_topics, render_html


def test_scripts_and_tags_are_removed_but_their_text_kept():
    assert clean_text('<script>alert("x")</script>好喝<b>!</b>') == "好喝!"
    assert clean_text("<img src=x onerror=alert(1)>牛奶") == "牛奶"


def test_plain_less_than_signs_survive():
    assert clean_text("温度 <4°C 保存, 1 < 2") == "温度 <4°C 保存, 1 < 2"


def test_control_characters_and_extra_blank_lines_are_dropped():
    assert clean_text("a\u0000b\r\n\n\n\nc\u202e") == "ab\n\nc"


def test_topics_are_found_once_each_in_order():
    assert parse_topics("#早餐打卡# 和 #低脂# 再来 #早餐打卡# ## # 空格 #") == ["早餐打卡", "低脂"]


def test_mentions_skip_email_addresses():
    assert parse_mentions("@小红 看看 a@example.com @Tom_1 @小红") == ["小红", "Tom_1"]


def test_render_escapes_everything_and_links_only_known_topics_and_people():
    html = render_html(
        '<i>x</i> #早餐# #不存在# @小红 @路人 "q"\nline', topics={"早餐": "zao-can"}, mentions={"小红": 7}
    )
    assert "&lt;i&gt;x&lt;/i&gt;" in html
    assert 'class="topic-link"' in html and "#早餐#</a>" in html
    assert "#不存在#" in html and html.count("topic-link") == 1
    assert '<a class="mention" href="/community/u/7/">@小红</a>' in html
    assert "@路人" in html and html.count("mention") == 1
    assert "&quot;q&quot;<br>line" in html


def test_links_are_nofollow_and_cannot_break_out_of_the_attribute():
    html = render_html('see https://example.com/a"onmouseover=alert(1)')
    assert 'href="https://example.com/a"' in html
    assert 'rel="nofollow noopener ugc"' in html
    assert "&quot;onmouseover=alert(1)" in html

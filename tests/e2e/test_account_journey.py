"""A new member's first visit, end to end in a phone-sized headless Chromium.

Elements are found by data-testid or form field name, never by visible text: the site speaks Chinese by
default and the catalog may or may not be compiled while these run.
"""

from __future__ import annotations

import random
import re

import pytest
from PIL import Image

from shequ.accounts.models import Address, User
from shequ.accounts.providers import sms
from shequ.accounts.selectors import user_find_by_phone

pytestmark = pytest.mark.browser

PASSWORD = "Qingshui-Lu-88"


def new_mobile() -> str:
    """An 11-digit Chinese mobile number (as a person types it) nobody has used in this run."""
    return f"139{random.randrange(10**8):08d}"


def sms_code(e164: str) -> str:
    for message in reversed(sms.outbox):
        if message.phone == e164:
            return message.params["code"]
    raise AssertionError(f"no SMS was sent to {e164}; outbox: {[m.phone for m in sms.outbox]}")


def path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def test_new_member_signs_up_fills_in_profile_and_comes_back_with_a_password(page, expect, tmp_path):
    mobile = new_mobile()
    e164 = f"+86{mobile}"
    nickname = f"小红-{mobile[-4:]}"
    bio = "爱吃草莓味的酸奶 🍓"

    # The login page opens on the SMS-code tab.
    page.goto("/accounts/login/")
    expect(page.get_by_test_id("tab-otp")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("input[name=code]")).to_be_visible()
    expect(page.get_by_test_id("otp-sent")).to_have_count(0)

    # Ask for a code: HTMX shows the confirmation and the SMS leaves for the number typed.
    page.locator("input[name=phone]").fill(mobile)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("otp-sent")).to_be_visible()
    expect(page.get_by_test_id("otp-error")).to_have_count(0)
    code = sms_code(e164)
    assert re.fullmatch(r"\d{6}", code)

    # Log in with it: a new number is signed up and lands on the profile editor with a welcome message.
    page.locator("input[name=code]").fill(code)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(path_is("/accounts/me/profile/"))
    expect(page.locator(".flash .flash-success")).to_be_visible()
    expect(page.get_by_test_id("avatar-img")).to_have_count(0)

    # Nickname and bio.
    page.locator("input[name=nickname]").fill(nickname)
    page.locator("textarea[name=bio]").fill(bio)
    page.get_by_test_id("profile-save").click()
    expect(page).to_have_url(path_is("/accounts/me/"))
    expect(page.locator(".flash .flash-success")).to_be_visible()
    expect(page.get_by_test_id("me-nickname")).to_have_text(nickname)
    expect(page.get_by_test_id("me-bio")).to_have_text(bio)

    # Avatar: upload a small PNG; HTMX swaps in the new picture, which the server really serves.
    avatar = tmp_path / "avatar.png"
    Image.new("RGB", (64, 64), (232, 80, 58)).save(avatar)
    page.get_by_test_id("menu-profile").click()
    expect(page).to_have_url(path_is("/accounts/me/profile/"))
    expect(page.locator("input[name=nickname]")).to_have_value(nickname)
    page.get_by_test_id("avatar-input").set_input_files(str(avatar))
    page.get_by_test_id("avatar-upload").click()
    img = page.locator("#avatar-box").get_by_test_id("avatar-img")
    expect(img).to_be_visible()
    expect(page.get_by_test_id("avatar-error")).to_have_count(0)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    expect(page).to_have_url(path_is("/accounts/me/profile/"))  # swapped in place, no navigation

    # Settings: set a password (no current password is asked for the first one).
    page.goto("/accounts/me/")
    expect(page.get_by_test_id("avatar-img")).to_be_visible()
    page.get_by_test_id("menu-settings").click()
    expect(page).to_have_url(path_is("/accounts/me/settings/"))
    expect(page.locator("input[name=current_password]")).to_have_count(0)
    page.locator("input[name=new_password]").fill(PASSWORD)
    page.get_by_test_id("password-save").click()
    expect(page).to_have_url(path_is("/accounts/me/settings/"))
    expect(page.locator(".flash .flash-success")).to_be_visible()
    expect(page.locator(".errorlist")).to_have_count(0)
    expect(page.locator("input[name=current_password]")).to_be_visible()  # now it is "change password"

    # Address book: empty, add one, it is listed as the default.
    page.goto("/accounts/me/")
    page.get_by_test_id("menu-addresses").click()
    expect(page).to_have_url(path_is("/accounts/me/addresses/"))
    expect(page.get_by_test_id("address-empty")).to_be_visible()
    page.get_by_test_id("address-add").click()
    expect(page).to_have_url(path_is("/accounts/me/addresses/new/"))
    page.locator("select[name=province]").select_option("浙江省")
    page.locator("input[name=city]").fill("杭州市")
    page.locator("input[name=district]").fill("西湖区")
    page.locator("input[name=detail]").fill("文三路 90 号 3 幢 502 室")
    page.locator("input[name=recipient]").fill("王小红")
    page.locator("input[name=phone]").fill(mobile)
    page.get_by_test_id("address-save").click()
    expect(page).to_have_url(path_is("/accounts/me/addresses/"))
    expect(page.locator(".flash .flash-success")).to_be_visible()
    expect(page.get_by_test_id("address-empty")).to_have_count(0)
    items = page.get_by_test_id("address-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("王小红")
    expect(items.first).to_contain_text("浙江省 杭州市 西湖区 文三路 90 号 3 幢 502 室")
    expect(items.first.get_by_test_id("address-default")).to_be_visible()

    # The "me" page shows the default address; log out from there.
    page.goto("/accounts/me/")
    expect(page.get_by_test_id("menu-addresses")).to_contain_text("浙江省杭州市西湖区")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_test_id("home-login")).to_be_visible()
    page.goto("/accounts/me/")
    expect(page).to_have_url(path_is("/accounts/login/"))  # logged out for real

    # Back in with phone + password, on the password tab.
    page.goto("/accounts/login/")
    page.get_by_test_id("tab-password").click()
    expect(page.get_by_test_id("tab-password")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.get_by_test_id("send-code")).to_have_count(0)
    page.locator("input[name=phone]").fill(mobile)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(path_is("/accounts/me/"))
    expect(page.get_by_test_id("me-nickname")).to_have_text(nickname)
    expect(page.get_by_test_id("me-bio")).to_have_text(bio)

    # What the pages showed is what the database holds.
    user = user_find_by_phone(e164=e164)
    assert user is not None
    assert User.objects.filter(pk=user.pk).count() == 1
    assert user.nickname == nickname
    assert user.bio == bio
    assert user.avatar
    assert user.check_password(PASSWORD)
    addresses = list(Address.objects.filter(user=user))
    assert len(addresses) == 1
    assert addresses[0].is_default
    assert (addresses[0].province, addresses[0].city, addresses[0].recipient) == ("浙江省", "杭州市", "王小红")
    assert len([m for m in sms.outbox if m.phone == e164]) == 1


def test_language_switch_turns_the_login_page_into_english(page, expect):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("lang-en")).to_be_visible()

    page.get_by_test_id("lang-en").click()
    expect(page).to_have_url(path_is("/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("lang-zh")).to_be_visible()
    expect(page.get_by_test_id("lang-en")).to_have_count(0)
    expect(page.locator("h1")).to_have_text("Log in / Sign up")
    expect(page.get_by_test_id("send-code")).to_have_text("Send code")
    expect(page.get_by_test_id("login-submit")).to_have_text("Log in")

    # The choice sticks: the next page is English too.
    page.get_by_test_id("tab-password").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("tab-password")).to_have_text("Password")

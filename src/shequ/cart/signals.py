"""Merge a guest's cart at login. Logging in is infrastructure (Django's ``user_logged_in``), so listening to
it here keeps the accounts views free of cart code; the merge itself is ``cart_merge_guest``."""

from __future__ import annotations

import logging

from shequ.cart.owner import guest_token_from_cookie
from shequ.cart.services import cart_merge_guest

logger = logging.getLogger("shequ.cart")


def merge_guest_cart_on_login(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    token = guest_token_from_cookie(request)
    if not token:
        return
    try:
        cart_merge_guest(user=user, guest_token=token)
    except Exception:  # a cart problem must never stop someone logging in
        logger.exception("merging guest cart at login failed for user %s", user.pk)

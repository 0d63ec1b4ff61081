from django.conf import settings
from django.http import HttpRequest

# Which tab of the bottom bar a path belongs to (the layout marks it active; see templates/base.html).
TAB_PREFIXES = (("/c/", "categories"), ("/community/", "community"), ("/accounts/me", "me"))


def active_tab(path: str) -> str:
    if path == "/":
        return "home"
    return next((tab for prefix, tab in TAB_PREFIXES if path.startswith(prefix)), "")


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": settings.SHEQU_SITE_NAME, "ACTIVE_TAB": active_tab(request.path)}

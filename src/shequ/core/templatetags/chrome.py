"""``{% chrome "name" part ... %}…{% endchrome %}``: the parts of the page layout that are the same on every
request with the same ``part`` values (the tab bar for one language and active tab, the head's links), rendered
once per process and then reused.

The layout wraps every HTML page, and rendering it (a dozen URL reversals and translations) cost more than a
cached page body. Only markup that depends on nothing but the listed parts may go inside: per-visitor pieces
(the CSRF token, badges, the current path) stay outside the block. The texts change only with a deploy, which
starts new processes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django import template
from django.template.loader_tags import BlockNode

register = template.Library()

MAX_ENTRIES = 4096
_rendered: dict[tuple, str] = {}
_lock = threading.Lock()


class ChromeNode(template.Node):
    def __init__(self, nodelist: template.NodeList, parts: list[template.base.FilterExpression]) -> None:
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context: template.Context) -> str:
        key = tuple(str(part.resolve(context)) for part in self.parts)
        return render_once(key, lambda: self.nodelist.render(context))


def render_once(key: tuple, render: Callable[[], str]) -> str:
    """``render()``, once per process for ``key`` (which must name everything the markup depends on, starting
    with a name of its own). Also for small partials outside templates: the cart badge, a comment count's title."""
    html = _rendered.get(key)
    if html is None:
        html = render()
        with _lock:
            if len(_rendered) >= MAX_ENTRIES:  # only if a caller varies on something unbounded
                _rendered.clear()
            _rendered[key] = html
    return html


@register.tag
def chrome(parser: template.base.Parser, token: template.base.Token) -> ChromeNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% chrome %} needs a name, e.g. {% chrome 'tabbar' LANG %}")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        # A child template fills a block per page; frozen inside a shared part, every page would show the first.
        raise template.TemplateSyntaxError("{% chrome %} cannot contain a {% block %}")
    return ChromeNode(nodelist, [parser.compile_filter(bit) for bit in bits])


def clear() -> None:
    """Forget every rendered part (tests that change settings the layout shows)."""
    with _lock:
        _rendered.clear()

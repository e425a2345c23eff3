"""``{% navmarks %}...{% endnavmarks %}``: marks the link of the page being read in the nav it wraps with
``aria-current="page"`` (styled in app.css): the link whose address is the page's, or else the longest
one the page's address starts with (a person's page under "Persons"). Links added to the nav later are
marked without further changes."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

HREF = re.compile(r'<a href="(?P<href>/[^"?#]*)"')


def mark_current(html: str, path: str) -> str:
    """``html`` with ``aria-current="page"`` on the link of ``path``; unchanged where none is."""
    best: re.Match[str] | None = None
    for m in HREF.finditer(html):
        href = m.group("href")
        exact = href == path
        inside = href != "/" and href.endswith("/") and path.startswith(href)
        if exact or (inside and (best is None or len(href) > len(best.group("href")))):
            best = m
            if exact:
                break
    if best is None:
        return html
    return html[: best.end()] + ' aria-current="page"' + html[best.end() :]


class NavMarksNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        html = self.nodelist.render(context)
        request = context.get("request")
        if request is None:
            return mark_safe(html)  # noqa: S308 - the rendered template's own output
        return mark_safe(mark_current(html, request.path))  # noqa: S308 - the same, one attribute added


@register.tag
def navmarks(parser: template.base.Parser, token: template.base.Token) -> NavMarksNode:
    nodelist = parser.parse(("endnavmarks",))
    parser.delete_first_token()
    return NavMarksNode(nodelist)

"""`{% static %}` that asks the storage once per file and process.

Django's tag asks the static files storage for every URL on every render (path quoting and a
URL join, ~25 us; a page has 6-8 of them). The URL depends on the file's path, the storage
(a new instance whenever STORAGES, STATIC_URL or STATIC_ROOT change: Django resets it), the
script prefix (STATIC_URL is relative, so it is prefixed with it) and DEBUG (which manifest
storages look at): that is the cache's key. A template builtin (settings TEMPLATES OPTIONS),
so our templates do not `{% load static %}`: that would give them Django's tag again.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.files.storage import storages
from django.templatetags import static as django_static
from django.urls import get_script_prefix

register = template.Library()

_urls: dict[tuple[Any, ...], str] = {}


class CachedStaticNode(django_static.StaticNode):
    def url(self, context: template.Context) -> str:
        path = self.path.resolve(context)
        if not isinstance(path, str):
            return self.handle_simple(path)
        key = (storages["staticfiles"], get_script_prefix(), settings.DEBUG, path)
        try:
            return _urls[key]
        except KeyError:
            url = _urls[key] = self.handle_simple(path)
            return url


@register.tag("static")
def do_static(parser: template.base.Parser, token: template.base.Token) -> CachedStaticNode:
    """Django's {% static path [as varname] %}, parsed by Django's own parser."""
    node = django_static.StaticNode.handle_token(parser, token)
    return CachedStaticNode(node.varname, node.path)

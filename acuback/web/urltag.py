"""`{% url %}` that reverses each URL name once per process, not once per render.

Django's tag reverses on every render: a walk of the URL patterns' possibilities, a regex
match of the candidate and quoting, some 20-30 us each, and a chart page has about 30 of them.
This tag (a template builtin, acuback/settings.py TEMPLATES, so it replaces Django's `url` in
every template) keeps, per URL name, the reversed URL split around its arguments, and formats
ids into it. It gives the same string as Django's `reverse`, because it takes the fast path only
where that is certain, and hands everything else to Django's own tag:

- no arguments: the reversed URL itself (for namespaced names, per current application too);
- only non-negative `int` arguments, for a name with exactly one pattern whose arguments all use
  the `int` converter (regex [0-9]+, to_url str()): any such id matches, and digits are never
  quoted or escaped, so the URL is the pieces around the arguments with the digits between.

The key holds everything else `reverse` depends on: the URL resolver (a new one after the URLconf
changes, e.g. override_settings(ROOT_URLCONF) in tests), the script prefix and the language (for
translated or language-prefixed patterns). Keyword arguments, strings, callables and failures to
reverse go through Django's tag unchanged (and are not cached).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.converters import IntConverter
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# Stand-ins for the ids while a URL is reversed once: as long as no path holds them otherwise.
_SENTINEL = 7_359_046_118_200_000
_shapes: dict[tuple[Any, ...], tuple[str, ...] | None] = {}


def _state() -> tuple[Any, str]:
    """What else reverse depends on, with the language: the resolver and the script prefix."""
    return get_resolver(get_urlconf()), get_script_prefix()


def cached_reverse(view_name: str, args: list[int] | tuple[int, ...] = (),
                   current_app: str | None = None,
                   state: tuple[Any, str] | None = None) -> str:
    """reverse(view_name, args=args, current_app=current_app) for non-negative int args, from a
    per-process cache where that is certain to be the same string (the module docstring);
    Django's reverse otherwise. `state`: _state(), when the caller has it already."""
    resolver, prefix = state or _state()
    namespaced = ":" in view_name
    key = (resolver, prefix, get_language(), view_name, len(args),
           current_app if namespaced else None)
    try:
        shape = _shapes[key]
    except KeyError:
        shape = _shapes[key] = _shape(resolver, view_name, len(args), current_app, namespaced)
    if shape is None:
        return reverse(view_name, args=args, current_app=current_app)
    if not args:
        return shape[0]
    pieces = [shape[0]]
    for arg, after in zip(args, shape[1:], strict=True):
        pieces.append(str(arg))
        pieces.append(after)
    return "".join(pieces)


def _shape(resolver: Any, view_name: str, count: int, current_app: str | None,
           namespaced: bool) -> tuple[str, ...] | None:
    """The URL of view_name reversed once, split around its `count` arguments; None when the
    fast path is not certain to give reverse's answer. Raises NoReverseMatch as reverse does."""
    if count == 0:
        return (reverse(view_name, current_app=current_app),)
    if namespaced:
        return None
    found = resolver.reverse_dict.getlist(view_name)
    if len(found) != 1 or len(found[0][0]) != 1:
        return None
    (_, params), = found[0][0]
    converters = found[0][3]
    if len(params) != count or any(type(converters.get(p)) is not IntConverter for p in params):
        return None
    stand_ins = [_SENTINEL + number for number in range(count)]
    url = reverse(view_name, args=stand_ins)
    pieces = []
    for stand_in in stand_ins:
        before, hit, url = url.partition(str(stand_in))
        if not hit or any(str(other) in before for other in stand_ins):
            return None
        pieces.append(before)
    if any(str(stand_in) in url for stand_in in stand_ins):
        return None
    pieces.append(url)
    return tuple(pieces)


class CachedURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        view_name = self.view_name.resolve(context)
        if not isinstance(view_name, str) or not all(type(a) is int and a >= 0 for a in args):
            return super().render(context)
        current_app = None
        if ":" in view_name:  # the current application matters to namespaces only
            try:
                current_app = context.request.current_app
            except AttributeError:
                try:
                    current_app = context.request.resolver_match.namespace
                except AttributeError:
                    current_app = None
        # Read once per page render: context-local lookups, not once per URL. (The language
        # is not: {% language %} may change it within a page.)
        first = context.render_context.dicts[0]
        state = first.get(CachedURLNode)
        if state is None:
            state = first[CachedURLNode] = _state()
        try:
            url = cached_reverse(view_name, args, current_app, state)
        except NoReverseMatch:
            return super().render(context)  # Django's tag raises, or sets "as" to ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> CachedURLNode:
    """Django's {% url %}, parsed by Django's own parser (the same syntax and errors)."""
    node = defaulttags.url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)

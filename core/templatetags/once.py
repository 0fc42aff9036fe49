"""`{% once "name" %}…{% endonce %}`: a part of a template rendered once per process and then reused.

For parts that read nothing of the request or the user: static addresses, reversed URLs, fixed text (the
shell's head, the anonymous visitor's menu, the footer). Each use of the tag keeps its own copy, per script
prefix (where the site is mounted), and forgets it when a setting changes (tests) or the template is loaded
again (the development server's template reload makes new nodes)."""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix

register = template.Library()

_generation = [0]


@receiver(setting_changed)
def _forget(**kwargs):
    _generation[0] += 1


class OnceNode(template.Node):
    # Not walked when `{% extends %}` looks for blocks on every render: a kept part holds no block.
    child_nodelists = ()

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.kept = {}

    def render(self, context):
        key = (_generation[0], get_script_prefix())
        found = self.kept.get(key)
        if found is None:
            found = self.nodelist.render(context)
            self.kept = {key: found}  # one copy: an older generation or prefix is dropped
        return found


@register.tag
def once(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('{% once %} takes a name: {% once "the part" %}')
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)

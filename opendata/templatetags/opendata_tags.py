"""How a published count is written: the number, "< 5" below the threshold, "×" where hidden to protect one."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from opendata.publish import min_count

register = template.Library()


@register.simple_tag
def count(value, flag) -> str:
    if flag == "small":
        return format_html('<span title="{}">&lt; {}</span>', _("Below the threshold: not published"), min_count())
    if flag == "secondary":
        return format_html('<span title="{}">×</span>', _("Hidden so that a small count cannot be recovered"))
    if value is None:
        return "–"
    return intcomma(value)


@register.filter
def share(figures) -> str:
    value = getattr(figures, "poor_share", None)
    return "–" if value is None else f"{number_format(value, 1)}%"

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """`{{ labels|get_item:role }}` — dictionary lookup with a variable key."""
    return mapping.get(key, key)

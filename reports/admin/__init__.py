"""The project's pages in the Django admin: configuration one may edit, records one may only read.

Importing the package registers every page; which staff role opens which is decided once, by
the admin site (`hellomod.admin_site`).
"""

from reports.admin import (
    appeals,
    categories,
    configuration,
    crisis_lines,
    figures,
    flaggers,
    legal,
    misuse,
    people,
    records,
    sign_in,
    statements,
    texts,
    transparency,
    webhooks,
)

__all__ = [
    "appeals",
    "categories",
    "configuration",
    "crisis_lines",
    "figures",
    "flaggers",
    "legal",
    "misuse",
    "people",
    "records",
    "sign_in",
    "statements",
    "texts",
    "transparency",
    "webhooks",
]

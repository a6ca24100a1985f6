"""The app uses its frameworks' public APIs; the one exception lives in one module.

Flask's request-context internals, Flask-Limiter's private check, Flask's hook lists
and view table: each has a public way in (shop/pipeline.py, shop/web/sessions.py,
shop/web/limits.py). SQLAlchemy's cursor hook has none at the speed the fast path
needs: it is used in shop/storefront/fast/driver.py only, guarded by
tests/storefront/fast/test_driver.py.
"""

from __future__ import annotations

import re
from pathlib import Path

SHOP = Path(__file__).resolve().parents[2] / "shop"
PRIVATE = re.compile(
    r"_cursor_execute|request_ctx\._get_current_object|\._session =|_check_request_limit"
    r"|before_request_funcs|after_request_funcs|view_functions\["
)
ISOLATED = {"storefront/fast/driver.py"}


def test_private_framework_apis_appear_in_the_isolated_module_only():
    found = {
        f"{path.relative_to(SHOP)}:{number}: {line.strip()}"
        for path in sorted(SHOP.rglob("*.py"))
        if str(path.relative_to(SHOP)) not in ISOLATED
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PRIVATE.search(line)
    }
    assert not found, "private framework API outside the isolated module:\n" + "\n".join(
        sorted(found)
    )


def test_the_isolated_module_still_needs_its_exception():
    text = (SHOP / "storefront/fast/driver.py").read_text()
    assert "_cursor_execute" in text  # else drop it from ISOLATED (and the bound, maybe)

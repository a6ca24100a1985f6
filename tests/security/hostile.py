"""What the open internet sends: hostile values and Hypothesis strategies built from them."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Markup, template, SQL and spreadsheet payloads that must come out as plain text.
SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(document.cookie)"
TEMPLATE = "{{ 7*7 }}{% if 1 %}x{% endif %}"
SQL = "'; DROP TABLE item; --"
FORMULA = '=HYPERLINK("http://evil.example/","click")'
PAYLOADS = [
    SCRIPT,
    IMG,
    JS_URL,
    TEMPLATE,
    SQL,
    FORMULA,
    "' OR '1'='1",
    '" OR ""="',
    "+1 (555) =2+3",
    "-2+3",
    "@SUM(A1:A9)",
    "%s%n%x %(name)s {0} ${7*7} #{7*7}",
    "../../../etc/passwd",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08",
    "\r\n\r\nSet-Cookie: x=y",
    "\u202eevil\u202c",
    "\ufeff\u200b\u200d",
    "😀👩‍👩‍👧‍👦🏳️‍🌈",
    "\U0001d518\U0001d52b\U0001d526 \U00013000 \U0010fffd \U000e0001",  # planes 1, 16, 14
    "ñandú Ünïcödé \u0131 \u0130 ß \ufb03",  # dotless i, dotted I, ligature
    "      ",
    "",
]

# Any character of any plane but lone surrogates (no browser can send those as UTF-8).
ANY_CHAR = st.characters(exclude_categories=("Cs",))

hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(ANY_CHAR, max_size=60),
    st.builds(lambda ch, n: ch * n, ANY_CHAR, st.sampled_from([150, 1001, 5001, 10_000])),
    st.builds("".join, st.lists(st.sampled_from(PAYLOADS), min_size=2, max_size=4)),
)

NUMBERS = [
    "0",
    "-1",
    "-0",
    "1e309",
    "1e-309",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "1_000",
    "9" * 30,
    "9" * 400,
    "12,50",
    "1.234,56",
    "1,234.56",
    "1.2.3",
    "١٢٣",  # Arabic-Indic digits
    "\uff11\uff12",  # full-width digits
    "€5",
    "5 €",
    "$-5",
    "(5)",
    "92233720368547758.08",
]

amount_text = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    hostile_text,
)

# A JSON value of any shape, for fields that expect a number or a string.
json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | hostile_text
    | st.sampled_from(NUMBERS),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=8,
)

# Bounded: the whole suite must stay within a few minutes on two cores. Function-scoped
# fixtures (one app and database per test) are what we want: rows pile up across examples
# and every example must still hold the invariants.
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,  # the same examples on every run: a CI failure can be replayed
)

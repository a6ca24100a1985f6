"""The tap counter counts what a person touches, and nothing else."""

from __future__ import annotations

from tests.browser.taps import TapCounter

PAGE = """<!doctype html><title>t</title>
<label for=n>Name</label><input id=n name=name>
<p>Some text</p><button type=button>Add</button><a href=#x>Link</a>"""


def test_counts_controls_and_fields_not_text_nor_typing(phone_context):
    taps = TapCounter(phone_context)
    page = phone_context.new_page()
    page.route(
        "http://taps.test/", lambda route: route.fulfill(body=PAGE, content_type="text/html")
    )
    page.goto("http://taps.test/")
    page.tap("#n")
    page.keyboard.type("Ana")  # typing is not a tap
    page.tap("p")  # text is not a control
    page.tap("button")
    page.click("a")
    page.wait_for_timeout(100)
    assert taps.count == 3, taps.log
    assert taps.log[1] == "button: Add"
    assert taps.loads == ["/"]

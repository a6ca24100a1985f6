"""Counting taps the way every ordering and set-up issue counts them.

A tap is a click or touch on a control or a field: a link, a button, an input, a
select, a text area, a label, a summary, or anything with a button/link/checkbox/radio
role. Typing is not a tap; a field already filled needs none; a page load is not a tap
either (they are counted apart). Taps are recorded in the page by a listener on
`pointerdown` in the capture phase (Playwright's click and tap both send one), so the
count survives navigations: each event is reported to Python as it happens.

    taps = TapCounter(context)       # before the first page opens
    page.goto(...); page.tap(...)    # as a person would
    assert taps.count <= 3, taps.log # the log names what was tapped, in order
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTROLS = (
    "a, button, input, select, textarea, label, summary, "
    "[role=button], [role=link], [role=checkbox], [role=radio], [role=tab], [role=menuitem]"
)
_SCRIPT = """
(() => {
  const controls = %s;
  document.addEventListener("pointerdown", (event) => {
    const target = event.target instanceof Element ? event.target.closest(controls) : null;
    if (!target) return;
    const name = target.getAttribute("aria-label") || target.getAttribute("name") ||
      (target.textContent || "").trim().slice(0, 40) || target.tagName.toLowerCase();
    window.__vitrinaTap(`${target.tagName.toLowerCase()}: ${name}`);
  }, true);
  addEventListener("load", () => window.__vitrinaLoad(location.pathname));
})();
"""


@dataclass
class TapCounter:
    """Taps and page loads in every page of a browser context, from now on."""

    context: object
    log: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.context.expose_binding("__vitrinaTap", lambda _source, what: self.log.append(what))
        self.context.expose_binding("__vitrinaLoad", lambda _source, path: self.loads.append(path))
        self.context.add_init_script(_SCRIPT % repr(CONTROLS))

    @property
    def count(self) -> int:
        return len(self.log)

"""Rows of the results table: a figure beside its target, and whether it meets it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Row:
    """One line of the table. `passed` is None for figures without a target."""

    benchmark: str
    measure: str
    figure: str
    target: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: ""}[self.passed]

    def as_dict(self) -> dict:
        return asdict(self) | {"verdict": self.verdict}


def at_least(value: float | None, target: float) -> bool | None:
    return None if value is None else value >= target


def at_most(value: float | None, target: float) -> bool | None:
    return None if value is None else value <= target


def failed(benchmark: str, measure: str, why: str, target: str = "") -> Row:
    """A figure that could not be measured: shown, with the reason, as a failure."""
    return Row(benchmark, measure, f"not measured: {why}", target, False)


def kb(size: float | None) -> str:
    return "-" if size is None else f"{size / 1000:.1f} KB"


def ms(micros: float | None) -> str:
    return "-" if micros is None else f"{micros / 1000:.1f} ms"


def table(rows: list[Row]) -> str:
    """A plain-text table (also valid Markdown) with one row per figure."""
    header = ("Benchmark", "Measure", "Figure", "Target", "Result")
    lines = [(r.benchmark, r.measure, r.figure, r.target, r.verdict) for r in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]

    def line(cells) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(cells) for cells in lines)])


def summary(rows: list[Row]) -> str:
    judged = [r for r in rows if r.passed is not None]
    met = sum(r.passed is True for r in judged)
    return f"Targets met: {met} of {len(judged)}"

"""Exports of any report (a list of dicts and the order of its columns): CSV and XLSX for registrars and
supervisors, and a PNG chart of one measure.

Excel is the reader to satisfy: the CSV is UTF-8 with a BOM (without it Excel decodes Chinese as GBK), and text
that Excel would run as a formula (=, +, -, @) is prefixed with an apostrophe (OWASP "CSV injection"); in the
XLSX, numbers stay numbers, text stays text, and a column named `*_rate` is shown as a percentage. A date that may
still move arrives with its `<date>_provisional` column (`cases.provisional`) and is exported beside it, so the file
flags it as the answer does.
The chart's Chinese is set in Noto Sans SC, which the project installs (the `pylopdf-fonts-zh-cn` wheel ships it);
should that font be missing, one found through fontconfig or matplotlib; with none at all, the chart keeps to ASCII
— codes, not Chinese names — so nothing renders as empty boxes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

Rows = Sequence[Mapping[str, Any]]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CJK_SAMPLE = "中文证书评价"


def _label(column: str, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(column, column)


# --- CSV ----------------------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def to_csv(rows: Rows, columns: Sequence[str], labels: Mapping[str, str] | None = None) -> bytes:
    """Header (the columns, or their `labels`) then one line per row; absent values are empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_label(c, labels) for c in columns])
    writer.writerows([_csv_cell(row.get(c)) for c in columns] for row in rows)
    return out.getvalue().encode("utf-8-sig")


# --- XLSX ---------------------------------------------------------------------------------------------------


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)  # CJK characters take two columns


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, date, datetime)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def to_xlsx(rows: Rows, columns: Sequence[str], title: str, labels: Mapping[str, str] | None = None) -> bytes:
    """One sheet named after `title`: a bold, frozen header row, fitted column widths, typed cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Report"
    workbook.properties.title = title
    sheet.append([_label(c, labels) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [_display_width(_label(c, labels)) for c in columns]
    for r, row in enumerate(rows, start=2):
        for i, column in enumerate(columns):
            value = _xlsx_value(row.get(column))
            cell = sheet.cell(row=r, column=i + 1, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text beginning with "=" stays text, never a formula
            elif isinstance(value, float) and column.endswith("_rate"):
                cell.number_format = "0.0%"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            widths[i] = max(widths[i], _display_width(str(value)) if value is not None else 0)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 2)}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- chart --------------------------------------------------------------------------------------------------


def _fontconfig_chinese_files() -> list[str]:
    if not shutil.which("fc-list"):
        return []
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.strip().rstrip(":") for line in listed.stdout.splitlines() if line.strip()}
    return sorted(files, key=lambda path: ("bold" in path.lower(), "serif" in path.lower(), path))  # plain sans first


def _bundled_chinese_files() -> list[str]:
    """Noto Sans SC as the project installs it (a dependency in pyproject.toml), not one hoped for on the machine."""
    try:
        from pylopdf_fonts_zh_cn import sans_path
    except ImportError:
        return []
    return [str(sans_path())]


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The path of a font with Chinese glyphs (the bundled one first), or None (then charts keep to ASCII)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    hints = (
        "cjk", "hei", "song", "ming", "kai", "yahei", "pingfang", "han sans", "han serif", "wenquanyi", " sc",
        "droid sans fallback",
    )  # fmt: skip
    known = [f.fname for f in font_manager.fontManager.ttflist if any(h in f.name.lower() for h in hints)]
    for path in [*_bundled_chinese_files(), *_fontconfig_chinese_files(), *known]:
        try:
            font = FT2Font(path)
        except (OSError, RuntimeError, ValueError):
            continue
        if all(font.get_char_index(ord(ch)) for ch in CJK_SAMPLE):
            return path
    return None


def _is_ascii(text: str) -> bool:
    return all(ord(ch) < 128 for ch in text)


def chart_png(
    rows: Rows, measure: str, by: str = "month", title: str | None = None, kind: str = "bar",
    labels: Mapping[Any, str] | None = None,
) -> bytes:  # fmt: skip
    """A bar (or line) chart of `measure` summed per value of `by` (the other keys summed away). `labels` name
    the values (e.g. body code → Chinese name) and `title` may be Chinese: both are used only when a CJK font is
    installed; otherwise the values themselves (codes; other non-ASCII values are numbered #1, #2…) and an
    English title label the chart. A value with no figure (a rate with no results) is left blank, not drawn as 0.
    A rate cannot be summed: pass rows already totalled per `by` (`monthly_report_queries.totals`) to chart one."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    if kind not in ("bar", "line"):
        raise ValueError(f"kind must be 'bar' or 'line', not {kind!r}")
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(row[by], []).append(row.get(measure))
    if measure.endswith("_rate") and any(len(values) > 1 for values in groups.values()):
        raise ValueError(f"{measure} is a rate and cannot be summed: total the rows per {by} first")
    keys = sorted(groups, key=str)
    figures = [[v for v in groups[k] if v is not None] for k in keys]
    values = [sum(present) if present else math.nan for present in figures]
    font_path = cjk_font()
    font = FontProperties(fname=font_path) if font_path else FontProperties()
    names = [(labels or {}).get(k, str(k)) if font_path else str(k) for k in keys]
    names = [n if font_path or _is_ascii(n) else f"#{i + 1}" for i, n in enumerate(names)]
    heading = title if title and (font_path or _is_ascii(title)) else f"{measure} by {by}"

    figure = Figure(figsize=(max(6.0, 0.6 * len(keys) + 2), 4.0), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(keys)))
    if kind == "bar":
        axes.bar(positions, values, color="#3b6ea5")
    else:
        axes.plot(positions, values, marker="o", color="#3b6ea5")
    axes.set_xticks(positions, names, rotation=30 if len(keys) > 6 else 0, fontproperties=font)
    axes.set_title(heading, fontproperties=font)
    axes.set_xlabel(by)
    axes.set_ylabel(measure)
    axes.grid(axis="y", alpha=0.3)
    if measure.endswith("_rate"):
        axes.set_ylim(0, 1)
    else:
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()

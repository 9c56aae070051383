"""The written report's figures, drawn on the server as PNG with matplotlib (Agg: no screen,
no browser). Chinese text needs a CJK font on the machine (Debian: fonts-noto-cjk); the first
of FONTS found is used."""

from __future__ import annotations

import io
from functools import cache

#: CJK fonts in order of preference: Noto (Linux servers), then Windows' and macOS' own.
FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
         "SimHei", "PingFang SC")  # fmt: skip
DPI = 200
GREY = "#6c757d"
LINE = "#c00000"


@cache
def pyplot():
    """matplotlib's pyplot on the Agg backend (draw into memory, never a window), imported
    when the first chart is drawn: every web and worker process imports this module (the job
    kinds register at start-up), and matplotlib would cost each of them memory for nothing."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


@cache
def font_family() -> list[str]:
    from matplotlib import font_manager

    pyplot()
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in FONTS if name in installed] + ["DejaVu Sans"]


def _figure(width: float, height: float):
    plt = pyplot()
    plt.rcParams["font.family"] = font_family()
    plt.rcParams["axes.unicode_minus"] = False  # CJK fonts lack U+2212
    figure, axes = plt.subplots(figsize=(width, height), dpi=DPI)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI)
    pyplot().close(figure)
    return buffer.getvalue()


def level_chart(bars: list[tuple[str, int, str]], *, title: str, ylabel: str) -> bytes:
    """Regions per maturity level: (label, count, colour) bars, each labelled with its count."""
    figure, axes = _figure(6.0, 2.8)
    labels = [label for label, _, _ in bars]
    counts = [count for _, count, _ in bars]
    drawn = axes.bar(labels, counts, color=[colour for _, _, colour in bars], width=0.6)
    axes.bar_label(drawn, padding=2, fontsize=9)
    axes.set_title(title, fontsize=11)
    axes.set_ylabel(ylabel, fontsize=9)
    axes.tick_params(labelsize=9)
    axes.margins(y=0.15)
    return _png(figure)


def mean_chart(bars: list[tuple[str, float]], *, title: str, xlabel: str, line: float) -> bytes:
    """Mean scores (0–100) as horizontal bars, best first, with the rectification line."""
    height = 0.9 + 0.32 * max(len(bars), 1)
    figure, axes = _figure(6.0, height)
    names = [name for name, _ in bars]
    values = [value for _, value in bars]
    colours = [LINE if value < line else "#2f6db5" for value in values]
    drawn = axes.barh(names, values, color=colours, height=0.6)
    axes.bar_label(drawn, labels=[f"{v:.1f}" for v in values], padding=2, fontsize=8)
    axes.axvline(line, color=LINE, linestyle="--", linewidth=1)
    axes.invert_yaxis()
    axes.set_xlim(0, 105)
    axes.set_title(title, fontsize=11)
    axes.set_xlabel(xlabel, fontsize=9)
    axes.tick_params(labelsize=8)
    return _png(figure)

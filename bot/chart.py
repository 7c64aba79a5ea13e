"""Draws a Reply's chart as a PNG (matplotlib, no display needed)."""

from __future__ import annotations

import io

from handlers.model import Chart

COLOURS = [
    "#1d3557",
    "#457b9d",
    "#2a9d8f",
    "#e9c46a",
    "#f4a261",
    "#e76f51",
    "#8d99ae",
    "#6d597a",
    "#b5838d",
    "#cccccc",
]


def png(chart: Chart, *, width: float = 8.0, height: float = 4.0) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # no screen here, or on a server
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(width, height), dpi=110)
    try:
        bottoms = [0.0] * len(chart.categories)
        for index, (name, values) in enumerate(chart.series):
            axes.bar(
                chart.categories, values, bottom=bottoms, label=name, color=COLOURS[index % len(COLOURS)]
            )
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        axes.set_title(chart.title, loc="left", fontsize=11)
        axes.set_ylabel(chart.unit)
        axes.spines[["top", "right"]].set_visible(False)
        if chart.series:
            axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)

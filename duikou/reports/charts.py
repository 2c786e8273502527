"""Charts drawn offline as PNG images (matplotlib, Agg backend), for Word and PDF alike."""

import io

from .fonts import chart_face
from .summary import Chart


def axis_figure(value: float) -> str:
    """A tick of the value axis: 12,500 or 3.5, thousands grouped, no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def chart_png(chart: Chart, *, width: float = 6.4, height: float = 3.4) -> bytes:
    """A grouped bar chart of the chart's series over its categories."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    face = chart_face()
    file = font_manager.FontPath(str(face.path), face.index)  # the SC face of a .ttc
    font = font_manager.FontProperties(fname=file, size=8)
    small = font_manager.FontProperties(fname=file, size=7)
    figure = Figure(figsize=(width, height), dpi=150)
    axes = figure.subplots()
    count = max(1, len(chart.series))
    bar = 0.8 / count
    colours = ["#b03a2e", "#d68910", "#1f618d", "#117a65", "#6c3483"]
    for n, (name, values) in enumerate(chart.series):
        positions = [i - 0.4 + bar * (n + 0.5) for i in range(len(chart.categories))]
        axes.bar(positions, values, bar, label=name, color=colours[n % len(colours)])
    axes.set_xticks(range(len(chart.categories)))
    axes.set_xlim(
        -0.5 - max(0, 3 - len(chart.categories)) / 2,
        len(chart.categories) - 0.5 + max(0, 3 - len(chart.categories)) / 2,
    )
    labels = [c.replace("福建援疆", "").replace("援疆", "") or c for c in chart.categories]
    axes.set_xticklabels(labels, fontproperties=small, rotation=20, ha="right")
    # The unit across, above the axis ("单位：万元"), as Chinese charts print it, not turned
    # on its side.
    axes.text(
        0, 1.02, f"单位：{chart.unit}", transform=axes.transAxes, ha="right", fontproperties=font
    )
    # Figures as officials write them, 12,500 or 3.5, never 1e6 or an offset above the axis.
    axes.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: axis_figure(v)))
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(small)
    axes.legend(prop=small, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", linewidth=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

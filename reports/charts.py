"""Server-drawn SVG charts (pygal), served as images: no script runs in the page, nothing from a CDN."""

import pygal
from pygal.style import Style

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#999",
    colors=("#0b4f8a", "#f0ad4e", "#c8102e", "#198754", "#6f42c1", "#20c997"),
    font_family="'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
    title_font_size=18,
    label_font_size=13,
    legend_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
)


def _without_scripts(root):
    """pygal writes an inline <script> with its config even with js=[]: drop it, the chart is static."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.split("}")[-1] == "script":
                parent.remove(child)
    return root


def _chart(kind, **config):
    chart = kind(**_config(**config))
    chart.add_xml_filter(_without_scripts)
    return chart


def _config(**extra):
    # js=[] keeps pygal from linking its tooltip script (served from the internet); the SVG stays static.
    return dict(
        style=STYLE,
        js=[],
        disable_xml_declaration=False,
        width=800,
        height=420,
        print_values=True,
        legend_at_bottom=True,
        print_zeroes=False,
        **extra,
    )


def integer_ticks(maximum: int, *, at_most: int = 6) -> list[int]:
    """Whole-number ticks from 0 past `maximum` (a count has no 0.2 steps), at most `at_most` of them."""
    step = max(1, -(-max(maximum, 1) // (at_most - 1)))
    return list(range(0, max(maximum, 1) + step, step))


def bases_by_region(rows) -> bytes:
    chart = _chart(pygal.StackedBar, title="各设区市基地数", x_label_rotation=30, value_formatter=str)
    chart.x_labels = [r[0] for r in rows]
    chart.y_labels = integer_ticks(max((r[1] + r[2] + r[3] for r in rows), default=0))
    chart.add("正常", [r[1] or None for r in rows])
    chart.add("整改中", [r[2] or None for r in rows])
    chart.add("已撤销/取消", [r[3] or None for r in rows])
    return chart.render()


def pie(title: str, rows) -> bytes:
    chart = _chart(pygal.Pie, title=title, inner_radius=0.45)
    for label, value in rows:
        if value:
            chart.add(label, value)
    return chart.render()


def funnel(rows) -> bytes:
    chart = _chart(pygal.Bar, title="申报批次漏斗", x_label_rotation=15, value_formatter=str)
    chart.x_labels = [r[0] for r in rows]
    chart.y_labels = integer_ticks(max((r[i] for r in rows for i in (1, 2, 3, 5, 6)), default=0))
    for index, label in ((1, "填报"), (2, "提交"), (3, "推荐"), (5, "认定"), (6, "不予认定")):
        chart.add(label, [r[index] for r in rows])
    return chart.render()


def training(rows, target_per_base: int) -> bytes:
    rows = list(reversed(rows))
    chart = _chart(pygal.Bar, title="年度培训人数与目标")
    chart.x_labels = [str(r[0]) for r in rows]
    chart.add("实际培训人数", [r[2] or 0 for r in rows])
    chart.add(f"目标（报送基地数×{target_per_base}）", [r[1] * target_per_base for r in rows])
    return chart.render()

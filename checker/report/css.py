"""The HTML report's style sheet (inlined in the page) and its two palettes.

Verdict colours are Okabe-Ito's blue, orange/vermillion and a grey, told apart in every
common colour blindness, and always beside a word. Each pair of text and background
colour below is tested for WCAG AA contrast (4.5:1) in `tests/test_html.py`.
"""

from __future__ import annotations

from checker.explore.plot import COLOURS, INK

PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#ffffff",
        "fg": "#1b1b1b",
        "muted": "#555555",
        "link": "#005a9c",
        "rule": "#d0d0d0",
        "panel": "#f4f4f4",
        "mark": "#fff3b0",
        "mark-fg": "#1b1b1b",
        "permitted": "#0072b2",
        "permitted-fg": "#ffffff",
        "prohibited": "#b34700",
        "prohibited-fg": "#ffffff",
        "undetermined": "#595959",
        "undetermined-fg": "#ffffff",
        "deciding": "#1b1b1b",
        "deciding-fg": "#ffffff",
    },
    "dark": {
        "bg": "#121212",
        "fg": "#eaeaea",
        "muted": "#b0b0b0",
        "link": "#7cc4ff",
        "rule": "#444444",
        "panel": "#1e1e1e",
        "mark": "#5c4b00",
        "mark-fg": "#ffffff",
        "permitted": "#56b4e9",
        "permitted-fg": "#000000",
        "prohibited": "#e69f00",
        "prohibited-fg": "#000000",
        "undetermined": "#bbbbbb",
        "undetermined-fg": "#000000",
        "deciding": "#eaeaea",
        "deciding-fg": "#121212",
    },
}

TEXT_PAIRS = (
    ("fg", "bg"),
    ("muted", "bg"),
    ("link", "bg"),
    ("fg", "panel"),
    ("muted", "panel"),
    ("link", "panel"),
    ("mark-fg", "mark"),
    ("permitted-fg", "permitted"),
    ("prohibited-fg", "prohibited"),
    ("undetermined-fg", "undetermined"),
    ("deciding-fg", "deciding"),
)
"""(text, background) pairs the page draws."""

CHART_PAIRS = tuple((INK[v], COLOURS[v]) for v in COLOURS)
"""The timeline's verdict words on its bars: the chart's own colours (`explore.plot`), the
same in both schemes."""


def _variables(palette: dict[str, str]) -> str:
    return "".join(f"--{name}:{value};" for name, value in palette.items())


_BODY = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:60rem;padding:0 1rem 2rem;background:var(--bg);color:var(--fg);
font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
overflow-wrap:break-word}
a{color:var(--link)}
a:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem}
.skip:focus{left:1rem}
header{padding:1.5rem 0 .5rem;border-bottom:1px solid var(--rule)}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.35rem;margin:2rem 0 .75rem}
h3{font-size:1.2rem;line-height:1.3;margin:0 0 .5rem}
h4{font-size:1rem;margin:1.25rem 0 .4rem}
.lead{margin:.25rem 0;color:var(--muted)}
nav ul{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
caption{text-align:left;color:var(--muted);font-size:.9rem;padding-bottom:.25rem}
th,td{text-align:left;vertical-align:top;padding:.45rem .5rem;border-bottom:1px solid var(--rule)}
thead th{font-size:.9rem}
.summary th[scope=row]{font-weight:600;min-width:9rem}
.badge{display:inline-block;white-space:nowrap;border-radius:.3rem;padding:.05rem .45rem;
font-weight:700;font-size:.9rem;print-color-adjust:exact;-webkit-print-color-adjust:exact}
.b-permitted{background:var(--permitted);color:var(--permitted-fg)}
.b-prohibited{background:var(--prohibited);color:var(--prohibited-fg)}
.b-undetermined{background:var(--undetermined);color:var(--undetermined-fg)}
.scenario{border-top:2px solid var(--rule);padding:1.25rem 0 .5rem;margin-top:1rem}
.verdict{font-size:1.05rem}
.detail{color:var(--muted);font-size:.85rem;margin:.25rem 0}
code{font-size:.9em;overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.25rem 1rem;
margin:.75rem 0;padding:.6rem .75rem;background:var(--panel);border-radius:.4rem}
.facts dt{font-size:.8rem;color:var(--muted)}
.facts dd{margin:0}
.reasons{padding-left:1.4rem}
.reasons li{margin:.45rem 0}
.tag{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;
letter-spacing:.03em;border:1px solid var(--fg);border-radius:.25rem;padding:0 .3rem}
.tag.deciding{background:var(--deciding);color:var(--deciding-fg);border-color:var(--deciding)}
.cite{display:block;font-size:.9rem;color:var(--muted);margin-top:.15rem}
.ev{font-weight:700}
.rule{display:block;font-size:.75rem;color:var(--muted)}
.chart{margin:.5rem 0;padding:0}
svg.timeline{display:block;width:100%;max-width:34rem;height:auto}
svg .label,svg .tick,svg .mark,svg .strike-label{fill:var(--fg)}
svg .mark{font-weight:700}
svg .hatch{stroke:#ffffff;stroke-width:1.6}svg .dot{fill:#333333}
svg .window{fill:var(--bg)}svg .hatch-w{stroke:var(--fg);stroke-width:1.2}
svg .window-box{stroke:var(--fg);stroke-width:.8}
svg [class^=on-]{paint-order:stroke;stroke-width:3px;stroke-linejoin:round}
svg .change{stroke:var(--fg);stroke-dasharray:4 3}
svg .strike{stroke:var(--link);stroke-width:2}
svg .strike-label{fill:var(--link);font-weight:700}
svg .axis{stroke:var(--muted)}
figcaption{font-size:.9rem}
.marks{list-style:none;padding-left:0;margin:.4rem 0}
.article{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid var(--rule);
background:var(--panel);font-size:.95rem}
.article p{margin:.5rem 0}
mark{background:var(--mark);color:var(--mark-fg);
print-color-adjust:exact;-webkit-print-color-adjust:exact}
mark:target{outline:3px solid var(--link)}
.reasons li:target{outline:3px solid var(--link);outline-offset:2px}
.back{font-size:.75rem;vertical-align:super;margin-left:.15rem;text-decoration:none}
.src-meta,.hint{color:var(--muted);font-size:.9rem}
footer{border-top:2px solid var(--rule);margin-top:2rem}
.legend div{margin:.25rem 0}
.legend dt{display:inline;font-weight:700}
.legend dt::after{content:": "}
.legend dd{display:inline;margin:0}
@media (max-width:40rem){
body{padding:0 .75rem 2rem}
h1{font-size:1.35rem}
table.summary thead,table.readings thead{position:absolute;width:1px;height:1px;
overflow:hidden;clip:rect(0 0 0 0)}
table.summary tr,table.readings tr{display:block;border-bottom:1px solid var(--rule);
padding:.4rem 0}
table.summary th,table.summary td,table.readings th,table.readings td{display:block;border:0;
padding:.15rem 0}
.article{padding:.25rem .6rem}
}
@media print{
:root{color-scheme:light}
.skip,nav,.top{display:none}
body{max-width:none;font-size:10.5pt}
a{color:inherit}
.article a.back{display:none}
.scenario{break-before:page}
h3,h4{break-after:avoid}
svg.timeline,.facts,tr{break-inside:avoid}
}
"""


def _style() -> str:
    light = _variables(PALETTES["light"])
    dark = _variables(PALETTES["dark"])
    return (
        f":root{{color-scheme:light dark;{light}}}"
        f"@media (prefers-color-scheme:dark){{:root{{{dark}}}}}"
        f"@media print{{:root{{{light}}}}}" + _BODY + _chart()
    )


def _chart() -> str:
    bars = "".join(f"svg .v-{v}{{fill:{c}}}" for v, c in COLOURS.items())
    words = "".join(f"svg .on-{v}{{fill:{INK[v]};stroke:{COLOURS[v]}}}" for v in COLOURS)
    return bars + words + "\n"


STYLE = _style()

"""The app's stylesheet: source cards, highlights, renderings and the marks on claims."""

CSS = """<style>
.source-card{border:1px solid #ddd;border-radius:8px;padding:.6rem .8rem;margin:.4rem 0;font-size:.92rem}
.source-card mark{background:#ffe58a;padding:0 .1rem}
.answer-phrase{background:#ffc53d;border-bottom:2px solid #b7791f}
.sources,.also-in{color:#666}
.attributed{text-decoration:underline dotted #7f8c8d;text-underline-offset:3px}
.unsupported{background:#fde2e1;text-decoration:underline wavy #c0392b;text-underline-offset:3px}
.rendering{margin:-.4rem 0 .8rem 1rem;padding:.3rem .6rem;border-left:3px solid #7a8ca5;background:#f4f6f9}
.rendering.withheld{border-left-color:#c0392b;background:#fbf1f0}
.claim .verbatim,.quote-rendered .verbatim{display:block;margin:.1rem 0 .5rem 1rem;color:#555;font-size:.85rem}
.verbatim{font-style:italic}
</style>"""

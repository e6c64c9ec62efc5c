"""axe-core in the browser tests (quality target A1: no axe violation on the main pages).

The application's Content Security Policy forbids inline scripts, and Playwright's
`add_script_tag(path=...)` inserts an inline <script>, which the policy blocks. Evaluating the
source through the DevTools protocol (`page.evaluate`) is not subject to the page's CSP, so the
tests keep the production policy switched on while axe runs."""

from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

_source_cache: list[str] = []


def _source() -> str:
    if not _source_cache:
        _source_cache.append(AXE_SOURCE.read_text(encoding="utf-8"))
    return _source_cache[0]


def run_axe(page, *, tags=TAGS, context=None) -> list[dict]:
    """Run axe on the page as it is now and return its violations (axe's own dicts)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # The bundle itself as the expression (no eval() in the page, which CSP also forbids);
        # it sets window.axe.
        page.evaluate(_source() + "\n;true")
    result = page.evaluate(
        """([tags, context]) => window.axe.run(context || document, {
               runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        [tags, context])
    return result["violations"]


def blocking(violations, impacts=BLOCKING) -> list[dict]:
    return [v for v in violations if v.get("impact") in impacts]


def describe(violations, label="") -> str:
    """One line per violation and affected node: id, impact, target, help."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(f"{label} {v['id']} [{v['impact']}] {node['target']} – {v['help']}"
                         f" :: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)

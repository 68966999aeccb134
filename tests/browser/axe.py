"""Check a page against WCAG 2.1 A and AA with axe-core, as the browser renders it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN_AXE = """tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
})"""


def assert_accessible(page: Page) -> None:
    """Fail with every WCAG 2.1 A/AA violation axe-core finds on the page as it is now.

    Needs a browser context created with bypass_csp=True: the Hub's Content-Security-Policy
    refuses injected scripts otherwise.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE_SCRIPT)
    results = page.evaluate(_RUN_AXE, WCAG_TAGS)
    violations = results["violations"]
    assert not violations, describe_violations(page.url, violations)


def describe_violations(url: str, violations: list[dict]) -> str:
    """Say, for a person fixing templates, which rule failed where and how to learn more."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html']}")
            lines.extend(
                f"      {line.strip()}" for line in node.get("failureSummary", "").splitlines()
            )
    return "\n".join(lines)

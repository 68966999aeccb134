"""How an area plugs in (kmrg.areas): one entry point per area, named once, in any order.

A throwaway area (tests/plugin_area) is plugged in with one setting and shows its page, its header
link, its permission and its demo; the Hub's own areas registered backwards give the same Hub; and
a new area breaking each layering rule is caught by the import contracts as they stand.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from sqlalchemy import func, select

import kmrg
from kmrg import app as app_module
from kmrg.areas import (
    DemoContext,
    add_demo_loader,
    add_template_permissions,
    areas_of,
    init_areas,
    ordered_demo_loaders,
    template_permission,
)
from kmrg.casestudies.models import CaseStudy
from kmrg.demo import load_demo
from kmrg.extensions import db
from kmrg.lessons.models import Lesson
from kmrg.search.registry import registry
from tests import factories
from tests.conftest import _created_apps, empty_database, make_app
from tests.factories import sign_in
from tests.plugin_area import DEMO_RUNS

PLUGGED = {"EXTRA_AREAS": ("tests.plugin_area",)}
# The header's order; areas added later (Meetings at 40, …) fit into the gaps left for them.
HUB_LINKS = ["Case studies", "Lessons", "Experts", "Organisations", "Themes", "Search"]


def _nothing(_session: object, _context: DemoContext) -> None:
    return None


def _labels(app: Flask) -> list[str]:
    return [entry.label for entry in areas_of(app).navigation]


# The registry on its own.


def test_demo_loaders_run_after_those_they_wait_for_whatever_the_registration_order():
    app = Flask("demo-order")
    add_demo_loader(app, "inbox", _nothing, after=("experts",))
    add_demo_loader(app, "experts", _nothing, after=("case studies",))
    add_demo_loader(app, "case studies", _nothing)
    add_demo_loader(app, "themes", _nothing)
    names = [loader.name for loader in ordered_demo_loaders(app)]
    assert names == ["case studies", "experts", "inbox", "themes"]


def test_demo_loaders_waiting_for_each_other_are_refused():
    app = Flask("demo-cycle")
    add_demo_loader(app, "meetings", _nothing, after=("experts",))
    add_demo_loader(app, "experts", _nothing, after=("meetings",))
    with pytest.raises(ValueError, match="wait for each other"):
        ordered_demo_loaders(app)


def test_a_demo_loader_waiting_for_an_unknown_one_is_refused():
    app = Flask("demo-unknown")
    add_demo_loader(app, "meetings", _nothing, after=("case studys",))
    with pytest.raises(LookupError, match="case studys"):
        ordered_demo_loaders(app)


def _permissions_module(name: str, source: str) -> ModuleType:
    module = ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)  # noqa: S102
    return module


def test_two_areas_defining_the_same_permission_name_are_refused():
    first = _permissions_module("first", "def can_edit_plan(user, plan):\n    return True\n")
    second = _permissions_module("second", "def can_edit_plan(user, plan):\n    return False\n")
    app = Flask("duplicates")
    add_template_permissions(app, first)
    add_template_permissions(app, first)  # the same area registering again is harmless
    with pytest.raises(ValueError, match="can_edit_plan"):
        add_template_permissions(app, second)
    assert template_permission(app, "edit_plan") is first.can_edit_plan


def test_only_a_modules_own_can_functions_become_template_permissions():
    module = _permissions_module(
        "own",
        "from kmrg.auth.permissions import can_review_applications\n"
        "def is_owner(user, plan):\n    return True\n"
        "def can_close_plan(user, plan):\n    return True\n",
    )
    app = Flask("own")
    add_template_permissions(app, module)
    assert set(areas_of(app).permissions) == {"close_plan"}
    with pytest.raises(LookupError, match="can_review_applications"):
        template_permission(app, "review_applications")


def test_an_area_without_an_entry_point_is_refused():
    with pytest.raises(TypeError, match=r"tests\.factories"):
        init_areas(Flask("no-entry"), ["tests.factories"])


# A new area, plugged in by one setting.


def test_a_new_area_is_plugged_in_by_one_setting(migrated, tmp_path, session):
    member = factories.make_user(session, name="Thandi Gardener")
    plugged = make_app(migrated, tmp_path / "plugged", **PLUGGED)
    client = plugged.test_client()
    page = client.get("/plants/").get_data(as_text=True)
    assert "<h1>Plants</h1>" in page
    # Its header link sits where its order (35) puts it: right after Experts (30).
    labels = _labels(plugged)
    assert labels.index("Plants") == labels.index("Experts") + 1
    assert '<a href="/plants/" aria-current="page">Plants</a>' in page
    assert '<a href="/plants/">Plants</a>' in client.get("/").get_data(as_text=True)
    # Its permission is asked the way every template asks: for the visitor, then a member.
    assert "water it" not in page
    sign_in(client, member)
    page = client.get("/plants/").get_data(as_text=True)
    assert "Fern: water it" in page
    assert "Spekboom: water it" not in page


def test_the_hub_without_the_new_area_does_not_show_it(client, app):
    assert [label for label in _labels(app) if label in HUB_LINKS] == HUB_LINKS
    assert "Plants" not in _labels(app)
    assert client.get("/plants/").status_code == 404
    assert "/plants/" not in client.get("/").get_data(as_text=True)


@pytest.fixture(scope="module")
def backwards_hub(
    migrated: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, int]]:
    """The Hub with every area registered in reverse, the new area first, and its demo loaded."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_module, "AREAS", ("tests.plugin_area", *reversed(app_module.AREAS)))
        app = make_app(migrated, tmp_path_factory.mktemp("backwards"))
    _created_apps.remove(app)  # lives for the whole module; closed below
    DEMO_RUNS.clear()
    with app.app_context():
        load_demo(db.session)
        db.session.commit()
        case_studies = db.session.scalar(select(func.count()).select_from(CaseStudy))
        db.session.remove()
    yield app, case_studies
    with app.app_context():
        db.session.remove()
        empty_database(db.engine)
        app.extensions["kmrg.search"].backend.close()
        db.engine.dispose()


def test_areas_registered_backwards_make_the_same_header(backwards_hub, app):
    backwards, _ = backwards_hub
    assert [label for label in _labels(backwards) if label != "Plants"] == _labels(app)


def test_demo_loaders_wait_for_each_other_whatever_the_area_order(backwards_hub):
    app, case_studies = backwards_hub
    names = [loader.name for loader in ordered_demo_loaders(app)]
    assert names.index("case studies") < names.index("experts") < names.index("inbox")
    assert names.index("case studies") < names.index("plants")
    # The new area's loader, registered first, ran once and after the case studies were in.
    assert case_studies > 0
    assert [case_studies] == DEMO_RUNS


def test_search_settles_cross_area_dependents_whatever_the_area_order(backwards_hub):
    # Lessons and experts registered before the case studies that feed them, yet a changed case
    # study still re-indexes its lessons and the people whose evidence it is.
    lesson_type, expert_type = registry.get("lesson"), registry.get("expert")
    assert CaseStudy in registry.dependents(lesson_type)
    assert {CaseStudy, Lesson} <= set(registry.dependents(expert_type))


# The import contracts name areas by wildcard, and the modules keep the names they rely on.

PACKAGE = Path(kmrg.__file__).resolve().parent
ROOT = PACKAGE.parent


def _area_packages() -> list[Path]:
    return sorted(path.parent for path in PACKAGE.glob("*/__init__.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_in(name: str, role: str) -> bool:
    """Tell whether module `name` is an area's `role` module, or in its `role` package."""
    parts = name.split(".")
    return len(parts) >= 3 and parts[2] == role


def _defines_routes(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "route"
        for node in ast.walk(tree)
    )


def _defines_forms(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ClassDef)
        and any(
            getattr(base, "id", getattr(base, "attr", "")) == "FlaskForm" for base in node.bases
        )
        for node in ast.walk(tree)
    )


def test_pages_live_in_views_and_forms_in_forms_so_the_wildcards_find_them():
    misplaced = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _defines_routes(tree) and not _is_in(name, "views"):
            misplaced.append(f"{name} defines routes: move them into the area's views")
        if _defines_forms(tree) and not _is_in(name, "forms"):
            misplaced.append(f"{name} defines forms: move them into the area's forms")
    assert misplaced == []


def test_every_area_package_with_a_blueprint_is_plugged_in():
    listed = set(app_module.AREAS)
    for package in _area_packages():
        source = (package / "__init__.py").read_text(encoding="utf-8")
        name = _module_name(package / "__init__.py")
        if "blueprint" in source:
            assert "def init_app(app: Flask)" in source, name
            assert name in listed, f"{name} has a blueprint but is not in kmrg.app.AREAS"


NEW_AREA = {
    "__init__.py": (
        "from flask import Blueprint, Flask\n"
        "blueprint = Blueprint('gardens', __name__)\n"
        "def init_app(app: Flask) -> None:\n"
        "    from kmrg.gardens import views  # noqa: F401\n"
        "    app.register_blueprint(blueprint)\n"
    ),
    "models.py": "from kmrg.models import Base\n",
    "queries.py": "from kmrg.gardens import models\nfrom kmrg.casestudies import queries\n",
    "services.py": "from kmrg.gardens import queries\nfrom kmrg.lessons import services\n",
    "permissions.py": "from kmrg.gardens import models\n",
    "forms.py": "from flask_wtf import FlaskForm\n",
    "views/__init__.py": "from kmrg.gardens.views import pages\n",
    "views/pages.py": "from kmrg.gardens import blueprint, forms, services\n"
    "from kmrg.casestudies import queries\n",
}
# Each rule a new area could break, and the contract that must then fail.
BREACHES = {
    "a service reaching up into its own views": (
        "services.py",
        "def later():\n    from kmrg.gardens.views import pages\n",
        "Only an area's own package reaches its views",
    ),
    "a query reaching another area's views": (
        "queries.py",
        "from kmrg.lessons import views\n",
        "Only an area's own package reaches its views",
    ),
    "a permission using a form": (
        "permissions.py",
        "from kmrg.gardens import forms\n",
        "Only views use forms",
    ),
    "its views importing another area's views": (
        "views/pages.py",
        "from kmrg.experts.views import profiles\n",
        "An area never imports another area's views",
    ),
    "the search engine importing it": (
        "../search/results.py",
        "from kmrg.gardens import models as garden_models\n",
        "The search engine imports no feature area",
    ),
    "the lessons area importing its lesson source": (
        "../lessons/sources.py",
        "from kmrg.gardens import lesson_source\n",
        "A registry's area never imports the areas that plug into it",
    ),
}


def _lint(tree: Path) -> str:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def hub_with_a_new_area(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the kmrg package with a new area, `gardens`, that keeps every rule."""
    tree = tmp_path_factory.mktemp("new-area")
    shutil.copytree(PACKAGE, tree / "kmrg", ignore=shutil.ignore_patterns("__pycache__", "static"))
    for name, source in {
        **NEW_AREA,
        "lesson_source.py": "from kmrg.lessons import sources\n",
    }.items():
        path = tree / "kmrg" / "gardens" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return tree


def test_a_new_area_that_keeps_the_rules_passes_the_contracts_unedited(hub_with_a_new_area):
    output = _lint(hub_with_a_new_area)
    assert "0 broken" in output, output


@pytest.mark.parametrize("breach", BREACHES)
def test_a_new_area_breaking_a_rule_is_caught_by_the_contracts_unedited(
    hub_with_a_new_area, breach
):
    relative, added, contract = BREACHES[breach]
    path = (hub_with_a_new_area / "kmrg" / "gardens" / relative).resolve()
    original = path.read_text(encoding="utf-8")
    path.write_text(original + added, encoding="utf-8")
    try:
        output = _lint(hub_with_a_new_area)
    finally:
        path.write_text(original, encoding="utf-8")
    assert f"{contract} BROKEN" in " ".join(output.split()), output

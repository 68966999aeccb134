"""A throwaway area that tests/test_areas.py plugs into the Hub with one setting, EXTRA_AREAS.

It has what a real area registers in its init_app: a blueprint with a page, a navigation entry, a
`can_*` permission templates ask through `can()`, and a demo loader that waits for another.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.areas import DemoContext, add_demo_loader, add_navigation, add_template_permissions
from kmrg.casestudies.models import CaseStudy

blueprint = Blueprint("plants", __name__, url_prefix="/plants")

# How many case studies were on record each time the demo loader ran.
DEMO_RUNS: list[int] = []


def init_app(app: Flask) -> None:
    """Register the plants page, its header link, its permission and its demo."""
    from tests.plugin_area import permissions, views  # noqa: F401  (views attach the routes)

    app.register_blueprint(blueprint)
    add_navigation(app, "plants.list_plants", "Plants", order=35)
    add_template_permissions(app, permissions)
    add_demo_loader(app, "plants", load_demo, after=("case studies",))


def load_demo(session: Session, context: DemoContext) -> None:
    """Note what the demo already holds when this loader runs."""
    assert context.password_hash
    DEMO_RUNS.append(session.scalar(select(func.count()).select_from(CaseStudy)))

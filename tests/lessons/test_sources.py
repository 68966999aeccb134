"""The registry of lesson sources: reading many lessons' sources at once."""

from __future__ import annotations

import gc

from sqlalchemy import event

from kmrg.casestudies.models import CaseStudyStatus
from kmrg.extensions import db
from kmrg.lessons.sources import load_source, preload_sources
from tests.lessons.conftest import make_case_study


def test_preloaded_sources_stay_loaded_for_the_session(app, session, organisation):
    ids = [
        make_case_study(session, organisation, status=CaseStudyStatus.PUBLISHED).id
        for _ in range(4)
    ]
    session.expunge_all()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    preload_sources(session, [("case_study", number) for number in ids] + [(None, None)])
    gc.collect()  # nothing but the session holds the rows it read
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        titles = [load_source(session, "case_study", number).title for number in ids]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    assert len(titles) == 4
    assert statements == []

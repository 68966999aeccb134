"""`kmrg export` while the Hub keeps writing: one consistent moment, and writers not held up."""

from __future__ import annotations

import threading

from kmrg.backup import commands
from kmrg.extensions import db
from tests import factories
from tests.backup.conftest import archive_rows, dangling_references, run


def test_an_export_while_another_thread_writes_is_consistent_and_blocks_no_writer(
    app, member, tmp_path, monkeypatch
):
    written = threading.Event()
    errors: list[Exception] = []

    def join_a_new_organisation() -> None:
        try:
            with app.app_context():
                newcomers = factories.make_organisation(db.session, code="LATE")
                factories.make_user(db.session, name="Late Joiner", organisation=newcomers)
                db.session.remove()
        except Exception as error:  # reported below: the export must not make writers fail
            errors.append(error)
        finally:
            written.set()

    def progress(line: str) -> None:
        # Organisations are in the archive, users not yet: a writer commits a new organisation
        # and a member of it now, and the export goes on only once that commit is done.
        if line.startswith("organisations:"):
            threading.Thread(target=join_a_new_organisation).start()
            assert written.wait(60), "the writer never finished"

    monkeypatch.setattr(commands, "_progress", progress)
    path = tmp_path / "during-writes.zip"
    result = run(app, "export", str(path))

    assert result.exit_code == 0, result.output
    assert errors == []
    assert dangling_references(path) == []
    names = {row["name"] for row in archive_rows(path)["users"]}
    assert member.name in names and "Late Joiner" not in names
    assert db.session.query(factories.User).filter_by(name="Late Joiner").count() == 1

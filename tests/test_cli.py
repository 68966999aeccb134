"""The kmrg command, run in-process through Flask's CLI runner."""

from __future__ import annotations

from kmrg.auth.models import Role, User
from kmrg.cli import main
from kmrg.extensions import db
from kmrg.organisations.models import Organisation, OrganisationKind


def test_demo_loads_reference_data_and_people_and_is_idempotent(app, monkeypatch):
    monkeypatch.setenv("KMRG_DEMO_PASSWORD", "demo-password-for-tests")
    runner = app.test_cli_runner()
    first = runner.invoke(main, args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.org / demo-password-for-tests" in first.output
    counts = {
        kind: db.session.query(Organisation).filter_by(kind=kind).count()
        for kind in (
            OrganisationKind.METROPOLITAN,
            OrganisationKind.DISTRICT,
            OrganisationKind.LOCAL,
        )
    }
    assert counts == {
        OrganisationKind.METROPOLITAN: 8,
        OrganisationKind.DISTRICT: 44,
        OrganisationKind.LOCAL: 205,
    }
    people = db.session.query(User).count()

    second = runner.invoke(main, args=["demo"])
    assert second.exit_code == 0, second.output
    assert db.session.query(User).count() == people
    assert all(u.email.endswith("@example.org") for u in db.session.query(User))


def test_users_create_reads_the_password_from_stdin(app, organisation):
    runner = app.test_cli_runner()
    result = runner.invoke(
        main,
        args=[
            "users",
            "create",
            "--email",
            "new@example.org",
            "--name",
            "New Champion",
            "--role",
            "champion",
            "--organisation",
            "buf",
        ],
        input="a-secret-from-stdin\n",
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.query(User).filter_by(email="new@example.org").one()
    assert user.role is Role.CHAMPION and user.organisation.code == "BUF" and user.is_active


def test_users_create_refuses_an_unknown_organisation(app):
    result = app.test_cli_runner().invoke(
        main,
        args=[
            "users",
            "create",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--organisation",
            "NOPE",
        ],
        input="a-secret-from-stdin\n",
    )
    assert result.exit_code != 0
    assert "No organisation has the code" in result.output
    assert db.session.query(User).count() == 0


def test_search_check_reports_drift_and_rebuild_repairs_it(app, session, member):
    from kmrg.auth.models import ProfileVisibility
    from kmrg.search.pipeline import get_pipeline

    member.profile_visibility = ProfileVisibility.PUBLIC
    session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(main, args=["search", "check"]).exit_code == 0

    get_pipeline().backend.clear()
    drift = runner.invoke(main, args=["search", "check"])
    assert drift.exit_code == 1
    assert f"missing: profile:{member.id}" in drift.output

    rebuilt = runner.invoke(main, args=["search", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Indexed 1 documents" in rebuilt.output
    assert runner.invoke(main, args=["search", "check"]).exit_code == 0


def test_the_installed_kmrg_command_runs_demo_and_check(app, migrated, tmp_path):
    """The console script, as an operator runs it: a separate process with its own app."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    kmrg = Path(sys.executable).parent / "kmrg"
    env = {
        **os.environ,
        "KMRG_DATABASE_URL": migrated,
        "KMRG_INSTANCE_PATH": str(tmp_path / "operator"),
        "KMRG_DEMO_PASSWORD": "operator-demo-password",
    }
    demo = subprocess.run([kmrg, "demo"], env=env, capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, demo.stderr
    assert "operator-demo-password" in demo.stdout
    check = subprocess.run(
        [kmrg, "search", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "matches the database" in check.stdout


def test_markdown_rerender_restores_stored_html(app, session, member):
    from kmrg.casestudies import services as case_studies
    from tests.casestudies.conftest import case_study_data

    case_study = case_studies.create_case_study(session, member, case_study_data())
    session.commit()
    case_study.context_html = "<p>rendered by an older, looser allowlist<script></script></p>"
    session.commit()

    result = app.test_cli_runner().invoke(main, args=["markdown", "rerender"])
    assert result.exit_code == 0, result.output
    assert "Re-rendered 1 records" in result.output
    session.expire_all()
    assert "script" not in case_study.context_html
    assert case_study.context_html.startswith("<p>Buffalo City lost revenue")


def test_attachments_sweep_removes_only_old_unreferenced_files(app, tmp_path):
    import os
    import time
    from pathlib import Path

    upload_dir = Path(app.config["UPLOAD_DIR"])
    orphan = upload_dir / "ab" / "cd" / ("abcd" + "0" * 60)
    fresh = upload_dir / "ef" / "01" / ("ef01" + "0" * 60)
    for path in (orphan, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 left behind")
    old = time.time() - 7200
    os.utime(orphan, (old, old))

    result = app.test_cli_runner().invoke(main, args=["attachments", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 unreferenced files" in result.output
    assert not orphan.exists()
    assert fresh.exists()  # may belong to an upload still being saved

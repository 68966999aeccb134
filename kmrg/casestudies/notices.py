"""What case studies tell people through kmrg.notifications: reviews to do, and their outcome."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.auth.models import AccountStatus, Role, User
from kmrg.auth.queries import champions_of
from kmrg.casestudies.models import CaseStudy
from kmrg.casestudies.permissions import can_view_case_study
from kmrg.notifications.registry import add_notification_kind
from kmrg.notifications.services import notify, site_path

SUBMITTED = "case_study_submitted"
PUBLISHED = "case_study_published"
RETURNED = "case_study_returned"


def register_notification_kinds(app: Flask) -> None:
    """Register the kinds of notification case studies send."""
    seen = {"model": CaseStudy, "can_view": can_view_case_study}
    add_notification_kind(app, SUBMITTED, "A case study waits for your review", **seen)
    add_notification_kind(app, PUBLISHED, "Your case study was published", **seen)
    add_notification_kind(app, RETURNED, "Your case study was returned for changes", **seen)


def reviewers_of(session: Session, case_study: CaseStudy) -> tuple[list[User], bool]:
    """Return who reviews the case study, and whether they are the administrators.

    The organisation's KM champions other than the author; when there is none (the author is
    its only champion, or it has none), the administrators: authors never review their own work.
    """
    author_id = case_study.author_id
    champions = [
        champion
        for champion in champions_of(session, case_study.organisation_id)
        if champion.id != author_id
    ]
    if champions:
        return champions, False
    admins = session.scalars(
        select(User)
        .where(User.role == Role.ADMIN, User.status == AccountStatus.ACTIVE, User.id != author_id)
        .order_by(User.id)
    )
    return list(admins), True


def _path(case_study: CaseStudy) -> str:
    return site_path("casestudies.show_case_study", slug=case_study.slug)


def tell_reviewers(session: Session, actor: Any, case_study: CaseStudy) -> None:
    """Tell the case study's reviewers that it waits for them."""
    reviewers, _ = reviewers_of(session, case_study)
    notify(
        session,
        reviewers,
        SUBMITTED,
        case_study,
        f"Case study to review: {case_study.title}",
        _path(case_study),
        actor=actor,
        can_view=can_view_case_study,
        excerpt=case_study.summary,
        mail_template=SUBMITTED,
        mail_context={"case_study": case_study},
    )


def tell_author(session: Session, actor: Any, case_study: CaseStudy, *, published: bool) -> None:
    """Tell the author that their case study was published, or returned with comments."""
    if published:
        kind, text = PUBLISHED, f"Your case study is published: {case_study.title}"
        excerpt = case_study.summary
    else:
        kind, text = RETURNED, f"Your case study needs changes: {case_study.title}"
        excerpt = case_study.review_comments
    notify(
        session,
        [case_study.author],
        kind,
        case_study,
        text,
        _path(case_study),
        actor=actor,
        can_view=can_view_case_study,
        excerpt=excerpt,
        mail_template=kind,
        mail_context={"case_study": case_study, "reviewer": actor},
    )

"""Who may do what with a case study, by role and workflow state.

| action           | draft (also returned) | submitted       | published       | archived |
|------------------|-----------------------|-----------------|-----------------|----------|
| view             | author, reviewers     | author, reviewers | everyone      | author, reviewers |
| edit             | author, reviewers     | reviewers       | reviewers       | nobody   |
| submit           | author, reviewers     | —               | —               | —        |
| publish / return | —                     | reviewers       | —               | —        |
| archive          | —                     | —               | reviewers       | —        |
| record reuse     | —                     | —               | other orgs' members | —    |

"Reviewers" are the active KM champions of the case study's organisation, and administrators.
Every actor must be an active account; anonymous visitors only ever read published ones.
"""

from __future__ import annotations

from typing import Any

from kmrg.casestudies.models import CaseStudy, CaseStudyStatus


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _is_admin(user: Any) -> bool:
    return _is_active(user) and bool(getattr(user, "is_admin", False))


def _is_author(user: Any, case_study: CaseStudy) -> bool:
    return _is_active(user) and case_study.author_id is not None and user.id == case_study.author_id


def is_reviewer_for(user: Any, case_study: CaseStudy) -> bool:
    """Tell whether `user` reviews the case study: an admin or a champion of its organisation."""
    if _is_admin(user):
        return True
    return (
        _is_active(user)
        and bool(getattr(user, "is_champion", False))
        and user.organisation_id is not None
        and user.organisation_id == case_study.organisation_id
    )


def can_create_case_study(user: Any) -> bool:
    """Active members with an organisation, and administrators, start case studies."""
    return _is_admin(user) or (_is_active(user) and user.organisation_id is not None)


def can_choose_any_organisation(user: Any) -> bool:
    """Administrators write case studies for any organisation; others for their own."""
    return _is_admin(user)


def can_view_case_study(user: Any, case_study: CaseStudy) -> bool:
    """Published ones are public; the rest are seen by author, organisation's champions, admins."""
    if case_study.status is CaseStudyStatus.PUBLISHED:
        return True
    return _is_author(user, case_study) or is_reviewer_for(user, case_study)


def is_case_study_public(case_study: CaseStudy) -> bool:
    """Tell whether the public may see the case study."""
    return case_study.status is CaseStudyStatus.PUBLISHED


def can_view_unpublished(user: Any) -> bool:
    """Tell whether `user` may ever see unpublished case studies (for the status filter)."""
    return _is_active(user)


def can_edit_case_study(user: Any, case_study: CaseStudy) -> bool:
    """The author edits a draft; the organisation's champions and admins edit until archived."""
    if case_study.status is CaseStudyStatus.ARCHIVED:
        return False
    if is_reviewer_for(user, case_study):
        return True
    return case_study.status is CaseStudyStatus.DRAFT and _is_author(user, case_study)


def can_view_history(user: Any, case_study: CaseStudy) -> bool:
    """Whoever may see the case study may see how it changed."""
    return can_view_case_study(user, case_study)


def can_submit_case_study(user: Any, case_study: CaseStudy) -> bool:
    """A draft goes to review by its author, or by a reviewer who prepared it."""
    if case_study.status is not CaseStudyStatus.DRAFT:
        return False
    return _is_author(user, case_study) or is_reviewer_for(user, case_study)


def can_review_case_study(user: Any, case_study: CaseStudy) -> bool:
    """A champion of the organisation or an administrator, never its author, reviews it."""
    return (
        case_study.status is CaseStudyStatus.SUBMITTED
        and is_reviewer_for(user, case_study)
        and not _is_author(user, case_study)
    )


def can_publish_case_study(user: Any, case_study: CaseStudy) -> bool:
    """Publishing is a review decision."""
    return can_review_case_study(user, case_study)


def can_return_case_study(user: Any, case_study: CaseStudy) -> bool:
    """Returning for changes is a review decision."""
    return can_review_case_study(user, case_study)


def can_archive_case_study(user: Any, case_study: CaseStudy) -> bool:
    """A champion of the organisation or an administrator archives a published case study."""
    return case_study.status is CaseStudyStatus.PUBLISHED and is_reviewer_for(user, case_study)


def can_see_review_comments(user: Any, case_study: CaseStudy) -> bool:
    """Review comments are between the author and the reviewers."""
    return _is_author(user, case_study) or is_reviewer_for(user, case_study)


def can_record_adaptation(user: Any, case_study: CaseStudy) -> bool:
    """A signed-in member of another organisation records reusing a published case study."""
    return (
        _is_active(user)
        and user.organisation_id is not None
        and user.organisation_id != case_study.organisation_id
        and is_case_study_public(case_study)
    )

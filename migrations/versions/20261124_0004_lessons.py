"""lessons: lessons, their themes, and "adapted here" records of case studies

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 18:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("driving_event", sa.Text(), nullable=False),
        sa.Column("driving_event_html", sa.Text(), nullable=False),
        sa.Column("lesson", sa.Text(), nullable=False),
        sa.Column("lesson_html", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.Column("recommendation_html", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_html", sa.Text(), nullable=False),
        sa.Column("applies_to", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("source_type", sa.String(length=40), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column(
            "stage",
            sa.Enum(
                "observation",
                "lesson",
                "validated",
                name="lessonstage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("draft", "published", name="lessonstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("promoted_by_id", sa.Integer(), nullable=True),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_lessons_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_lessons_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["promoted_by_id"],
            ["users.id"],
            name=op.f("fk_lessons_promoted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
    )
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lessons_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lessons_stage"), ["stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_lessons_status"), ["status"], unique=False)
        batch_op.create_index("ix_lessons_source", ["source_type", "source_id"], unique=False)

    op.create_table(
        "lesson_themes",
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_lesson_themes_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_lesson_themes_theme_id_themes")
        ),
        sa.PrimaryKeyConstraint("lesson_id", "theme_id", name=op.f("pk_lesson_themes")),
    )

    op.create_table(
        "case_study_adaptations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_study_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("what_changed", sa.Text(), nullable=False),
        sa.Column("what_changed_html", sa.Text(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("what_happened_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_study_id"],
            ["case_studies.id"],
            name=op.f("fk_case_study_adaptations_case_study_id_case_studies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_case_study_adaptations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_case_study_adaptations_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_study_adaptations")),
    )
    with op.batch_alter_table("case_study_adaptations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_study_adaptations_case_study_id"), ["case_study_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_study_adaptations_organisation_id"),
            ["organisation_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("case_study_adaptations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_study_adaptations_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_case_study_adaptations_case_study_id"))
    op.drop_table("case_study_adaptations")
    op.drop_table("lesson_themes")
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_index("ix_lessons_source")
        batch_op.drop_index(batch_op.f("ix_lessons_status"))
        batch_op.drop_index(batch_op.f("ix_lessons_stage"))
        batch_op.drop_index(batch_op.f("ix_lessons_organisation_id"))
    op.drop_table("lessons")

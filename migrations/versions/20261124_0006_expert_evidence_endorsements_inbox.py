"""experts: external profiles with consent, inferred-area decisions, endorsements; the inbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 19:16:49.363235

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("preferred_dates", sa.String(length=200), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=True),
        sa.Column("starter_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("recipient_email", sa.String(length=254), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("starter_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recipient_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["expert_profiles.id"],
            name=op.f("fk_conversations_profile_id_expert_profiles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name=op.f("fk_conversations_recipient_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["starter_id"],
            ["users.id"],
            name=op.f("fk_conversations_starter_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversations_last_message_at"), ["last_message_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversations_profile_id"), ["profile_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversations_recipient_id"), ["recipient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversations_starter_id"), ["starter_id"], unique=False
        )

    op.create_table(
        "expert_area_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["expert_profiles.id"],
            name=op.f("fk_expert_area_decisions_profile_id_expert_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_expert_area_decisions_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_area_decisions")),
        sa.UniqueConstraint(
            "profile_id", "theme_id", name=op.f("uq_expert_area_decisions_profile_id_theme_id")
        ),
    )
    with op.batch_alter_table("expert_area_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_area_decisions_profile_id"), ["profile_id"], unique=False
        )

    op.create_table(
        "expert_endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("area_key", sa.String(length=140), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(length=120), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["endorser_id"],
            ["users.id"],
            name=op.f("fk_expert_endorsements_endorser_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["expert_profiles.id"],
            name=op.f("fk_expert_endorsements_profile_id_expert_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_expert_endorsements_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_endorsements")),
        sa.UniqueConstraint(
            "profile_id",
            "endorser_id",
            "area_key",
            name=op.f("uq_expert_endorsements_profile_id_endorser_id_area_key"),
        ),
    )
    with op.batch_alter_table("expert_endorsements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_endorsements_endorser_id"), ["endorser_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_expert_endorsements_profile_id"), ["profile_id"], unique=False
        )

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["users.id"],
            name=op.f("fk_messages_sender_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_messages_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            "ix_messages_sender_id_created_at", ["sender_id", "created_at"], unique=False
        )

    with op.batch_alter_table("expert_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("external_name", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("external_email", sa.String(length=254), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "external_job_title", sa.String(length=120), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("external_organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("managed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consent_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("consent_recorded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_expert_profiles_managed_by_id"), ["managed_by_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_expert_profiles_managed_by_id_users"),
            "users",
            ["managed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_expert_profiles_external_organisation_id_organisations"),
            "organisations",
            ["external_organisation_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "member_or_consenting_person",
            "user_id IS NOT NULL OR (external_name <> '' AND consent_recorded_at IS NOT NULL)",
        )

    # The defaults only filled existing rows; new rows get theirs from the models.
    with op.batch_alter_table("expert_profiles", schema=None) as batch_op:
        for column in ("external_name", "external_email", "external_job_title", "consent_note"):
            batch_op.alter_column(column, server_default=None)


def downgrade():
    # Profiles of people without an account cannot exist in the older schema.
    op.execute("DELETE FROM expert_profiles WHERE user_id IS NULL")
    with op.batch_alter_table("expert_profiles", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_expert_profiles_member_or_consenting_person"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_expert_profiles_external_organisation_id_organisations"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_expert_profiles_managed_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_expert_profiles_managed_by_id"))
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("consent_recorded_at")
        batch_op.drop_column("consent_note")
        batch_op.drop_column("managed_by_id")
        batch_op.drop_column("external_organisation_id")
        batch_op.drop_column("external_job_title")
        batch_op.drop_column("external_email")
        batch_op.drop_column("external_name")
        batch_op.drop_column("reminded_at")

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_sender_id_created_at")
        batch_op.drop_index(batch_op.f("ix_messages_conversation_id"))

    op.drop_table("messages")
    with op.batch_alter_table("expert_endorsements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_endorsements_profile_id"))
        batch_op.drop_index(batch_op.f("ix_expert_endorsements_endorser_id"))

    op.drop_table("expert_endorsements")
    with op.batch_alter_table("expert_area_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_area_decisions_profile_id"))

    op.drop_table("expert_area_decisions")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_starter_id"))
        batch_op.drop_index(batch_op.f("ix_conversations_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_conversations_profile_id"))
        batch_op.drop_index(batch_op.f("ix_conversations_last_message_at"))

    op.drop_table("conversations")

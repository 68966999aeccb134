"""experts: expert profiles, their expertise areas and languages

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 20:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PROVINCES = ("EC", "FS", "GP", "KZN", "LP", "MP", "NC", "NW", "WC")
LANGUAGES = ("af", "en", "nr", "xh", "zu", "nso", "st", "tn", "ss", "ve", "ts", "sasl")


def _contact_visibility() -> sa.Enum:
    return sa.Enum("members", "nobody", name="contactvisibility", native_enum=False, length=20)


def upgrade():
    op.create_table(
        "expert_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("biography", sa.Text(), nullable=False),
        sa.Column("biography_html", sa.Text(), nullable=False),
        sa.Column(
            "province",
            sa.Enum(*PROVINCES, name="province", native_enum=False, length=3),
            nullable=True,
        ),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email_visibility", _contact_visibility(), nullable=False),
        sa.Column("phone_visibility", _contact_visibility(), nullable=False),
        sa.Column(
            "preferred_channel",
            sa.Enum("email", "phone", "hub", name="contactchannel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "visibility",
            sa.Enum(
                "hidden",
                "members",
                "public",
                name="profilevisibility",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("offers_peer_assist", sa.Boolean(), nullable=False),
        sa.Column("offers_mentoring", sa.Boolean(), nullable=False),
        sa.Column("offers_speaking", sa.Boolean(), nullable=False),
        sa.Column("offers_site_visits", sa.Boolean(), nullable=False),
        sa.Column("offers_reviewing", sa.Boolean(), nullable=False),
        sa.Column("days_per_quarter", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_expert_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_profiles")),
        sa.UniqueConstraint("slug", name=op.f("uq_expert_profiles_slug")),
        sa.UniqueConstraint("user_id", name=op.f("uq_expert_profiles_user_id")),
    )
    with op.batch_alter_table("expert_profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_profiles_province"), ["province"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_expert_profiles_visibility"), ["visibility"], unique=False
        )

    op.create_table(
        "expert_expertise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(length=120), nullable=True),
        sa.Column(
            "level",
            sa.Enum(
                "working_knowledge",
                "practitioner",
                "authority",
                name="expertiselevel",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["expert_profiles.id"],
            name=op.f("fk_expert_expertise_profile_id_expert_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_expert_expertise_theme_id_themes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_expertise")),
    )
    with op.batch_alter_table("expert_expertise", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_expertise_profile_id"), ["profile_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_expert_expertise_theme_id"), ["theme_id"], unique=False
        )

    op.create_table(
        "expert_languages",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column(
            "language",
            sa.Enum(*LANGUAGES, name="language", native_enum=False, length=10),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["expert_profiles.id"],
            name=op.f("fk_expert_languages_profile_id_expert_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "language", name=op.f("pk_expert_languages")),
    )
    with op.batch_alter_table("expert_languages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_languages_language"), ["language"], unique=False
        )


def downgrade():
    with op.batch_alter_table("expert_languages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_languages_language"))
    op.drop_table("expert_languages")
    with op.batch_alter_table("expert_expertise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_expertise_theme_id"))
        batch_op.drop_index(batch_op.f("ix_expert_expertise_profile_id"))
    op.drop_table("expert_expertise")
    with op.batch_alter_table("expert_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_profiles_visibility"))
        batch_op.drop_index(batch_op.f("ix_expert_profiles_province"))
    op.drop_table("expert_profiles")

"""attachments: text extracted in the background, with its status, tries and time

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 22:30:00

Attachments already stored had their text extracted during the upload: they are "done".
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "extraction_status",
                sa.Enum(
                    "pending",
                    "done",
                    "partial",
                    "failed",
                    name="extractionstatus",
                    native_enum=False,
                    length=10,
                ),
                server_default="done",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("extraction_attempts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_attachments_extraction_status", ["extraction_status"], unique=False
        )


def downgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_extraction_status")
        batch_op.drop_column("extracted_at")
        batch_op.drop_column("extraction_attempts")
        batch_op.drop_column("extraction_status")

"""case studies: case studies, their themes, owners and contacts, and revisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_studies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=90), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=True),
    sa.Column('end_year', sa.Integer(), nullable=True),
    sa.Column('period_note', sa.String(length=120), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('context_html', sa.Text(), nullable=False),
    sa.Column('challenge', sa.Text(), nullable=False),
    sa.Column('challenge_html', sa.Text(), nullable=False),
    sa.Column('approach', sa.Text(), nullable=False),
    sa.Column('approach_html', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('results_html', sa.Text(), nullable=False),
    sa.Column('lessons_learned', sa.Text(), nullable=False),
    sa.Column('lessons_learned_html', sa.Text(), nullable=False),
    sa.Column('links', sa.Text(), nullable=False),
    sa.Column('links_html', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'published', 'archived', name='casestudystatus', native_enum=False, length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_comments', sa.Text(), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_studies_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_case_studies_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_case_studies_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_studies')),
    sa.UniqueConstraint('slug', name=op.f('uq_case_studies_slug'))
    )
    with op.batch_alter_table('case_studies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_studies_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_studies_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_studies_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_studies_status'), ['status'], unique=False)

    op.create_table('case_study_themes',
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_studies.id'], name=op.f('fk_case_study_themes_case_study_id_case_studies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_case_study_themes_theme_id_themes')),
    sa.PrimaryKeyConstraint('case_study_id', 'theme_id', name=op.f('pk_case_study_themes'))
    )
    op.create_table('case_study_owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('external_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('is_contact', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_studies.id'], name=op.f('fk_case_study_owners_case_study_id_case_studies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_study_owners_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_study_owners'))
    )
    with op.batch_alter_table('case_study_owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_owners_case_study_id'), ['case_study_id'], unique=False)

    op.create_table('case_study_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_studies.id'], name=op.f('fk_case_study_revisions_case_study_id_case_studies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_case_study_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_study_revisions')),
    sa.UniqueConstraint('case_study_id', 'number', name=op.f('uq_case_study_revisions_case_study_id_number'))
    )
    with op.batch_alter_table('case_study_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_revisions_case_study_id'), ['case_study_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_study_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_revisions_case_study_id'))

    op.drop_table('case_study_revisions')
    with op.batch_alter_table('case_study_owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_owners_case_study_id'))

    op.drop_table('case_study_owners')
    op.drop_table('case_study_themes')
    with op.batch_alter_table('case_studies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_studies_status'))
        batch_op.drop_index(batch_op.f('ix_case_studies_published_at'))
        batch_op.drop_index(batch_op.f('ix_case_studies_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_case_studies_author_id'))

    op.drop_table('case_studies')

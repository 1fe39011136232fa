"""attachments of assessment notes: a client document may belong to a case note

``client_document.case_note_id`` (optional): a genogram, an ecomap, a test sheet attached to
an assessment note, read only by whom may read that note. No existing row is changed (the
kind "Lampiran asesmen" is added by the first attachment, or by the demo, when missing).

Revision ID: 0019_assessment_attachments
Revises: 0018_number_at_admission
Create Date: 2026-11-30 18:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019_assessment_attachments'
down_revision = '0018_number_at_admission'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_note_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_client_document_case_note_id'), ['case_note_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_client_document_case_note_id_case_note'),
                                    'case_note', ['case_note_id'], ['id'])


def downgrade():
    # Attachments stay as documents of the client's file, no longer tied to a note: from then
    # on they are read by whom reads the client's documents (the admin too).
    with op.batch_alter_table('client_document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_client_document_case_note_id_case_note'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_client_document_case_note_id'))
        batch_op.drop_column('case_note_id')

"""documents on a client's file, and their kinds

Creates ``document_type`` (with the kinds every panti keeps: the selection's four letters,
KTP, KK, the assessment report, the termination letter) and ``client_document``. No existing
row is changed.

Revision ID: 0015_client_documents
Revises: 0014_assessment_tools
Create Date: 2026-11-30 15:50:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0015_client_documents'
down_revision = '0014_assessment_tools'
branch_labels = None
depends_on = None

# As services/documents.DEFAULT_TYPES was when this migration was written.
KINDS = (
    "Surat keterangan sehat (dokter pemerintah/Puskesmas)",
    "Surat rujukan Dinas Sosial",
    "Surat keterangan Kepala Desa/Kelurahan",
    "Surat persetujuan keluarga",
    "KTP",
    "Kartu Keluarga",
    "Laporan asesmen",
    "Surat pernyataan terminasi",
)


def upgrade():
    document_type = op.create_table(
        'document_type',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_type')),
        sa.UniqueConstraint('name', name=op.f('uq_document_type_name')),
    )
    op.create_table(
        'client_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('type_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=80), nullable=True),
        sa.Column('issued_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('file', sa.String(length=255), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'],
                                name=op.f('fk_client_document_client_id_client')),
        sa.ForeignKeyConstraint(['type_id'], ['document_type.id'],
                                name=op.f('fk_client_document_type_id_document_type')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_client_document_uploaded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_document')),
    )
    op.create_index(op.f('ix_client_document_client_id'), 'client_document', ['client_id'])
    op.create_index(op.f('ix_client_document_type_id'), 'client_document', ['type_id'])
    now = datetime.now(timezone.utc)
    op.bulk_insert(document_type, [
        {"name": name, "position": position * 10, "active": True, "row_version": 1,
         "created_at": now, "updated_at": now}
        for position, name in enumerate(KINDS, start=1)])


def downgrade():
    op.drop_index(op.f('ix_client_document_type_id'), table_name='client_document')
    op.drop_index(op.f('ix_client_document_client_id'), table_name='client_document')
    op.drop_table('client_document')
    op.drop_table('document_type')

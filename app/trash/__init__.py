"""The trash: organisations, contacts, meetings and follow-ups that were deleted, and restoring
them. Owns no tables; the `deleted_at` columns and the filter that hides deleted rows are in
app/common/soft_delete.py."""

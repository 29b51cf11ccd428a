"""Ofsted's Annex A, List 1 (area SEND inspections) as pure functions: each child's row from the
log (list1.py) and the open validation rules for the list (checks.py); docs/formats.md."""

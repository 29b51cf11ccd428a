"""The SEN2 return (DfE person-level census) as pure functions: the records on a census day
(census.py), the checks to fix before submitting (checks.py), CeaseReason codes (cease.py)."""

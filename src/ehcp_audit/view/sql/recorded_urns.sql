-- Every setting URN the compliance rows hold.
SELECT DISTINCT school_urn
FROM compliance
WHERE school_urn IS NOT NULL
ORDER BY school_urn;

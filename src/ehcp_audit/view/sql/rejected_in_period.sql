SELECT imported_at, source, "row", error
FROM rejected_rows
WHERE imported_on >= $start AND imported_on <= $end
ORDER BY imported_at, source, "row";

SELECT count(*) AS rejected FROM rejected_rows;

"""Orders a platform reports: a batch is ingested (``ingest``), checked row by row (``checks``), stored
as Parquet files that the assessment reads (``files``), and read back by the pages and the API
(``selectors``)."""

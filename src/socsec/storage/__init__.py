"""The data files under the data dir as a whole: which files the database's manifests name (``named``),
checking them (``verify``), sweeping what no manifest names (``sweep``), and backups of the database with
its files (``backup``)."""

"""Partner extracts in: formats as data, row-by-row validation, all-or-nothing batches and a
quarantine of rejected rows."""

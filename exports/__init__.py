"""Data out: CSV and XLSX exports with data dictionaries, de-identified and funder-style exports."""

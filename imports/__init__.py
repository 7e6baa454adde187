"""Data in: spreadsheet import of participants, contacts and assessments with a dry run."""

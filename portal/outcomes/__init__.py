"""The participant's own SUPRT-C (federal outcome questions), answered in the portal."""

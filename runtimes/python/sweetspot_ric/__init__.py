"""The pieces of sweetspot's Python runtime interface client (see ../bootstrap.py)."""

"""Village poverty data: built by its own issue."""

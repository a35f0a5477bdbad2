"""Karang Taruna registry: built by its own issue."""

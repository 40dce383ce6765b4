"""Catalog queries of the deploy layer."""

"""Objectives built at run time from what the user typed."""

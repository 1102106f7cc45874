"""Markdown and JSON exports: pure functions from models to text."""

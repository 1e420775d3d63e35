"""Widgets that compute in the browser: plain JS/CSS files as package data, mounted with Components v2."""

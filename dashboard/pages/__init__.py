"""Dash pages of the investigator dashboard, one module a page."""

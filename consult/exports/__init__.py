"""Exports of the analysed comments, per axis and for the whole consultation: CSV, XLSX, JSON."""

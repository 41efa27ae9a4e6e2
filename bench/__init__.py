"""Benchmarks of consult's hot paths under gunicorn, with the data generator they run on."""

"""Build machinery behind build.py: standard library only, so a bare Python can run it."""

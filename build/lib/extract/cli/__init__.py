"""The command line: a thin typer shell over the library (the only package importing typer)."""

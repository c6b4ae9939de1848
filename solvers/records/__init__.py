"""What a run leaves behind: rows as the book prints them, CSV or JSON, the saved
run that repeats it, the standalone script, a compare's table."""

"""The govkg command line."""

"""One module per panel or dialog of the main window."""

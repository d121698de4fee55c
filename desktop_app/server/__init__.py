"""The local matching API (`standardq serve`): FastAPI over the shop store, a thin caller of the core
like the CLI and the GUI."""

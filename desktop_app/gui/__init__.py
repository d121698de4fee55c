"""The PySide6 desktop application. Everything Qt lives here; `desktop_app.core` never imports it."""

"""Use cases that the GUI, the CLI and the coming server share: each written once, here.

The front ends only turn their input into a call and the result into pixels, text or JSON.
Every function takes a Store (or a data directory for child processes) and a shop id, and
reports progress through a `Reporter`; none imports Qt.

- `matching`: open a shop's matcher, creating its untuned model first.
- `versions`: a version's top-1, the edits since it was trained.
- `quality`: evaluate a version, run the data doctor, read a labelled test file.
- `shops`: delete a shop with its model files.

Per-shop settings live in `core.shop_settings` (one validated object, one update path).
"""

"""StandardQ: match consumer questions to a shop's standard questions."""

import os

__version__ = "0.1.0"

# transformers 5 loads every model through Hugging Face's `kernels` (GPU kernels fetched from the
# Hub) unless told not to, and fails where kernels is absent, as in the desktop bundle. StandardQ
# runs on the CPU and offline: set here, before any module (or job child) imports transformers.
os.environ.setdefault("USE_HUB_KERNELS", "NO")

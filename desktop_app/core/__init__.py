"""Qt-free core: store, encoders, training, export, index and matching."""

"""Claims about the neural operators (``sciml.operators``)."""

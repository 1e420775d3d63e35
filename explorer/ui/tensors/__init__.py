"""The tensors-and-kernels page's pieces: its URL table, its sections and the in-browser sliding window."""

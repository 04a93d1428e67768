"""The NumPy reference linker."""

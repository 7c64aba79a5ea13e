"""The terminal surface: `aiguide ask` and `aiguide chat`."""

"""Platform-neutral commands: each takes a Request and Services and returns a Reply."""

"""Web pages `aiguide serve` offers next to its chat endpoints."""

"""Stand-ins for the far side of the wire: real local HTTP servers speaking the platforms' formats."""

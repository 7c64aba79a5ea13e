"""The Slack surface: bolt listeners, payload → Request, Reply → Block Kit."""

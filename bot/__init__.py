"""The edge: the only package that knows Slack, Teams, HTTP, the console and the clock."""

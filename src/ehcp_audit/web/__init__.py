"""The web application: `ehcp-audit serve` (app.create_app)."""

"""The gates, grouped by kind. Each gate's forward and backward stand together in one class."""

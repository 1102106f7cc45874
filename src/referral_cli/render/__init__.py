"""Rich views: pure functions from models to renderables."""

"""sitegen: a static website for the OpenRouter model catalog."""

__version__ = "0.1.0"

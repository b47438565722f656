"""diaspora-roadmaps: YAML roadmaps for working with diasporas, published as a multilingual site."""

__version__ = "0.1.0"

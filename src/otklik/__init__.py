"""otklik: a social customer-care desk."""

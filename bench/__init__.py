"""Benchmarks of otklik: durable webhook ingest, bulk import and inbox page latency.

Run ``make bench`` (``python -m bench``); ``python -m bench --help`` lists the options.
These are measurements that print figures, not timed tests: nothing here fails on a slow
machine, and every figure is printed beside the target it is meant to be read against.
"""

"""Held-out benchmark documents for the supply-plan extractor (see ``documents.py``).

These documents were written after the extractor was tuned and are never used to tune
it: ``bench/bench_extract_accuracy.py`` measures the extractor on them.
"""

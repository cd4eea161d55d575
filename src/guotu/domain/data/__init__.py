"""Package data of guotu.domain: classification tables (provenance in README.md)."""

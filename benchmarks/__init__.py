"""Benchmarks of the figures the issue asks for (B1–B5); `make bench` runs them all."""

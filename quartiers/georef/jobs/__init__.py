"""Batch georeferencing jobs run by the task queue (huey): see docs/jobs.md."""

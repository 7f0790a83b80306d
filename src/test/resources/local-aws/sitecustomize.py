"""Run by Python at start-up in the moto_server that LocalAws starts, which puts this
directory on PYTHONPATH.

Ctrl-C in a terminal signals every process of the foreground job, and would stop this
moto_server while the worker it serves is still stopping its listener: moto leaves the job
for a process group of its own, and LocalAws stops it once the worker has stopped.

moto keeps every bucket, message and item as Python objects, so the cyclic collector's
full collections pause all of its requests, for 70 to 160 ms in a 90-second drill and
longer as the objects grow, every 10 to 20 s: a test would read that pause as the worker's
latency. Reference counting still frees moto's garbage at once; full collections run a
hundredth as often.
"""
import gc
import os

gc.set_threshold(700, 10, 1000)
os.setpgrp()

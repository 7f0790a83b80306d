"""moto_server with the CPU time of each request counted by kind (see ./moto-cpu-server).

Each request runs on its own werkzeug thread, so the thread's CPU time around the WSGI app
is that request's cost in moto itself (HTTP parsing by werkzeug excluded). The table is
rewritten every 100 requests and on SIGTERM: kind, requests, total ms, ms per request.
"""
import collections
import io
import os
import signal
import sys
import threading
import time
import urllib.parse

import moto.server

OUT = os.environ.get("MOTO_CPU_OUT", f"/tmp/moto-cpu-{os.getpid()}.tsv")
stats = collections.defaultdict(lambda: [0, 0.0])
lock = threading.Lock()


def kind(environ):
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:  # JSON protocols: DynamoDB, SQS
        return target.rsplit(".", 1)[-1]
    method = environ["REQUEST_METHOD"]
    if method == "POST":  # query protocol (SNS, SQS from older clients): Action= in the body
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        action = urllib.parse.parse_qs(body.decode("latin-1")).get("Action", ["?"])[0]
        return "POST " + action
    segments = environ.get("PATH_INFO", "/").strip("/").split("/")
    return f"S3 {method} {'object' if len(segments) > 1 else 'bucket'} in {segments[0]}"


def write():
    with lock:
        rows = sorted(stats.items(), key=lambda item: -item[1][1])
        with open(OUT, "w") as out:
            out.write("request\tcount\ttotal_ms\tms_per_request\n")
            for name, (count, seconds) in rows:
                out.write(f"{name}\t{count}\t{seconds * 1000:.0f}\t{seconds * 1000 / count:.2f}\n")


def counted(app):
    def application(environ, start_response):
        name = kind(environ)
        start = time.thread_time()
        try:
            return list(app(environ, start_response))
        finally:
            with lock:
                entry = stats[name]
                entry[0] += 1
                entry[1] += time.thread_time() - start
                total = sum(count for count, _ in stats.values())
            if total % 100 == 0:
                write()
    return application


serve = moto.server.run_simple


def run_simple(host, port, app, *args, **kwargs):
    return serve(host, port, counted(app), *args, **kwargs)


moto.server.run_simple = run_simple
signal.signal(signal.SIGTERM, lambda *_: (write(), sys.exit(0)))
sys.argv[0] = "moto_server"
sys.exit(moto.server.main())

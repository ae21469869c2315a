#!/usr/bin/env python3
"""Healthcheck of the worker container (`ckan jobs worker`).

Exits 0 when a jobs worker running in this container (same host name) is
registered in Redis, 1 otherwise. RQ registers each worker in Redis with its
host name and keeps the entry alive with a heartbeat; the entry goes when the
worker stops or stops beating, and the check fails as well when Redis cannot
be reached. It needs only CKAN_REDIS_URL, not CKAN itself, so it is cheap to
run every 30 seconds.
"""
import os
import socket
import sys

from redis import Redis
from rq import Worker


def main() -> int:
    url = os.environ.get("CKAN_REDIS_URL", "")
    if not url:
        print("unhealthy: CKAN_REDIS_URL is not set")
        return 1
    try:
        connection = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        workers = Worker.all(connection=connection)
    except Exception as error:  # any failure to ask Redis means unhealthy
        print(f"unhealthy: cannot read the workers from Redis: {error}")
        return 1
    host = socket.gethostname()
    mine = [worker.name for worker in workers if worker.hostname == host]
    if not mine:
        print(f"unhealthy: no jobs worker of host {host} is registered in Redis")
        return 1
    print(f"healthy: jobs worker {', '.join(mine)} on {host}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The Dask side of `deno task bench`: the same workload shapes on a fresh
Dask LocalCluster, run by Debian's system interpreter (/usr/bin/python3 with
python3-distributed).

Usage: /usr/bin/python3 bench/dask_bench.py WORKLOAD SIZE RUNS

Prints one JSON line: {"values": [...], "cluster": "..."}, the first value
measured on the freshly started cluster (cold), the others after it (warm).
Rates are tasks/s; the round trip is ms per round trip.
"""
import json
import logging
import sys
import time

from concurrent.futures import CancelledError

from dask.distributed import Client, LocalCluster, wait


def concat(a, b):
    return a + b


def inc(x):
    return x + 1


def independent(client, n):
    start = time.perf_counter()
    futures = [client.submit(concat, b"Hello ", b"world!", pure=False) for _ in range(n)]
    wait(futures)
    return n / (time.perf_counter() - start)


def tree(client, n):
    """A binary concat tree over n + 1 leaves: exactly n concat tasks."""
    start = time.perf_counter()
    leaf = client.scatter(b"x")
    level = [leaf] * (n + 1)
    while len(level) > 1:
        nxt = [client.submit(concat, level[i], level[i + 1], pure=False)
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    if len(level[0].result()) != n + 1:
        raise RuntimeError("wrong tree result")
    return n / (time.perf_counter() - start)


def round_trips(client, rounds):
    start = time.perf_counter()
    for _ in range(rounds):
        if len(client.submit(concat, b"Hello ", b"Hello ", pure=False).result()) != 12:
            raise RuntimeError("wrong result")
    return (time.perf_counter() - start) * 1000 / rounds


def remote(client, n):
    start = time.perf_counter()
    client.gather(client.map(inc, range(n), pure=False))
    return n / (time.perf_counter() - start)


# Workload: (function, workers, threads per worker), the shapes of Rain's side.
WORKLOADS = {
    "independent": (independent, 1, 2),
    "tree": (tree, 4, 1),
    "roundtrip": (round_trips, 1, 2),
    "remote": (remote, 2, 1),
}

if __name__ == "__main__":
    name, size, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    run, workers, threads = WORKLOADS[name]
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    client = Client(cluster)
    def measure():
        # On a heavily loaded machine Dask now and then cancels a graph (seen with the tree):
        # that run is measured again rather than losing the whole baseline.
        try:
            return run(client, size)
        except CancelledError as e:
            print(f"dask: a run was cancelled ({e}); measuring it again", file=sys.stderr)
            return run(client, size)

    try:
        values = [measure() for _ in range(runs)]
    finally:
        client.close()
        cluster.close()
    print(json.dumps({
        "values": values,
        "cluster": f"LocalCluster({workers} worker{'s' if workers > 1 else ''} x {threads} thread{'s' if threads > 1 else ''})",
    }))

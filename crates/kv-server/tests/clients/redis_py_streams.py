"""The consumer-group worker pattern, with redis-py as applications use it:
XADD with an approximate MAXLEN, XGROUP CREATE MKSTREAM (a second create is
BUSYGROUP), XREADGROUP ">" with BLOCK woken by an XADD from another
connection, XACK, XPENDING, and XAUTOCLAIM recovering the entries another
consumer left unacknowledged. Usage: redis_py_streams.py PORT PROTOCOL.
Prints "ok" when everything held."""

import sys
import threading
import time

import redis

port, protocol = int(sys.argv[1]), int(sys.argv[2])


def connect():
    return redis.Redis(port=port, protocol=protocol, decode_responses=True)


def entries(reply, stream):
    """XREADGROUP's entries for `stream`, as (id, fields) pairs, whichever
    shape redis-py gives for the protocol."""
    if isinstance(reply, dict):
        found = reply.get(stream, [])
        # RESP3: {stream: [entries]} or {stream: [[entries]]}
        if len(found) == 1 and found[0] and isinstance(found[0][0], (list, tuple)):
            found = found[0]
        return [tuple(e) for e in found]
    for name, found in reply or []:
        if name == stream:
            return [tuple(e) for e in found]
    return []


r = connect()
r.delete("jobs", "fresh")

# Producer: approximate trimming keeps everything this small stream holds.
ids = [r.xadd("jobs", {"n": str(i)}, maxlen=1000, approximate=True) for i in range(50)]
assert r.xlen("jobs") == 50

r.xgroup_create("jobs", "workers", id="0", mkstream=True)
try:
    r.xgroup_create("jobs", "workers", id="0", mkstream=True)
    raise AssertionError("a second XGROUP CREATE was accepted")
except redis.ResponseError as e:
    assert str(e).startswith("BUSYGROUP"), e
r.xgroup_create("fresh", "g", id="$", mkstream=True)
assert r.exists("fresh") == 1 and r.xlen("fresh") == 0

# Consumer a takes everything, acknowledges 40 and leaves 10 pending.
got = entries(r.xreadgroup("workers", "a", {"jobs": ">"}, count=100), "jobs")
assert [e[0] for e in got] == ids, got[:3]
assert got[7][1] == {"n": "7"}, got[7]
assert r.xack("jobs", "workers", *ids[:40]) == 40
summary = r.xpending("jobs", "workers")
assert summary["pending"] == 10, summary
assert summary["min"] == ids[40] and summary["max"] == ids[49], summary
assert [(c["name"], int(c["pending"])) for c in summary["consumers"]] == [("a", 10)], summary

# Consumer b blocks for new work; another connection produces it.
result = {}


def wait_for_work():
    result["reply"] = connect().xreadgroup("workers", "b", {"jobs": ">"}, count=1, block=10000)


worker = threading.Thread(target=wait_for_work)
worker.start()
deadline = time.time() + 10
while int(r.info("clients")["blocked_clients"]) < 1:
    assert time.time() < deadline, "the worker never blocked"
    time.sleep(0.01)
late = connect().xadd("jobs", {"n": "late"}, maxlen=1000, approximate=True)
worker.join(10)
assert not worker.is_alive(), "the worker was not woken"
assert entries(result["reply"], "jobs") == [(late, {"n": "late"})], result
assert r.xack("jobs", "workers", late) == 1

# a's 10 entries idle; consumer c claims them after 50 ms.
time.sleep(0.1)
claimed = r.xautoclaim("jobs", "workers", "c", min_idle_time=50, start_id="0-0", count=100)
claimed_ids = [e[0] for e in claimed[1]]
assert claimed_ids == ids[40:], claimed
detail = r.xpending_range("jobs", "workers", min="-", max="+", count=100, consumername="c")
assert [d["message_id"] for d in detail] == ids[40:], detail
assert all(int(d["times_delivered"]) == 2 for d in detail), detail
assert r.xack("jobs", "workers", *claimed_ids) == 10
assert r.xpending("jobs", "workers")["pending"] == 0
print("ok")

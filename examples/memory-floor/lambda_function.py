"""A function with a memory floor: it keeps a lookup table of a few hundred MB
in memory (built on its first invoke and reused while the environment stays
warm, as a function caching a model or a dataset does), answers a lookup from
it and then waits on a downstream call. Below the table's size it runs out of
memory, whatever the CPU; above it, more memory buys little, so the cheapest
size is the smallest that fits."""
import time

_table = None


def lambda_handler(event, context):
    global _table
    table_mb = int(event.get("table_mb", 300))
    if _table is None or len(_table) != table_mb << 20:
        # bytes * n fills every page (a zeroed bytearray would not touch them).
        _table = bytearray(b"\x5a") * (table_mb << 20)
    key = int(event.get("key", 12345)) % len(_table)
    value = _table[key]
    time.sleep(float(event.get("wait_ms", 100)) / 1000)  # the downstream call
    return {"statusCode": 200, "table_mb": table_mb, "value": value,
            "memory_limit_in_mb": context.memory_limit_in_mb}

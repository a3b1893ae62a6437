"""Opens N TCP connections to an echo server at once, then has every one send its own payload and checks
that exactly that payload comes back before the server's FIN. Prints one JSON line; exit 0 iff all verified.

usage: tcp_many_echo.py HOST PORT CONNECTIONS PAYLOAD_BYTES TIMEOUT_SECONDS
"""
import asyncio
import hashlib
import json
import resource
import sys
import time


def payload(i, size):
    # Distinct per connection, so that crossed streams would be caught.
    out = bytearray()
    block = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d:%d" % (i, block)).digest()
        block += 1
    return bytes(out[:size])


async def main(host, port, n, size, timeout):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 1024), hard))
    t0 = time.monotonic()
    all_open = asyncio.Event()
    opened = 0
    failures = []

    async def one(i):
        nonlocal opened
        reader = writer = None
        try:
            reader, writer = await asyncio.open_connection(host, port)
            opened += 1
            if opened == n:
                all_open.set()
            await all_open.wait()  # every connection is established before any sends: simultaneous
            data = payload(i, size)
            writer.write(data)
            await writer.drain()
            writer.write_eof()
            got = await reader.read(-1)  # until the server's FIN
            if got != data:
                failures.append({"conn": i, "sent": len(data), "got": len(got)})
                return False
            return True
        except Exception as e:  # noqa: BLE001 - every failure is reported, with its connection
            failures.append({"conn": i, "error": repr(e)})
            all_open.set()  # do not let the others wait for a connection that will never open
            return False
        finally:
            if writer is not None:
                writer.close()

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    t_open = None

    async def watch_open():
        nonlocal t_open
        await all_open.wait()
        t_open = time.monotonic() - t0

    watcher = asyncio.create_task(watch_open())
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for t in pending:
        t.cancel()
    watcher.cancel()
    verified = sum(1 for t in done if not t.cancelled() and t.exception() is None and t.result())
    result = {
        "connections": n, "opened": opened, "verified": verified, "timed_out": len(pending),
        "open_seconds": t_open, "total_seconds": time.monotonic() - t0, "failures": failures[:10],
    }
    print(json.dumps(result), flush=True)
    return 0 if verified == n else 1


if __name__ == "__main__":
    h, p, c, s, t = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    sys.exit(asyncio.run(main(h, p, c, s, t)))

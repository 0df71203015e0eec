#!/usr/bin/env python3
"""holdproxy: a TCP proxy on 127.0.0.1 in front of a real IMAP server that passes
everything at once until a client sends APPEND; from then on what that client sends
reaches the server HOLD seconds late, all of it and in order — data in flight on a slow
network, still on its way when the client that sent it is killed. The server's answers
pass at once. When a connection first sends APPEND, MARK is created (the test's cue to
kill the client).
    usage: holdproxy.py LISTEN_PORT UPSTREAM_PORT HOLD MARK"""
import asyncio
import sys

lport, up, hold, mark = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]


async def client_to_server(r, w):
    loop = asyncio.get_running_loop()
    q = asyncio.Queue()
    held = False

    async def sender():
        while True:
            t, d = await q.get()
            if d is None:
                break
            dt = t + hold - loop.time()
            if dt > 0:
                await asyncio.sleep(dt)
            w.write(d)
            await w.drain()
        w.close()

    s = asyncio.ensure_future(sender())
    while True:
        try:
            d = await r.read(65536)
        except ConnectionError:
            d = b""
        if d and not held and b"APPEND" in d.upper():
            held = True
            open(mark, "w").close()
        # Before APPEND nothing waits: the login and the folder's selection go through
        # at once; from the APPEND on every byte is held.
        await q.put((loop.time() if held else loop.time() - hold, d if d else None))
        if not d:
            break
    await s


async def server_to_client(r, w):
    try:
        while True:
            d = await r.read(65536)
            if not d:
                break
            w.write(d)
            await w.drain()
    except ConnectionError:
        pass
    w.close()


async def handle(cr, cw):
    ur, uw = await asyncio.open_connection("127.0.0.1", up)
    await asyncio.gather(client_to_server(cr, uw), server_to_client(ur, cw),
                         return_exceptions=True)


async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", lport)
    async with srv:
        await srv.serve_forever()

asyncio.run(main())

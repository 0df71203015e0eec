#!/usr/bin/env python3
"""delay_proxy: a TCP proxy on 127.0.0.1 that delays every chunk by DELAY seconds in each
direction (RTT = 2 x DELAY), to measure round-trip-bound protocols without touching the
shared loopback interface (no tc/netem).   usage: delay_proxy.py LISTEN_PORT UPSTREAM_PORT DELAY"""
import asyncio, sys
lport, up, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
async def pump(r, w):
    q = asyncio.Queue()
    async def sender():
        while True:
            t, d = await q.get()
            if d is None: break
            dt = t + delay - asyncio.get_event_loop().time()
            if dt > 0: await asyncio.sleep(dt)
            w.write(d); await w.drain()
        w.close()
    s = asyncio.ensure_future(sender())
    while True:
        d = await r.read(65536)
        await q.put((asyncio.get_event_loop().time(), d if d else None))
        if not d: break
    await s
async def handle(cr, cw):
    ur, uw = await asyncio.open_connection("127.0.0.1", up)
    await asyncio.gather(pump(cr, uw), pump(ur, cw), return_exceptions=True)
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", lport)
    async with srv: await srv.serve_forever()
asyncio.run(main())

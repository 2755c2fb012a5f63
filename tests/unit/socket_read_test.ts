/**
 * Socket reads through the runtime's read op (and the public
 * `Deno.Conn.read` fallback): bytes arrive intact, end of stream reads as 0,
 * a closed connection rejects the pending read.
 */

import { assertEquals, assertRejects, assertTrue } from "../helpers/assert.ts";
import { readsDirectly, socketReader } from "../../src/server/socket_read.ts";

async function connectedPair(): Promise<{ server: Deno.Conn; client: Deno.Conn; close(): void }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({
    hostname: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
  });
  const server = await listener.accept();
  listener.close();
  return {
    server,
    client,
    close() {
      for (const c of [server, client]) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
    },
  };
}

/** Only the public API: what socketReader sees on a runtime without the internals. */
function publicOnly(conn: Deno.Conn): Deno.Conn {
  return { read: (b: Uint8Array) => conn.read(b) } as unknown as Deno.Conn;
}

for (const variant of ["runtime op", "public read"] as const) {
  Deno.test(`socket read (${variant}): binary bytes intact, then 0 at end of stream`, async () => {
    const pair = await connectedPair();
    try {
      const conn = variant === "public read" ? publicOnly(pair.server) : pair.server;
      assertEquals(readsDirectly(conn), variant === "runtime op");
      const read = socketReader(conn);
      const sent = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
      const writing = (async () => {
        let off = 0;
        while (off < sent.length) off += await pair.client.write(sent.subarray(off));
        pair.client.closeWrite();
      })();
      const got: number[] = [];
      const buf = new Uint8Array(4096);
      let reads = 0;
      for (;;) {
        const n = await read(buf);
        if (n === 0) break;
        reads++;
        for (let i = 0; i < n; i++) got.push(buf[i]);
      }
      await writing;
      assertTrue(reads >= 25, `${reads} reads`);
      assertEquals(got.length, sent.length);
      assertEquals(new Uint8Array(got), sent);
    } finally {
      pair.close();
    }
  });

  Deno.test(`socket read (${variant}): closing the connection rejects the pending read`, async () => {
    const pair = await connectedPair();
    try {
      const conn = variant === "public read" ? publicOnly(pair.server) : pair.server;
      const pending = socketReader(conn)(new Uint8Array(16));
      pair.server.close();
      await assertRejects(() => pending);
    } finally {
      pair.close();
    }
  });
}

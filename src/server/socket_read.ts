/**
 * Reading a client socket with as little runtime work per read as Deno
 * allows.
 *
 * `Deno.Conn.read` is an async function around the runtime's read op: per
 * call it creates a second promise and adds and removes the op's promise in
 * a set kept for `unref()`. A server reads once per request, so it uses the
 * op itself when the runtime exposes it (`Deno[Deno.internal].core.read`
 * and the connection's resource id), which is what `Conn.read` calls. Only
 * the public method is a stable API: if either internal is missing (another
 * Deno version), it falls back to `conn.read`.
 *
 * @module
 */

/** Reads into `buffer`; resolves to the byte count, 0 when the peer closed. */
export type SocketRead = (buffer: Uint8Array) => Promise<number>;

interface RuntimeCore {
  read(rid: number, buffer: Uint8Array): Promise<number>;
}

function runtimeCore(): RuntimeCore | null {
  const deno = Deno as unknown as Record<symbol | string, unknown>;
  const internal = deno["internal"];
  if (typeof internal !== "symbol") return null;
  const core = (deno[internal] as { core?: RuntimeCore } | undefined)?.core;
  return typeof core?.read === "function" ? core : null;
}

const CORE = runtimeCore();

function resourceId(conn: Deno.Conn): number | null {
  for (const symbol of Object.getOwnPropertySymbols(conn)) {
    if (symbol.description !== "Deno.internal.rid") continue;
    const rid = (conn as unknown as Record<symbol, unknown>)[symbol];
    return typeof rid === "number" ? rid : null;
  }
  return null;
}

/** True when {@link socketReader} uses the runtime's read op directly. */
export function readsDirectly(conn: Deno.Conn): boolean {
  return CORE !== null && resourceId(conn) !== null;
}

/** The cheapest way to read `conn` (see the module comment). */
export function socketReader(conn: Deno.Conn): SocketRead {
  const rid = resourceId(conn);
  if (CORE !== null && rid !== null) {
    // The runtime's core object holds its properties in a dictionary, so
    // `core.read` would be looked up on every call: the op is taken once.
    const core = CORE;
    const readOp = core.read;
    return (buffer) => readOp.call(core, rid, buffer);
  }
  return async (buffer) => (await conn.read(buffer)) ?? 0;
}

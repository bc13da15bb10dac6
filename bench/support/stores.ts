import { storeKinds, type StoreKind } from '../../server/config.ts';
import { memcachedBytes, postgresTableBytes, redisUsedMemory, removeNamespace } from './backing.ts';
import { startBareServer } from './bare.ts';
import { profileTarget, type TargetProfile } from './profile.ts';
import { startBenchServer, type BenchServer } from './server.ts';
import { openSessions, signUp, type SessionsMemory } from './sessions.ts';
import { measureThroughput, type Target, type TargetFigures } from './throughput.ts';

export interface StoreFigures {
  kind: StoreKind;
  /** Why this store was not measured (its service is down), or null. */
  skipped: string | null;
  me?: TargetFigures;
  /** Bytes of the Set-Cookie line at login. */
  setCookieBytes?: number;
  memory?: SessionsMemory & {
    /** What the sessions took outside the server: Redis' memory, the table's size, Memcached's item bytes. */
    backingBytes: number | null;
  };
}

export interface StoresResult {
  bare: TargetFigures;
  /** The bare route behind the app's security headers: what the headers alone cost. */
  headers: TargetFigures;
  /** The whole cookie-mode app answering without a cookie: the cost of everything but the session. */
  noSession: TargetFigures;
  /** The bare route behind helmet() with its default headers, and no session at all. */
  helmet: TargetFigures;
  /** The client-sessions middleware alone reading its cookie, as the course uses it. */
  clientSessions: TargetFigures;
  /** helmet() and the least a session check can do, by hand. */
  least: TargetFigures;
  /** Main-thread time per answer by where it went, for the helmet() route and cookie-mode GET /api/me. */
  profiles: { helmet: TargetProfile; cookieMe: TargetProfile };
  stores: StoreFigures[];
}

export interface StoresOptions {
  rounds: number;
  seconds: number;
  warmUpSeconds: number;
  sessions: number;
}

const namespace = `cookie_lab_bench_${process.pid}`;

/** One server per store, all started first; a store whose service is down is skipped with its reason. */
async function startStores(): Promise<{ servers: Map<StoreKind, BenchServer>; stores: StoreFigures[] }> {
  const servers = new Map<StoreKind, BenchServer>();
  const stores: StoreFigures[] = [];
  for (const kind of storeKinds) {
    try {
      // Cost 4: these servers measure sessions, not hashing, and log in 10,000 times.
      const server = await startBenchServer({
        SESSION_STORE: kind,
        SESSION_NAMESPACE: namespace,
        BCRYPT_COST: '4',
        // 32 logins in flight count as attempts until each succeeds: over the default 10.
        LOGIN_FAILURES_PER_ACCOUNT: '1000000',
        LOGIN_FAILURES_PER_ADDRESS: '1000000',
      });
      servers.set(kind, server);
      stores.push({ kind, skipped: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const line = /cannot start: (.*)/.exec(message)?.[1] ?? message.split('\n')[0]!;
      console.log(`  ${kind}: skipped, ${line}`);
      stores.push({ kind, skipped: line });
    }
  }
  return { servers, stores };
}

async function backingBytes(kind: StoreKind): Promise<number | null> {
  if (kind === 'redis') return redisUsedMemory();
  if (kind === 'postgres') return postgresTableBytes(namespace);
  if (kind === 'memcached') return memcachedBytes();
  return null;
}

/** The `session=…` cookie of a yardstick route (`/client-sessions`, `/least`), from its POST. */
async function yardstickCookie(url: string): Promise<string> {
  const res = await fetch(url, { method: 'POST' });
  await res.arrayBuffer();
  const line = res.headers.getSetCookie().find((header) => header.startsWith('session='));
  if (!line) throw new Error(`the yardstick's POST ${url} answered ${res.status} without a cookie`);
  return line.slice(0, line.indexOf(';'));
}

/** GET /api/me in every store against the bare route, then memory after many sessions. */
export async function measureStores(options: StoresOptions): Promise<StoresResult> {
  const bare = await startBareServer();
  const { servers, stores } = await startStores();
  try {
    const targets: Target[] = [];
    for (const store of stores) {
      const server = servers.get(store.kind);
      if (!server) continue;
      const { cookie, setCookieBytes } = await signUp(server.url);
      store.setCookieBytes = setCookieBytes;
      targets.push({ name: store.kind, url: `${server.url}/api/me`, headers: { cookie }, pid: server.pid });
    }
    const cookieServer = servers.get('cookie')!;
    const clientSessionsCookie = await yardstickCookie(`${bare.url}/client-sessions`);
    const leastCookie = await yardstickCookie(`${bare.url}/least`);
    const extra: Target[] = [
      { name: 'headers', url: `${bare.url}/api/headers`, headers: {}, pid: bare.pid },
      { name: 'helmet', url: `${bare.url}/helmet`, headers: {}, pid: bare.pid },
      { name: 'least', url: `${bare.url}/least`, headers: { cookie: leastCookie }, pid: bare.pid },
      {
        name: 'client-sessions',
        url: `${bare.url}/client-sessions`,
        headers: { cookie: clientSessionsCookie },
        pid: bare.pid,
      },
      {
        name: 'no-session',
        url: `${cookieServer.url}/api/session/status`,
        headers: {},
        pid: cookieServer.pid,
      },
    ];
    console.log(
      `  GET /api/me: ${options.rounds} rounds of ${options.seconds} s per target (${targets.length + extra.length + 1} targets), one at a time`,
    );
    const measured = await measureThroughput(
      { name: 'bare', url: `${bare.url}/bare`, headers: {}, pid: bare.pid },
      [...targets, ...extra],
      options,
    );
    const byName = new Map(measured.targets.map((figures) => [figures.name, figures]));
    console.log(
      `  CPU profiles: the helmet() route, then cookie-mode GET /api/me, ${options.seconds} s each`,
    );
    const helmetTarget = extra.find((target) => target.name === 'helmet')!;
    const cookieTarget = targets.find((target) => target.name === 'cookie')!;
    const profiles = {
      helmet: await profileTarget(bare.child, helmetTarget, options.seconds),
      cookieMe: await profileTarget(cookieServer.child, cookieTarget, options.seconds),
    };
    for (const store of stores) if (!store.skipped) store.me = byName.get(store.kind);

    for (const store of stores) {
      const server = servers.get(store.kind);
      if (!server) continue;
      console.log(`  ${store.kind}: ${options.sessions.toLocaleString('en')} sessions`);
      const before = await backingBytes(store.kind);
      const memory = await openSessions(server.url, server.pid, { count: options.sessions, concurrency: 32 });
      const after = await backingBytes(store.kind);
      store.memory = { ...memory, backingBytes: before === null || after === null ? null : after - before };
    }
    return {
      bare: measured.yardstick,
      headers: byName.get('headers')!,
      noSession: byName.get('no-session')!,
      helmet: byName.get('helmet')!,
      clientSessions: byName.get('client-sessions')!,
      least: byName.get('least')!,
      profiles,
      stores,
    };
  } finally {
    await Promise.allSettled([bare.stop(), ...[...servers.values()].map((server) => server.stop())]);
    await removeNamespace(namespace);
  }
}

import { readFile, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import { machineLine, meRatioTarget, tables, x, type BenchResults } from './support/report.ts';
import { ratioBetween } from './support/throughput.ts';

// The two documents `npm run bench` writes from its results: docs/benchmarks.md whole,
// and the requests-per-second row of docs/session-stores.md' table.

async function writeFormatted(file: string, text: string): Promise<void> {
  // Through prettier, as `npm run lint` checks every Markdown file.
  await writeFile(file, await format(text, { ...(await resolveConfig(file)), filepath: file }));
}

export async function writeBenchmarksDoc(results: BenchResults): Promise<void> {
  const t = tables(results);
  const { stores } = results;
  const cookieMe = stores.stores.find((store) => store.kind === 'cookie')?.me;
  const overHelmet = (figures: typeof cookieMe) =>
    figures ? ratioBetween(figures, stores.helmet) : undefined;
  const text = `# Benchmarks

Written by \`npm run bench\` from one run on the machine named at the end; do not edit by hand.
Every figure here comes from the same run. The machine is shared and has 2 cores that the load
generator (autocannon, 50 connections on 127.0.0.1) shares with the server, so absolute figures
move from run to run: read the ratios, each taken between windows a few seconds apart.

## Targets

${t.targets}

The bench marks each target met or not met and exits 0 either way; it exits 1 only when it
could not measure (a server that would not start, a request that failed).

## \`GET\` throughput, same run

Each target in turn, alone, ${results.stores.bare.rounds.length} rounds; medians over the rounds. "CPU per answer"
is the server process's CPU time (from \`/proc\`) per answer over the bare route's: it is what
the server itself spends, less sensitive than req/s to the load generator and to other work on
the machine.

${t.throughput}

Where the time goes (cookie mode, this run), in server CPU per answer over the bare route: the
app's security headers alone (its helmet policy and \`Cache-Control: no-store\`) cost
${x(stores.headers.cpuRatio)}; \`helmet()\`'s defaults ${x(stores.helmet.cpuRatio)}; \`helmet()\` and the least session check,
written by hand in the yardstick's process (\`/least\`: no-store, the cookie looked up in a
Map, its deadline compared, the user looked up in a Map) ${x(stores.least.cpuRatio)}; the whole app answering
without a session (instance header, security headers, lab report, the API router's guards,
a JSON answer) ${x(stores.noSession.cpuRatio)}; \`GET /api/me\` with its session check (a remembered cookie
opening, both deadlines, the user record) ${x(cookieMe?.cpuRatio)}. In req/s over the \`helmet()\` route:
\`/least\` ${x(overHelmet(stores.least))}, the app without a session ${x(overHelmet(stores.noSession))}, cookie-mode \`GET /api/me\`
${x(overHelmet(cookieMe))}.

## Where \`GET /api/me\`'s time goes, from a CPU profile

Same run: ${stores.profiles.helmet.answers.toLocaleString('en')} answers of the \`helmet()\` route and ${stores.profiles.cookieMe.answers.toLocaleString('en')} of cookie-mode \`GET /api/me\`
(one window each, as long as a throughput round), each server profiling its own main thread
(V8's sampling profiler, started and stopped over the bench's IPC channel by
\`bench/support/profile-hook.ts\`; \`npm start\` loads no such code). Each sample's time goes to
the group of the function it landed in; time spent waiting for work is left out. Shares
inside one process hold steadier than req/s on a shared machine.

${t.profile}

## Sessions per store

Memory after ${(results.stores.stores.find((s) => s.memory)?.memory?.sessions ?? 0).toLocaleString('en')} logins, each followed by one \`GET /api/me\` with its own cookie. The cookie store
holds no session; what it grows by is the bounded cache of opened cookies (at most 10,000
entries and 16 MB, \`server/sessions/cookie/opened-cache.ts\`) and garbage not yet collected.
RSS is read without forcing a garbage collection.

${t.stores}

## Login cost

Cost 10, 12 and 14 on the worker pool: one login alone on an idle server, then logins from
${2 * results.machine.cores} connections at once.

${t.logins}

## A login storm: the worker pool against bcryptjs on the main thread

From \`bench/hashing.ts\` (also \`npm run bench:hashing\`).

${t.storm}

## Login timing: an unknown user against a wrong password

From \`bench/login-timing.ts\` (also \`npm run bench:login\`). ${t.timing}

## How \`GET /api/me\` got here

The cookie-mode ratio target is ${meRatioTarget}×. A CPU profile (\`node --cpu-prof\`) of the server on
\`main\` before this work showed client-sessions' decode (HMAC, AES, JSON) at about 17 % of
the request's CPU, 7 % of all CPU in Node's deprecation warning for the \`new Buffer()\` that
client-sessions calls on every decode, helmet's twelve nested middlewares, six routers, an
ETag hashed for every no-store answer, and a WeakMap entry per request for the session.
What changed, each kept only with every spec green:

- verified cookie openings are remembered (\`server/sessions/cookie/opened-cache.ts\`): an LRU
  keyed by the exact cookie value, only successful opens, bounded by entries and bytes, entries
  frozen; both deadlines, the session version and the user record are still checked on every
  request (\`spec/cookie-mechanics/opened-cache.spec.ts\`);
- no ETag on API answers (all no-store); no body parser for a request without a body; the
  session rides on a symbol slot of the request.

Two tricks bought for this figure were removed: helmet run once against a recording response
with its headers replayed, and the middlewares every request passes chained by hand as one
router layer. The pipeline is plain \`app.use(...)\` with helmet as middleware, the API guards on
the router that serves \`/api\`, and every route module registering its routes on that one
router (express's route-separation example), so a request walks two routers, not seven. A trick
would come back only with a spec of its own and a same-run gain of at least 5 % on
\`GET /api/me\`, written beside it.

Measured once, not by this script (the old code is not in the tree): on commit \`cbd26ed\`,
before these changes, \`GET /api/me\` reached 0.47× the bare route in req/s (2.18× its CPU per
answer); after them, in the same run, 0.72× (1.39×).

## Machine

${machineLine(results)}
`;
  await writeFormatted('docs/benchmarks.md', text);
}

/** Fills the "requests per second" row of the store table from this run. */
export async function writeStoreRow(results: BenchResults): Promise<void> {
  const file = 'docs/session-stores.md';
  const original = await readFile(file, 'utf8');
  const cells = results.stores.stores.map((store) =>
    store.me
      ? `${store.me.ratio.toFixed(2)}× a bare Express JSON route for \`GET /api/me\` (${Math.round(store.me.requestsPerSecond).toLocaleString('en')} req/s; \`npm run bench\`, docs/benchmarks.md)`
      : `not measured in the last \`npm run bench\`: ${store.skipped ?? 'skipped'}`,
  );
  const row = `| **requests per second** | ${cells.join(' | ')} |`;
  const updated = original.replace(/^\| \*\*requests per second\*\* .*$/m, row);
  if (updated === original && !original.includes(row))
    throw new Error(`${file}: no "requests per second" row`);
  await writeFormatted(file, updated);
}

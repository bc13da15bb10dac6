// Regenerates the transcripts and the propagation figures in docs/scale-out.md from a real
// run: for each store it starts a cluster (3 instances behind nginx, scripts/cluster/start.ts),
// runs the transcript's commands with bash and pastes what they printed between
//   <!-- BEGIN transcript NAME --> ... <!-- END transcript NAME -->
// Needs nginx and PostgreSQL (Redis for the redis store), like npm run cluster.
// Usage: npm run docs:scale-out
//        npm run docs:scale-out -- --check   (CI: re-runs the transcripts, leaves the file
//        alone, and exits 1 naming each transcript that no longer matches; the propagation
//        figures are timings and are not checked)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { ClusterError, startCluster, type Cluster, type ClusterStore } from './cluster/start.ts';

const run = promisify(execFile);
const document = 'docs/scale-out.md';
const checkOnly = process.argv.includes('--check');
const shownUrl = 'http://localhost:3000';
const json = `-H 'Content-Type: application/json'`;
const user = (name: string) => `'{"username":"${name}","password":"${name} password 1"}'`;
/** One line per request: the status and the instance that answered. */
const statusAndInstance = `-s -o /dev/null -w '%{http_code} from %header{x-instance}\\n'`;

interface Transcript {
  name: string;
  store: ClusterStore;
  commands: string[];
}

const transcripts: Transcript[] = [
  {
    name: 'scale-out-round-robin',
    store: 'cookie',
    commands: [`for i in 1 2 3 4 5 6; do curl ${statusAndInstance} $URL/healthz; done`],
  },
  // The same steps in both: only where the session lives changes what the instances answer.
  ...(['cookie', 'memory'] as const).map((store) => ({
    name: `scale-out-${store}`,
    store,
    commands: [
      `curl ${statusAndInstance} -X POST $URL/api/register ${json} -d ${user('alice')}`,
      `curl ${statusAndInstance} -X POST $URL/api/login ${json} -d ${user('alice')} -c "$JAR"`,
      `for i in 1 2 3 4 5 6; do curl ${statusAndInstance} -b "$JAR" $URL/api/me; done`,
    ],
  })),
  {
    name: 'scale-out-logout-all',
    store: 'cookie',
    commands: [
      `curl ${statusAndInstance} -X POST $URL/api/register ${json} -d ${user('bob')}`,
      `curl ${statusAndInstance} -X POST $URL/api/login ${json} -d ${user('bob')} -c "$JAR"`,
      `cp "$JAR" "$DIR/copied.txt"`,
      `curl ${statusAndInstance} -X POST $URL/api/logout/all -b "$JAR"`,
      `for i in 1 2 3; do curl -s -b "$DIR/copied.txt" $URL/api/me; echo; done`,
    ],
  },
  {
    name: 'scale-out-throttle',
    store: 'redis',
    commands: [
      `for i in 1 2 3 4; do curl ${statusAndInstance} -X POST $URL/api/login ${json} -d '{"username":"carol","password":"a wrong guess"}'; done`,
    ],
  },
];

async function step(command: string, cluster: Cluster, dir: string): Promise<string> {
  const env = { ...process.env, URL: cluster.url, JAR: path.join(dir, 'cookies.txt'), DIR: dir };
  const { stdout, stderr } = await run('bash', ['-c', command], { env }).catch(
    (error: { stdout: string; stderr: string }) => error,
  );
  const shown = command
    .replaceAll('$URL', shownUrl)
    .replaceAll('"$JAR"', 'cookies.txt')
    .replaceAll('"$DIR/', '"');
  // Instance ids hold process ids: name them app-1, app-2, app-3 in the order they started.
  let output = (stdout + stderr).trim().replaceAll(cluster.url, shownUrl);
  cluster.instances.forEach((instance, i) => (output = output.replaceAll(instance.id, `app-${i + 1}`)));
  return `$ ${shown}` + (output ? `\n${output}` : '');
}

/**
 * Logout-all on one instance, then the copied cookie on each of the others, straight to
 * them: how many milliseconds until the first refusal, over `trials` logins.
 */
async function propagation(cluster: Cluster, trials: number): Promise<{ times: number[]; firstTry: number }> {
  const [a, ...others] = cluster.instances;
  const body = JSON.stringify({ username: 'dana', password: 'dana password 1' });
  const headers = { 'content-type': 'application/json' };
  await fetch(`${a!.url}/api/register`, { method: 'POST', headers, body });
  const times: number[] = [];
  let firstTry = 0;
  for (let t = 0; t < trials; t++) {
    const login = await fetch(`${a!.url}/api/login`, { method: 'POST', headers, body });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    await fetch(`${a!.url}/api/logout/all`, { method: 'POST', headers: { cookie } });
    const started = performance.now();
    let tries = 0;
    for (const other of others) {
      while ((await fetch(`${other.url}/api/me`, { headers: { cookie } })).status !== 401) {
        tries++;
        if (performance.now() - started > 5_000)
          throw new Error('a revoked cookie was still accepted after 5 s');
      }
    }
    times.push(performance.now() - started);
    if (tries === 0) firstTry++;
  }
  return { times: times.sort((x, y) => x - y), firstTry };
}

async function main(): Promise<void> {
  const namespace = `cookie_lab_docs_${randomBytes(3).toString('hex')}`;
  const rendered = new Map<string, string>();
  let figures = '';
  const stores = [...new Set(transcripts.map((t) => t.store))];
  try {
    for (const store of stores) {
      const cluster = await startCluster({
        instances: 3,
        store,
        port: 0,
        env: {
          SESSION_NAMESPACE: `${namespace}_${store}`,
          BCRYPT_COST: '10',
          LOGIN_FAILURES_PER_ACCOUNT: '3',
        },
      });
      const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-scale-out-'));
      try {
        for (const transcript of transcripts.filter((t) => t.store === store)) {
          await rm(path.join(dir, 'cookies.txt'), { force: true });
          const blocks: string[] = [];
          for (const command of transcript.commands) blocks.push(await step(command, cluster, dir));
          rendered.set(transcript.name, '```console\n' + blocks.join('\n\n') + '\n```');
        }
        if (store === 'cookie' && !checkOnly) {
          const loadBefore = loadavg()[0]!;
          const { times, firstTry } = await propagation(cluster, 100);
          const at = (q: number) =>
            times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
          figures = [
            '| trials | refused at the first request on both | median | p99 | worst |',
            '| -----: | -----------------------------------: | -----: | --: | ----: |',
            `| ${times.length} | ${firstTry} | ${at(0.5)} ms | ${at(0.99)} ms | ${times.at(-1)!.toFixed(1)} ms |`,
            '',
            // Timings on a shared machine: the load says how much else was running.
            `1-minute load average on ${cpus().length} cores: ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after.`,
          ].join('\n');
        }
      } finally {
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    // The run's users, sessions and counters go with it.
    const client = new pg.Client({
      connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await client.connect().catch(() => {});
    const { rows } = await client
      .query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE $1`, [
        `${namespace}%`,
      ])
      .catch(() => ({ rows: [] as { name: string }[] }));
    for (const { name } of rows) await client.query(`DROP TABLE IF EXISTS ${name}`);
    await client.end().catch(() => {});
  }
  const original = await readFile(document, 'utf8');
  // A transcript between its markers, as prettier leaves it (it never touches a code block).
  const block = (name: string) =>
    `<!-- BEGIN transcript ${name} -->\n\n${rendered.get(name)}\n\n<!-- END transcript ${name} -->`;
  if (checkOnly) {
    const stale = [...rendered.keys()].filter((name) => !original.includes(block(name)));
    if (stale.length > 0) {
      console.error(`${document}: stale transcripts: ${stale.join(', ')} (run npm run docs:scale-out)`);
      process.exit(1);
    }
    console.log(`${document}: ${rendered.size} transcripts match a fresh run`);
    return;
  }
  const withTranscripts = original.replace(
    /<!-- BEGIN transcript (\S+) -->[\s\S]*?<!-- END transcript \1 -->/g,
    (whole, name: string) => (rendered.has(name) ? block(name) : whole),
  );
  const updated = withTranscripts.replace(
    /<!-- BEGIN figures scale-out-propagation -->[\s\S]*?<!-- END figures scale-out-propagation -->/,
    `<!-- BEGIN figures scale-out-propagation -->\n\n${figures}\n\n<!-- END figures scale-out-propagation -->`,
  );
  await writeFile(document, updated);
  await run('npx', ['prettier', '--write', document]);
  console.log(`${document}: ${updated === original ? 'unchanged' : 'updated'}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ClusterError ? `docs:scale-out: ${error.message}` : error);
  process.exit(1);
});

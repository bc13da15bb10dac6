// Regenerates the curl transcripts in README.md and docs/*.md from a real run: it starts
// the server on a temporary user file, runs each transcript's commands with bash and
// pastes what they printed between the markers
//   <!-- BEGIN transcript NAME --> ... <!-- END transcript NAME -->
// Usage: npm run docs:transcripts            (rewrite the docs)
//        npm run docs:transcripts -- --check (CI: fail when a doc no longer shows what the
//                                             server does; only dates, ids and cookie
//                                             values may differ between two runs)
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { startListening, type Running } from '../spec/support/process.ts';
import { transcripts, type Step } from './transcript-steps.ts';

const run = promisify(execFile);
const shownUrl = 'http://localhost:3000';
const documents = [
  'README.md',
  'docs/walkthrough.md',
  'docs/cookie-mechanics.md',
  'docs/security.md',
  'docs/session-stores.md',
];

interface Context {
  dir: string;
  baseEnv: Record<string, string>;
  env: Record<string, string>;
  server: Running;
}

/** curl -v prints the request as "> " lines and the response as "< " lines on stderr. */
function exchangeOnly(stderr: string, stdout: string): string {
  const headers = stderr
    .split('\n')
    .filter((line) => line.startsWith('> ') || line.startsWith('< '))
    .filter((line) => line !== '> ' && line !== '< ');
  return [...headers, '', stdout.trim()].join('\n').trim();
}

async function runStep(step: Step, context: Context): Promise<string> {
  const url = context.server.url.replace('127.0.0.1', 'localhost');
  const env = {
    ...process.env,
    ...context.env,
    URL: url,
    JAR: path.join(context.dir, 'cookies.txt'),
    DIR: context.dir,
  };
  let stdout = '';
  let stderr = '';
  try {
    ({ stdout, stderr } = await run('bash', ['-c', step.command], { env, cwd: process.cwd() }));
  } catch (error) {
    // A refused CLI call (exit 1) is part of the lesson: show what it said.
    ({ stdout, stderr } = error as { stdout: string; stderr: string });
  }
  // curl -i prints HTTP's CRLF line ends; the docs hold plain lines.
  stdout = stdout.replaceAll('\r\n', '\n');
  stderr = stderr.replaceAll('\r\n', '\n');
  const output = step.exchange ? exchangeOnly(stderr, stdout) : (stdout + stderr).trim();
  const shownCommand = step.command
    .replaceAll('$URL', shownUrl)
    .replaceAll('"$JAR"', 'cookies.txt')
    .replace(/\s*2>&1$/, '');
  const shownOutput = output.replaceAll(url, shownUrl).replaceAll(new URL(url).host, new URL(shownUrl).host);
  return `$ ${step.shown ?? shownCommand}` + (shownOutput ? `\n${shownOutput}` : '');
}

async function stop(server: Running): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
}

async function restart(context: Context, env: Record<string, string>): Promise<void> {
  await stop(context.server);
  // Each restart starts from the first run's settings, so one transcript's mode never leaks into the next.
  context.env = { ...context.baseEnv, ...env };
  context.server = await startListening(context.env);
}

/**
 * What may differ between two honest runs: the clock, random ids, keys and cookie values.
 * Everything else (statuses, headers, bodies, sizes, messages) must match the docs.
 */
export function normalise(text: string): string {
  return (
    text
      // A sealed cookie value (iv.ciphertext.createdAt.duration.hmac) wherever it is shown.
      .replace(/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{20,}\.\d+\.\d+\.[A-Za-z0-9_-]{43}/g, '<sealed>')
      // curl's cookie jar: the expiry in seconds since the epoch.
      .replace(/\t\d{10}\t/g, '\t<seconds>\t')
      // A TTL counts down while the transcript runs: 1800 or 1799 are both true.
      .replace(/(\$ redis-cli TTL .*\n)\d+/g, '$1<seconds>')
      // So does a throttle's window: a 429 a second later says 899 rather than 900.
      .replace(
        /(Retry-After: |RateLimit-Reset: |try again in |"retryAfterSeconds":)(?:8\d\d|900)\b/g,
        '$1<seconds>',
      )
      .replace(/[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g, '<date>')
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<iso-date>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\b1\d{12}\b/g, '<ms>')
      .replace(/\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/g, '<bcrypt-hash>')
      .replace(/(session=)[^;\s"]+/g, '$1<value>')
      .replace(/(s%3A)[^;\s"]+/g, '$1<id>')
      .replace(/(:sess:)[A-Za-z0-9_-]{32}/g, '$1<id>')
      // Which process answered: its pid and a random suffix, new at every start.
      .replace(/\b\d+-[0-9a-f]{6}\b/g, '<instance>')
      // The lab's anatomy shows the first characters of the random parts.
      .replace(/("shown":")[A-Za-z0-9_-]{8}…/g, '$1<start>…')
      // cmp says where the tampered character is: wherever the value first had one to change.
      .replace(/differ: byte \d+, line 1/g, 'differ: byte <n>, line 1')
  );
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-transcripts-'));
  const env = { DB_FILE: path.join(dir, 'db.json'), BCRYPT_COST: '10' };
  const context: Context = { dir, baseEnv: env, env, server: await startListening(env) };
  const rendered = new Map<string, string>();
  try {
    for (const transcript of transcripts) {
      if (transcript.setup) await run('bash', ['-c', transcript.setup]);
      if (transcript.restartWith) await restart(context, transcript.restartWith(context.env));
      const blocks: string[] = [];
      for (const step of transcript.steps) blocks.push(await runStep(step, context));
      rendered.set(transcript.name, '```console\n' + blocks.join('\n\n') + '\n```');
    }
  } finally {
    await stop(context.server);
    await rm(dir, { recursive: true, force: true });
  }
  const stale: string[] = [];
  for (const document of documents) {
    const original = await readFile(document, 'utf8');
    const replaced = original.replace(
      /<!-- BEGIN transcript (\S+) -->[\s\S]*?<!-- END transcript \1 -->/g,
      (whole, name: string) =>
        rendered.has(name)
          ? `<!-- BEGIN transcript ${name} -->\n${rendered.get(name)}\n<!-- END transcript ${name} -->`
          : whole,
    );
    // Formatted as `npm run lint` wants it, so a regenerated doc is lint-clean as written.
    const updated = await format(replaced, { ...(await resolveConfig(document)), filepath: document });
    if (check) {
      const difference = firstDifference(normalise(original), normalise(updated));
      if (difference) stale.push(`${document}: ${difference}`);
      console.log(`${document}: ${difference ? 'STALE' : 'up to date'}`);
      continue;
    }
    if (updated !== original) await writeFile(document, updated);
    console.log(`${document}: ${updated === original ? 'unchanged' : 'updated'}`);
  }
  if (stale.length > 0) {
    console.error(
      `\nTranscripts no longer match the server; run npm run docs:transcripts.\n${stale.join('\n')}`,
    );
    process.exitCode = 1;
  }
}

/** The first line where the docs and a fresh run part, shown side by side. */
function firstDifference(shown: string, fresh: string): string | null {
  const [a, b] = [shown.split('\n'), fresh.split('\n')];
  for (let line = 0; line < Math.max(a.length, b.length); line++) {
    if (a[line] !== b[line])
      return `line ${line + 1}\n  docs:  ${a[line] ?? '(end)'}\n  fresh: ${b[line] ?? '(end)'}`;
  }
  return null;
}

await main();

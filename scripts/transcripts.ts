// Regenerates the curl transcripts in README.md and docs/*.md from a real run: it starts
// the server on a temporary user file, runs each transcript's commands with bash and
// pastes what they printed between the markers
//   <!-- BEGIN transcript NAME --> ... <!-- END transcript NAME -->
// Usage: npm run docs:transcripts
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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
    .map((line) => line.replace(/\r$/, ''))
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

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-transcripts-'));
  const env = { DB_FILE: path.join(dir, 'db.json'), BCRYPT_COST: '10' };
  const context: Context = { dir, baseEnv: env, env, server: await startListening(env) };
  const rendered = new Map<string, string>();
  try {
    for (const transcript of transcripts) {
      if (transcript.restartWith) await restart(context, transcript.restartWith(context.env));
      const blocks: string[] = [];
      for (const step of transcript.steps) blocks.push(await runStep(step, context));
      rendered.set(transcript.name, '```console\n' + blocks.join('\n\n') + '\n```');
    }
  } finally {
    await stop(context.server);
    await rm(dir, { recursive: true, force: true });
  }
  for (const document of documents) {
    const original = await readFile(document, 'utf8');
    const updated = original.replace(
      /<!-- BEGIN transcript (\S+) -->[\s\S]*?<!-- END transcript \1 -->/g,
      (whole, name: string) =>
        rendered.has(name)
          ? `<!-- BEGIN transcript ${name} -->\n${rendered.get(name)}\n<!-- END transcript ${name} -->`
          : whole,
    );
    if (updated !== original) await writeFile(document, updated);
    console.log(`${document}: ${updated === original ? 'unchanged' : 'updated'}`);
  }
}

await main();

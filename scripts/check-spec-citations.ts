// Fails when a doc cites a spec that no longer exists. Docs cite specs by their titles,
// `describe › it` in backticks (`… › it` for another test of the describe just named);
// every title cited must still be written in a spec file, or the doc claims a proof that
// is gone. Usage: npm run docs:check (CI runs it).
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

const docs = [
  'README.md',
  ...(await readdir('docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];
const specDirs = ['spec', 'spec-browser'];

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
  return Promise.all(files.map((file) => readFile(file, 'utf8')));
}

// Every title a spec file writes: it('…'), describe("…"), forEachStore(`…`, …) and its kin, as a pattern
// where a template's ${…} stands for anything (titles built per method, per store, …).
const titles = (await Promise.all(specDirs.map(sources)))
  .flat()
  .flatMap((text) => [
    ...text.matchAll(
      /\b(?:it|describe|forEachStore|forEveryStore|forEachUserStore|labSuite)\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g,
    ),
  ])
  .map(([, , title]) => {
    const parts = title!.replace(/\\(.)/g, '$1').split(/\$\{[^}]*\}/);
    const escaped = parts.map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'));
    return { head: parts[0]!, pattern: new RegExp('^' + escaped.join('.+') + '$') };
  });
// A suite run once per store is titled `title [cookie]`. A citation ending in " …" is the
// start of a title; `*` stands for every test of the describe.
const written = (cited: string) => {
  const title = cited.replace(/ \[[a-z]+\]$/, '');
  if (title === '*') return true;
  // A describe run once per setting is titled `title [SETTING=value]`: cited as `title`.
  if (!title.endsWith(' …'))
    return titles.some(({ head, pattern }) => pattern.test(title) || head.startsWith(`${title} [`));
  const start = title.slice(0, -2);
  return titles.some(
    ({ head, pattern }) =>
      (head.length >= 8 && start.startsWith(head)) || pattern.test(start) || head.startsWith(start),
  );
};

const missing: string[] = [];
let cited = 0;
for (const doc of docs) {
  const text = await readFile(doc, 'utf8');
  for (const [, citation] of text.matchAll(/`([^`|\n]+ › [^`|\n]+)`/g)) {
    const cites = citation!.split(' › ').filter((title) => title !== '…');
    // The legend of a table: `describe › it`, `describe [store] › it`.
    if (cites[cites.length - 1] === 'it' && cites[0]!.startsWith('describe')) continue;
    cited++;
    for (const title of cites) if (!written(title)) missing.push(`${doc}: "${title}"`);
  }
}
console.log(`${cited} spec citations in ${docs.length} docs`);
if (missing.length > 0) {
  console.error(`Cited, but no spec is titled so any more:\n${missing.join('\n')}`);
  process.exitCode = 1;
}

// Writes docs/api.md's configuration table from `settings` in server/config.ts, the one place
// each default and meaning is written, between the markers
//   <!-- BEGIN config-table --> ... <!-- END config-table -->
// Usage: npm run docs:config            rewrite the table
//        npm run docs:config -- --check (CI, in docs:check: fail when the page is stale)
import { readFile, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import { settings } from '../server/config.ts';

const page = 'docs/api.md';
const markers = /<!-- BEGIN config-table -->[\s\S]*?<!-- END config-table -->/;

const rows = Object.entries(settings).map(([name, setting]) => {
  const shown = 'shown' in setting ? setting.shown : `\`${setting.default}\``;
  return `| \`${name}\` | ${shown} | ${setting.meaning} |`;
});
const table = ['| name | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');

const original = await readFile(page, 'utf8');
if (!markers.test(original)) throw new Error(`${page} has no config-table markers`);
const updated = await format(
  original.replace(markers, `<!-- BEGIN config-table -->\n${table}\n<!-- END config-table -->`),
  { ...(await resolveConfig(page)), filepath: page },
);
if (process.argv.includes('--check')) {
  const stale = updated !== original;
  console.log(`${page} configuration table: ${stale ? 'STALE' : 'up to date'}`);
  if (stale) {
    console.error('The table no longer matches server/config.ts; run npm run docs:config.');
    process.exitCode = 1;
  }
} else {
  await writeFile(page, updated);
  console.log(`${page} configuration table: ${updated === original ? 'unchanged' : 'updated'}`);
}

// npm run test:mutation:report: the score table and every undetected mutant of the last
// `npm run test:mutation`, read from its two JSON reports (reports/mutation/mutation.json and,
// for server/users, reports/mutation/users.json), or from the files named (`-- a.json b.json`),
// or from the event files of a run still going or stopped early (`-- reports/mutation/events`,
// written with `--reporters …,event-recorder`). Where two sources hold the same file, the later
// one counts. docs/security.md §Mutation testing takes its table and its survivors from this.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

interface Mutant {
  fileName: string;
  line: number;
  mutatorName: string;
  replacement: string;
  status: string;
  statusReason?: string;
  testsCompleted?: number;
}

interface ReportMutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  testsCompleted?: number;
  location: { start: { line: number } };
}

const named = process.argv.slice(2);
const sourcePaths =
  named.length > 0
    ? named
    : ['reports/mutation/mutation.json', 'reports/mutation/users.json'].filter((path) => existsSync(path));
const root = process.cwd();

function toMutant(fileName: string, mutant: ReportMutant): Mutant {
  return {
    fileName,
    line: mutant.location.start.line,
    mutatorName: mutant.mutatorName,
    replacement: mutant.replacement ?? '',
    status: mutant.status,
    statusReason: mutant.statusReason,
    testsCompleted: mutant.testsCompleted,
  };
}

/** Each file's text as the run mutated it (the report keeps it); the working copy for events. */
const sources = new Map<string, string[]>();

function fromReport(path: string): Mutant[] {
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    files: Record<string, { source: string; mutants: ReportMutant[] }>;
  };
  for (const [fileName, file] of Object.entries(report.files)) sources.set(fileName, file.source.split('\n'));
  return Object.entries(report.files).flatMap(([fileName, file]) =>
    file.mutants.map((mutant) => toMutant(fileName, mutant)),
  );
}

function fromEvents(dir: string): Mutant[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('-onMutantTested.json'))
    .map((name) => {
      const event = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ReportMutant & { fileName: string };
      return toMutant(relative(root, event.fileName), event);
    });
}

const byFile = new Map<string, Mutant[]>();
for (const source of sourcePaths) {
  const found = statSync(source).isDirectory() ? fromEvents(source) : fromReport(source);
  const files = new Map<string, Mutant[]>();
  for (const mutant of found) files.set(mutant.fileName, [...(files.get(mutant.fileName) ?? []), mutant]);
  for (const [fileName, list] of files) byFile.set(fileName, list);
}
const mutants = [...byFile.values()].flat();

/** The five targets of stryker.config.mjs, each file counted under the first that holds it. */
const targets = [
  'server/sessions/',
  'server/http/',
  'server/passwords/',
  'server/users/',
  'server/config.ts',
];
const targetOf = (fileName: string) => targets.find((target) => fileName.startsWith(target)) ?? fileName;

const count = (list: Mutant[], ...statuses: string[]) =>
  list.filter((mutant) => statuses.includes(mutant.status)).length;

function row(name: string, list: Mutant[]): string {
  const detected = count(list, 'Killed', 'Timeout');
  const undetected = count(list, 'Survived', 'NoCoverage');
  const score =
    detected + undetected === 0 ? '–' : `${((100 * detected) / (detected + undetected)).toFixed(1)} %`;
  const cells = [
    name,
    list.length,
    count(list, 'Ignored'),
    count(list, 'Killed'),
    count(list, 'Timeout'),
    count(list, 'Survived'),
    count(list, 'NoCoverage'),
    count(list, 'RuntimeError', 'CompileError'),
    score,
  ];
  return `| ${cells.join(' | ')} |`;
}

console.log(
  '| files | mutants | static (ignored) | killed | timeout | survived | no coverage | errors | score |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const target of targets) {
  console.log(
    row(
      `\`${target.replace(/\/$/, '')}\``,
      mutants.filter((m) => targetOf(m.fileName) === target),
    ),
  );
}
console.log(row('all five', mutants));

// A mutant "killed" by a refused connection says nothing about the specs: the run's own
// leak, not a spec, failed it (stryker.config.mjs, maxTestRunnerReuse).
// Nor does a survivor none of whose specs ran: a suite that found its service refusing
// connections pends, and its mutants "survive" untested.
const exhausted = mutants.filter((mutant) => /too many clients/i.test(mutant.statusReason ?? ''));
const untested = mutants.filter((mutant) => mutant.status === 'Survived' && mutant.testsCompleted === 0);
console.log(
  `\nkilled by "too many clients": ${exhausted.length}; survived with no spec run: ${untested.length}`,
);

const sourceLine = (fileName: string, line: number) => {
  if (!sources.has(fileName)) sources.set(fileName, readFileSync(join(root, fileName), 'utf8').split('\n'));
  return sources.get(fileName)![line - 1]?.trim() ?? '';
};
console.log('\nundetected, by file and line:');
for (const mutant of mutants
  .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
  .sort((a, b) => a.fileName.localeCompare(b.fileName) || a.line - b.line)) {
  const replacement = mutant.replacement.replace(/\s+/g, ' ').slice(0, 60);
  console.log(
    `${mutant.fileName}:${mutant.line} ${mutant.status} ${mutant.mutatorName} → ${replacement}\n    ${sourceLine(mutant.fileName, mutant.line).slice(0, 110)}`,
  );
}

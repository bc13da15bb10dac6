// The commands behind each transcript in the docs. Commands run in bash with $URL (the
// server), $JAR (a curl cookie jar) and $DIR (a scratch folder); the docs show them
// with http://localhost:3000 and cookies.txt instead.
import { readFileSync } from 'node:fs';
import { devSecretFile } from '../server/sessions/secret-file.ts';

export interface Step {
  command: string;
  /** Show the request and response headers (curl -v) rather than the raw output. */
  exchange?: boolean;
  /** What the docs show as the command, when the real one has plumbing in it. */
  shown?: string;
}

export interface Transcript {
  name: string;
  steps: Step[];
  /** Restart the server with these variables before the steps. */
  restartWith?: (env: Record<string, string>) => Record<string, string>;
  /** A shell command run first and not shown: it gives the transcript a clean start. */
  setup?: string;
}

const json = `-H 'Content-Type: application/json'`;
const credentials = (username: string) => `'{"username":"${username}","password":"correct horse battery"}'`;
// Each page registers a user of its own, so a reader who follows README, then the
// walkthrough, then cookie-mechanics on one server never meets a 409.
const alice = credentials('alice');
const walt = credentials('walt');
const mia = credentials('mia');
const newKey = 'rotated-key-for-the-transcript-0123456789';

// Shell variables a page defines in one command and uses in a later one (VALUE, COPIED,
// FORGED...). Every step runs in a bash of its own, so they are kept in $DIR/vars between
// steps; the docs show the command alone, which runs as printed in one terminal.
const keptVariables = ['VALUE', 'TAMPERED', 'COPIED', 'FORGED', 'NEW_KEY'];
const shownAs = (command: string) =>
  command.replaceAll('$URL', 'http://localhost:3000').replaceAll('"$JAR"', 'cookies.txt');
function kept(command: string): Step {
  return {
    // On lines of their own: a command may end with a # comment.
    command: `. "$DIR/vars" 2>/dev/null\nNEW_KEY='${newKey}'\n${command}\ndeclare -p ${keptVariables.join(' ')} > "$DIR/vars" 2>/dev/null\ntrue`,
    shown: shownAs(command),
  };
}
const devKey = (env: Record<string, string>) =>
  readFileSync(devSecretFile({ dbFile: env.DB_FILE! }), 'utf8').trim();

export const transcripts: Transcript[] = [
  {
    name: 'readme',
    steps: [
      { command: `curl -si -X POST $URL/api/register ${json} -d ${alice} | grep -E '^(HTTP|\\{)'` },
      {
        command: `curl -si -X POST $URL/api/login ${json} -d ${alice} -c "$JAR" | grep -E '^(HTTP|Set-Cookie|\\{)'`,
      },
      { command: `curl -si $URL/api/me -b "$JAR" | grep -E '^(HTTP|\\{)'` },
      { command: `curl -si -X POST $URL/api/logout -b "$JAR" -c "$JAR" | grep -E '^(HTTP|Set-Cookie|\\{)'` },
      { command: `curl -si $URL/api/me -b "$JAR" | grep -E '^(HTTP|\\{)'` },
    ],
  },
  {
    name: 'walkthrough-register',
    steps: [{ command: `curl -si -X POST $URL/api/register ${json} -d ${walt} | grep -E '^(HTTP|\\{)'` }],
  },
  {
    name: 'walkthrough-login',
    steps: [{ command: `curl -sv -X POST $URL/api/login ${json} -d ${walt} -c "$JAR"`, exchange: true }],
  },
  {
    name: 'walkthrough-jar',
    steps: [{ command: `grep session "$JAR"` }],
  },
  {
    name: 'walkthrough-send',
    steps: [{ command: `curl -sv $URL/api/me -b "$JAR"`, exchange: true }],
  },
  {
    name: 'walkthrough-verify',
    steps: [
      { command: `curl -s $URL/api/session -b "$JAR"` },
      kept(`VALUE=$(awk '$6 ~ /session$/ {print $7}' "$JAR")`),
      // The first A becomes a B (or, with no A, the first B an A): one real character changed.
      kept(`TAMPERED=$(echo "$VALUE" | sed 's/A/B/;t;s/B/A/')`),
      kept(`cmp <(echo "$VALUE") <(echo "$TAMPERED")`),
      kept(`curl -si $URL/api/session -H "Cookie: session=$TAMPERED" | grep -E '^(HTTP|\\{)'`),
    ],
  },
  {
    name: 'walkthrough-access',
    steps: [{ command: `curl -si $URL/api/users -b "$JAR"` }],
  },
  {
    name: 'walkthrough-logout',
    steps: [
      { command: `curl -si $URL/api/logout -b "$JAR"` },
      { command: `curl -sv -X POST $URL/api/logout -b "$JAR" -c "$JAR"`, exchange: true },
    ],
  },
  {
    name: 'mechanics-budget',
    steps: [
      { command: `curl -s -X POST $URL/api/register ${json} -d ${mia}` },
      { command: `curl -s -X POST $URL/api/login ${json} -d ${mia} -c "$JAR"` },
      {
        command: `curl -si -X PUT $URL/api/session/notes -b "$JAR" -c "$JAR" ${json} -d "{\\"text\\":\\"$(head -c 2600 /dev/zero | tr '\\0' x)\\"}" | grep -v '^Set-Cookie'`,
      },
      {
        command: `curl -si -X PUT $URL/api/session/notes -b "$JAR" -c "$JAR" ${json} -d "{\\"text\\":\\"$(head -c 3500 /dev/zero | tr '\\0' x)\\"}"`,
      },
      // The session as it was before the refused note: the same size, the same 2,600 x's.
      { command: `curl -s $URL/api/session -b "$JAR" | grep -oE '"bytes":[0-9]+,"budget":[0-9]+'` },
      { command: `curl -s $URL/api/session -b "$JAR" | grep -o '"notes":"x*"' | tr -cd x | wc -c` },
      { command: `cp "$JAR" "$DIR/old-key-jar"`, shown: 'cp cookies.txt old-key-cookies.txt' },
    ],
  },
  {
    name: 'mechanics-rotation',
    restartWith: (env) => ({ SESSION_SECRET: `${newKey},${devKey(env)}` }),
    steps: [
      {
        command: `curl -si $URL/api/session -b "$JAR" -c "$JAR" | grep -E '^(HTTP|Set-Cookie)' | cut -c1-90`,
      },
      { command: `curl -s $URL/api/session -b "$JAR" | grep -o '"keyIndex":[0-9]*'` },
    ],
  },
  {
    name: 'mechanics-retired',
    restartWith: () => ({ SESSION_SECRET: newKey }),
    steps: [
      {
        command: `curl -si $URL/api/session -b "$DIR/old-key-jar"`,
        shown: 'curl -si http://localhost:3000/api/session -b old-key-cookies.txt',
      },
    ],
  },
  {
    name: 'mechanics-revocation',
    steps: [
      { command: `curl -s -X POST $URL/api/login ${json} -d ${mia} -c "$JAR"` },
      kept(`COPIED=$(awk '$6 == "session" {print $7}' "$JAR")   # what anyone at the machine can copy`),
      { command: `curl -s -X POST $URL/api/logout -b "$JAR" -c "$JAR"` },
      kept(`curl -si $URL/api/me -H "Cookie: session=$COPIED"   # after logout`),
      kept(`curl -s -X POST $URL/api/logout/all -H "Cookie: session=$COPIED"`),
      kept(`curl -si $URL/api/session -H "Cookie: session=$COPIED"`),
    ],
  },
  {
    name: 'mechanics-cli',
    steps: [
      // The server runs with the new key alone since section 2: the tool needs the same.
      kept(`FORGED=$(SESSION_SECRET="$NEW_KEY" npm run -s cookie -- forge --username mia); echo "$FORGED"`),
      kept(`curl -si $URL/api/me -H "Cookie: $FORGED"`),
      kept(`SESSION_SECRET="$NEW_KEY" npm run -s cookie -- decode "$FORGED"`),
      { command: `npm run -s cookie -- decode not-a-cookie 2>&1` },
    ],
  },
  {
    name: 'security-login-headers',
    steps: [{ command: `curl -si -X POST $URL/api/login ${json} -d ${alice} -c "$JAR"` }],
  },
  {
    name: 'security-logout',
    steps: [
      {
        command: `curl -si -X POST $URL/api/logout -b "$JAR" -c "$JAR" | grep -E '^(HTTP|Set-Cookie|Cache-Control|Clear-Site-Data)'`,
      },
    ],
  },
  {
    name: 'security-enumeration',
    steps: [
      {
        command: `diff <(curl -si -X POST $URL/api/login ${json} -d '{"username":"mallory","password":"some guess 1"}' | grep -v '^Date') <(curl -si -X POST $URL/api/login ${json} -d '{"username":"alice","password":"some guess 1"}' | grep -v '^Date') && echo 'identical but for Date'`,
        shown: `diff <(curl -si -X POST http://localhost:3000/api/login ${json} -d '{"username":"mallory","password":"some guess 1"}' | grep -v '^Date') \\\n       <(curl -si -X POST http://localhost:3000/api/login ${json} -d '{"username":"alice","password":"some guess 1"}' | grep -v '^Date') && echo 'identical but for Date'`,
      },
    ],
  },
  {
    name: 'security-cross-site',
    steps: [
      {
        command: `curl -si -X POST $URL/api/login ${json} -H 'Origin: https://evil.example' -d ${alice} | grep -E '^(HTTP|Set-Cookie|\\{)'`,
      },
      {
        command: `curl -si -X POST $URL/api/login ${json} -H "Origin: $URL" -d ${alice} | grep -E '^(HTTP|\\{)'`,
        shown: `curl -si -X POST http://localhost:3000/api/login ${json} -H 'Origin: http://localhost:3000' -d ${alice} | grep -E '^(HTTP|\\{)'`,
      },
    ],
  },
  {
    name: 'security-common-password',
    steps: [
      {
        command: `curl -s -X POST $URL/api/register ${json} -d '{"username":"carol","password":"iloveyou1"}'`,
      },
    ],
  },
  {
    name: 'security-throttle',
    restartWith: () => ({ LOGIN_FAILURES_PER_ACCOUNT: '3' }),
    steps: [
      {
        command: `for guess in 1 2 3; do curl -s -o /dev/null -w '%{http_code} ' -X POST $URL/api/login ${json} -d "{\\"username\\":\\"alice\\",\\"password\\":\\"guess number $guess\\"}"; done; echo`,
      },
      {
        command: `curl -si -X POST $URL/api/login ${json} -d ${alice} | grep -E '^(HTTP|Retry-After|RateLimit|\\{)'`,
      },
    ],
  },
  {
    name: 'security-header-overflow',
    steps: [
      {
        command: `curl -si $URL/api/me -H "Cookie: session=$(head -c 20000 /dev/zero | tr '\\0' A)"`,
        shown: `curl -si http://localhost:3000/api/me -H "Cookie: session=$(head -c 20000 /dev/zero | tr '\\0' A)"`,
      },
    ],
  },
  {
    name: 'security-https',
    restartWith: () => ({ NODE_ENV: 'production', TRUST_PROXY: '1', SESSION_SECRET: newKey }),
    steps: [
      { command: `curl -si -X POST $URL/api/login ${json} -d ${alice} | grep -E '^(HTTP|Set-Cookie|\\{)'` },
      {
        command: `curl -si -X POST $URL/api/login ${json} -H 'X-Forwarded-Proto: https' -d ${alice} | grep -E '^(HTTP|Set-Cookie|Strict-Transport-Security|\\{)' | sed -E 's/(session=)[^;]+/\\1<sealed value>/'`,
        shown: `curl -si -X POST http://localhost:3000/api/login ${json} -H 'X-Forwarded-Proto: https' -d ${alice} | grep -E '^(HTTP|Set-Cookie|Strict-Transport-Security|\\{)'`,
      },
    ],
  },
  {
    name: 'stores-redis',
    // The default namespace, cookie_lab, as a reader's `SESSION_STORE=redis npm start` uses.
    restartWith: () => ({ SESSION_STORE: 'redis' }),
    // What earlier runs left in that namespace would show up in the key listing below.
    setup: `redis-cli --scan --pattern 'cookie_lab:*' | xargs -r redis-cli DEL > /dev/null`,
    steps: [
      {
        command: `curl -si -X POST $URL/api/login ${json} -d ${alice} -c "$JAR" | grep -E '^(HTTP|Set-Cookie)'`,
      },
      { command: `redis-cli --scan --pattern 'cookie_lab:*' | sort` },
      { command: `redis-cli GET "$(redis-cli --scan --pattern 'cookie_lab:sess:*')"` },
      { command: `redis-cli TTL "$(redis-cli --scan --pattern 'cookie_lab:sess:*')"` },
      kept(`COPIED=$(awk '$6 == "session" {print $7}' "$JAR")`),
      { command: `curl -s -X POST $URL/api/logout -b "$JAR" -c "$JAR"` },
      kept(`curl -si $URL/api/me -H "Cookie: session=$COPIED" | grep -E '^HTTP|^{'   # after logout`),
      kept(`curl -s -X POST $URL/api/lab/replay ${json} -d "{\\"cookie\\":\\"$COPIED\\"}"`),
      { command: `redis-cli --scan --pattern 'cookie_lab:*' | wc -l` },
    ],
  },
  {
    name: 'stores-unreachable',
    steps: [
      {
        // Its own user file: the transcript's running server holds the lock on the shared one.
        command: `DB_FILE="$DIR/second/db.json" SESSION_STORE=redis REDIS_URL=redis://:hunter2@127.0.0.1:6391 PORT=0 node --import tsx server/index.ts 2>&1 | grep -v 'generated a development'; echo "exit code \${PIPESTATUS[0]}"`,
        shown: 'SESSION_STORE=redis REDIS_URL=redis://:hunter2@127.0.0.1:6391 npm start',
      },
    ],
  },
];

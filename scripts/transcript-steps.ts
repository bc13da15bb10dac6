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
}

const json = `-H 'Content-Type: application/json'`;
const alice = `'{"username":"alice","password":"correct horse battery"}'`;
const cookieOf = (file: string) => `$(awk '$6 ~ /session$/ {print $7}' "${file}")`;
const newKey = 'rotated-key-for-the-transcript-0123456789';
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
    name: 'walkthrough-login',
    steps: [{ command: `curl -sv -X POST $URL/api/login ${json} -d ${alice} -c "$JAR"`, exchange: true }],
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
      {
        command: `curl -si $URL/api/me -H "Cookie: session=$(echo ${cookieOf('$JAR')} | sed 's/\\.\\([A-Za-z0-9_-]\\)/.X/')"`,
        shown:
          `curl -si $URL/api/me -H "Cookie: session=<the same value with one character changed>"`.replaceAll(
            '$URL',
            'http://localhost:3000',
          ),
      },
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
      { command: `curl -s -X POST $URL/api/login ${json} -d ${alice} -c "$JAR"` },
      {
        command: `curl -si -X PUT $URL/api/session/notes -b "$JAR" -c "$JAR" ${json} -d "{\\"text\\":\\"$(head -c 2600 /dev/zero | tr '\\0' x)\\"}" | grep -v '^Set-Cookie'`,
        shown: `curl -si -X PUT http://localhost:3000/api/session/notes -b cookies.txt -c cookies.txt -H 'Content-Type: application/json' -d '{"text":"xxxx… (2,600 characters)"}'   # Set-Cookie line left out`,
      },
      {
        command: `curl -si -X PUT $URL/api/session/notes -b "$JAR" -c "$JAR" ${json} -d "{\\"text\\":\\"$(head -c 3500 /dev/zero | tr '\\0' x)\\"}"`,
        shown: `curl -si -X PUT http://localhost:3000/api/session/notes -b cookies.txt -c cookies.txt -H 'Content-Type: application/json' -d '{"text":"xxxx… (3,500 characters)"}'`,
      },
      {
        command: `curl -s $URL/api/session -b "$JAR" | head -c 300; echo '…'`,
        shown: 'curl -s http://localhost:3000/api/session -b cookies.txt   # still the 2,600-character note',
      },
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
      { command: `curl -s -X POST $URL/api/login ${json} -d ${alice} -c "$JAR"` },
      {
        command: `echo ${cookieOf('$JAR')} > "$DIR/copied"`,
        shown: `COPIED=$(awk '$6=="session" {print $7}' cookies.txt)   # what anyone at the machine can copy`,
      },
      { command: `curl -s -X POST $URL/api/logout -b "$JAR" -c "$JAR"` },
      {
        command: `curl -si $URL/api/me -H "Cookie: session=$(cat "$DIR/copied")"`,
        shown: 'curl -si http://localhost:3000/api/me -H "Cookie: session=$COPIED"   # after logout',
      },
      {
        command: `curl -s -X POST $URL/api/logout/all -H "Cookie: session=$(cat "$DIR/copied")"`,
        shown: 'curl -s -X POST http://localhost:3000/api/logout/all -H "Cookie: session=$COPIED"',
      },
      {
        command: `curl -si $URL/api/session -H "Cookie: session=$(cat "$DIR/copied")"`,
        shown: 'curl -si http://localhost:3000/api/session -H "Cookie: session=$COPIED"',
      },
    ],
  },
  {
    name: 'mechanics-cli',
    steps: [
      {
        command: `npm run -s cookie -- forge --username alice > "$DIR/forged"; cat "$DIR/forged"`,
        shown: 'npm run -s cookie -- forge --username alice',
      },
      {
        command: `curl -si $URL/api/me -H "Cookie: $(cat "$DIR/forged")"`,
        shown: 'curl -si http://localhost:3000/api/me -H "Cookie: session=<the forged value>"',
      },
      {
        command: `npm run -s cookie -- decode "$(cat "$DIR/forged")"`,
        shown: 'npm run -s cookie -- decode "session=<the forged value>"',
      },
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
    restartWith: () => ({ SESSION_STORE: 'redis', SESSION_NAMESPACE: 'cookie_lab_demo' }),
    steps: [
      {
        command: `curl -si -X POST $URL/api/login ${json} -d ${alice} -c "$JAR" | grep -E '^(HTTP|Set-Cookie)'`,
      },
      { command: `redis-cli --scan --pattern 'cookie_lab_demo:*' | sort` },
      { command: `redis-cli GET "$(redis-cli --scan --pattern 'cookie_lab_demo:sess:*')"` },
      { command: `redis-cli TTL "$(redis-cli --scan --pattern 'cookie_lab_demo:sess:*')"` },
      {
        command: `echo ${cookieOf('$JAR')} > "$DIR/copied"`,
        shown: `COPIED=$(awk '$6=="session" {print $7}' cookies.txt)`,
      },
      { command: `curl -s -X POST $URL/api/logout -b "$JAR" -c "$JAR"` },
      {
        command: `curl -si $URL/api/me -H "Cookie: session=$(cat "$DIR/copied")" | grep -E '^HTTP|^{'`,
        shown: 'curl -si http://localhost:3000/api/me -H "Cookie: session=$COPIED"   # after logout',
      },
      {
        command: `curl -s -X POST $URL/api/lab/replay ${json} -d "{\\"cookie\\":\\"$(cat "$DIR/copied")\\"}"`,
        shown: `curl -s -X POST http://localhost:3000/api/lab/replay -H 'Content-Type: application/json' -d "{\\"cookie\\":\\"$COPIED\\"}"`,
      },
      { command: `redis-cli --scan --pattern 'cookie_lab_demo:*' | wc -l` },
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

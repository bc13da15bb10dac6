import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { profileGroups, type ProfileGroups } from './profile-groups.ts';
import type { ProfileAnswer, ProfileRequest } from './profile-hook.ts';
import { connections, type Target } from './throughput.ts';

/** The `--import` that lets a benchmark profile a server process it started. */
export const profileHookArgs = ['--import', './bench/support/profile-hook.ts'];

/** Main-thread time per answer, in µs, by where it went. */
export interface TargetProfile {
  name: string;
  answers: number;
  microsecondsPerAnswer: Record<keyof ProfileGroups, number>;
}

/** Loads `target` for `seconds` while its server (started with profileHookArgs) profiles itself. */
export async function profileTarget(
  child: ChildProcess,
  target: Target,
  seconds: number,
): Promise<TargetProfile> {
  const answered = once(child, 'message') as Promise<[ProfileAnswer]>;
  child.send({ type: 'profile:start' } satisfies ProfileRequest);
  const result = await autocannon({
    url: target.url,
    headers: target.headers,
    connections,
    duration: seconds,
  });
  child.send({ type: 'profile:stop' } satisfies ProfileRequest);
  const [{ groups }] = await answered;
  const answers = result['2xx'];
  if (!answers || result.non2xx || result.errors) {
    throw new Error(
      `${target.name}: ${result.non2xx} unexpected answers and ${result.errors} errors while profiling`,
    );
  }
  return {
    name: target.name,
    answers,
    microsecondsPerAnswer: Object.fromEntries(
      profileGroups.map((group) => [group, (groups[group] * 1000) / answers]),
    ) as TargetProfile['microsecondsPerAnswer'],
  };
}

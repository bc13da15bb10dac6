import type { Profiler, Runtime } from 'node:inspector';

/** Milliseconds of sampled main-thread time per group; idle time is left out. */
export type ProfileGroups = Record<ProfileGroup, number>;

export const profileGroups = [
  'Node: HTTP parsing, headers, sockets',
  'garbage collection',
  'Express and its router',
  'helmet',
  'the lab report (lab-wire.ts, on-headers)',
  "the app's own code (server/)",
  'other libraries',
  'V8 and other native work',
] as const;
export type ProfileGroup = (typeof profileGroups)[number];

/** Where a sampled function belongs, from its script's URL and its name. */
function groupOf({ url, functionName }: Runtime.CallFrame): ProfileGroup | 'idle' {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collection';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (module === 'express' || module === 'router' || module === 'path-to-regexp' || module === 'parseurl')
    return 'Express and its router';
  if (module === 'helmet') return 'helmet';
  if (module === 'on-headers' || url.endsWith('/server/http/lab-wire.ts')) {
    return 'the lab report (lab-wire.ts, on-headers)';
  }
  if (module) return 'other libraries';
  if (url.includes('/server/')) return "the app's own code (server/)";
  // Node's own JavaScript, and the native calls it makes (writev, the HTTP parser).
  if (url.startsWith('node:') || (url === '' && !functionName.startsWith('('))) {
    return 'Node: HTTP parsing, headers, sockets';
  }
  return 'V8 and other native work';
}

/** Each sample's time to the group of the function it landed in (self time). */
export function groupProfile(profile: Profiler.Profile): ProfileGroups {
  const groups = Object.fromEntries(profileGroups.map((group) => [group, 0])) as ProfileGroups;
  const groupById = new Map(profile.nodes.map((node) => [node.id, groupOf(node.callFrame)]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (const [i, id] of samples.entries()) {
    const group = groupById.get(id);
    // A delta is the time before this sample: microseconds.
    if (group && group !== 'idle') groups[group] += (deltas[i] ?? 0) / 1000;
  }
  return groups;
}

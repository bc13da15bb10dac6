import { Session } from 'node:inspector/promises';
import { groupProfile, type ProfileGroups } from './profile-groups.ts';

// Loaded into a benchmark's server process only (`--import`), never by `npm start`: on
// request over the IPC channel the benchmark opened, it records a CPU profile of the
// main thread (V8's sampling profiler, through the inspector) and answers with the
// sampled time grouped by where it went. A profile compares shares inside one process,
// so it is far steadier than req/s on a shared machine.

export type ProfileRequest = { type: 'profile:start' } | { type: 'profile:stop' };
export interface ProfileAnswer {
  type: 'profile';
  groups: ProfileGroups;
}

const session = new Session();

if (process.send) {
  process.on('message', (message: ProfileRequest) => {
    if (message.type === 'profile:start') {
      session.connect();
      void session.post('Profiler.enable').then(() => session.post('Profiler.start'));
    } else if (message.type === 'profile:stop') {
      void session.post('Profiler.stop').then(({ profile }) => {
        session.disconnect();
        process.send!({ type: 'profile', groups: groupProfile(profile) } satisfies ProfileAnswer);
      });
    }
  });
  // The channel must not keep a server alive that was told to stop.
  process.channel?.unref();
}

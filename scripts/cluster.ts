// npm run cluster -- --instances N --store cookie|memory|redis|postgres|memcached
// N cookie-lab instances on free ports and an unprivileged nginx in front of them on PORT
// (default 3000), balancing round-robin. Ctrl-C or SIGTERM stops everything it started.
import { parseArgs } from 'node:util';
import { ClusterError, clusterStores, startCluster, type ClusterStore } from './cluster/start.ts';

function fail(message: string): never {
  console.error(`cluster: ${message}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    store: { type: 'string', default: 'cookie' },
  },
});
const instances = Number(values.instances);
if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
  fail(`--instances must be a whole number from 1 to 16, got "${values.instances}"`);
}
if (!(clusterStores as readonly string[]).includes(values.store)) {
  fail(`--store must be one of ${clusterStores.join(', ')}, got "${values.store}"`);
}
const store = values.store as ClusterStore;
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  fail(`PORT must be a port number, got "${process.env.PORT}"`);

try {
  const cluster = await startCluster({ instances, store, port, onOutput: (line) => console.log(line) });
  console.log(
    `cookie-lab cluster: ${cluster.url} (nginx, round-robin) -> ${cluster.instances
      .map((i) => `${i.id} ${i.url}`)
      .join(
        ', ',
      )}; session store ${store}, users: postgres, throttle: ${cluster.throttleStore}, namespace ${cluster.namespace}, nginx prefix ${cluster.dir}`,
  );
  if (store === 'memory') {
    console.log(
      'memory store: each instance keeps its own sessions and nginx has no sticky sessions, so a request that lands on another instance than the login is 401',
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping nginx and ${instances} instances`);
    void cluster.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Something we started died on its own: the cluster is not what it says any more.
  for (const child of [cluster.nginx, ...cluster.instances.map((i) => i.child)]) {
    child.once('exit', (code, signal) => {
      if (!stopping)
        console.error(
          `cluster: process ${child.pid} exited (${signal ?? code}); still serving with the rest`,
        );
    });
  }
} catch (error) {
  if (error instanceof ClusterError) fail(error.message);
  throw error;
}

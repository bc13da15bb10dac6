import express from 'express';

// The yardstick of the benchmark: Express 5 with nothing added, one JSON route the size
// of GET /api/me's answer. Run as its own process, like the real server, so both are
// measured the same way. Prints "listening on <url>" once it listens.
const app = express();
const createdAt = new Date().toISOString();
app.get('/bare', (_req, res) => {
  res.json({
    id: 'b0d4f6c2-2b1e-4a57-9e43-6c7b1d2f8a90',
    username: 'bench',
    createdAt,
    loggedInAt: createdAt,
  });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

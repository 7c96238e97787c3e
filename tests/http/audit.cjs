// GraphQL-over-HTTP conformance audit (npm graphql-http's auditServer) against a running server.
// Usage: node tests/http/audit.cjs http://127.0.0.1:PORT/graphql  -> one JSON line of results.
// Requests are sent one at a time: `chalice local` has a listen backlog of 5 (see DESIGN.md).
const { auditServer } = require('graphql-http');

let queue = Promise.resolve();
function serialFetch(...args) {
  const next = queue.then(() => fetch(...args));
  queue = next.then(
    (res) => res.clone().arrayBuffer().then(() => undefined, () => undefined),
    () => undefined,
  );
  return next;
}

(async () => {
  const results = await auditServer({ url: process.argv[2], fetchFn: serialFetch });
  const out = [];
  for (const r of results) {
    out.push({ id: r.id, name: r.name, status: r.status, reason: r.reason || null });
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

import type { AddressInfo } from "node:net";
import { createConversations } from "../../src/conversations/index.ts";
import { latestVersion, loadMigrations } from "../../src/db/migrate.ts";
import { createApp } from "../../src/http/app.ts";
import type { TestDatabase } from "./database.ts";
import { testLogger } from "./database.ts";

/** The real Express app over a test database, listening on a free loopback port. */
export type TestServer = {
  url: string;
  get(path: string): Promise<{ status: number; headers: Headers; body: unknown }>;
  close(): Promise<void>;
  conversations: Awaited<ReturnType<typeof createConversations>>;
};

export async function startTestServer(db: TestDatabase): Promise<TestServer> {
  const conversations = await createConversations(db.pool, testLogger, "test-secret-test-secret");
  const app = createApp({
    pool: db.pool,
    logger: testLogger,
    latestMigration: latestVersion(await loadMigrations()),
    conversations,
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    conversations,
    async get(path) {
      const response = await fetch(url + path);
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
    close: () =>
      new Promise((resolve) => {
        conversations.sample.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

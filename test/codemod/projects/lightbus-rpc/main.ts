import * as aioredis from "aioredis";
import { Api } from "./api.js";
import { BusNode } from "./bus.js";
import { RedisResultTransport, RedisRpcTransport } from "./transports/redis.js";

const url = new URL(process.env.REDIS_URL ?? "redis://localhost:6379");
const where = { host: url.hostname, port: Number(url.port || 6379) };

const auth = new Api({ name: "auth" }, {
  check_password: ({ username, password }) => username === "admin" && password === "secret",
  whoami: () => "lightbus",
});

const results = new RedisResultTransport();
// the server makes its own connection; the client is handed one
const server = new BusNode(new RedisRpcTransport(where), results, [auth]);
const clientRedis = await aioredis.createRedis([where.host, where.port]);
const clientTransport = new RedisRpcTransport({ redis: clientRedis });
const client = new BusNode(clientTransport, results);

const calls = [
  client.callRpcRemote("auth", "check_password", { username: "admin", password: "secret" }),
  client.callRpcRemote("auth", "check_password", { username: "admin", password: "nope" }),
  client.callRpcRemote("auth", "whoami", {}),
];
let served: string[] = [];
while (served.length < 3) served = served.concat(await server.consumeOnce());
for (const s of served) console.log("served", s);
console.log("results", JSON.stringify(await Promise.all(calls)));
console.log("stream length", await clientRedis.xlen("auth_stream"));

clientRedis.close();
await clientRedis.waitClosed();
await (server as unknown as { rpcTransport: RedisRpcTransport }).rpcTransport.close();

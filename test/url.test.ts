import { describe, expect, it } from "vitest";

import { DataError, RedisError } from "../src/errors.js";
import { mergeUrlOptions, type ParsedUrl, parseUrl, redactUrl } from "../src/url.js";

const GOOD: Array<[string, ParsedUrl]> = [
  ["redis://localhost", { host: "localhost" }],
  ["redis://localhost:6380", { host: "localhost", port: 6380 }],
  ["REDIS://Example.com:6379/2", { host: "Example.com", port: 6379, db: 2 }],
  ["Rediss://cache.internal:6390", { host: "cache.internal", port: 6390, ssl: true }],
  ["rediss://h/0?ssl=true", { host: "h", db: 0, ssl: true }],
  ["redis://localhost/", { host: "localhost" }],
  ["redis://127.0.0.1:65535/15", { host: "127.0.0.1", port: 65535, db: 15 }],
  ["redis://my_host-1.local:1", { host: "my_host-1.local", port: 1 }],
  ["  redis://localhost:6379/1  \n", { host: "localhost", port: 6379, db: 1 }],
  // IPv6
  ["redis://[::1]:6380", { host: "::1", port: 6380 }],
  ["redis://[::1]", { host: "::1" }],
  ["redis://[2001:db8::7]/3", { host: "2001:db8::7", db: 3 }],
  ["redis://[fe80::1%25eth0]:6379", { host: "fe80::1%eth0", port: 6379 }],
  ["rediss://u:p@[::ffff:10.0.0.1]:7000", { host: "::ffff:10.0.0.1", port: 7000, username: "u", password: "p", ssl: true }],
  // user info
  ["redis://user:pass@host", { host: "host", username: "user", password: "pass" }],
  ["redis://:pass@host:6379", { host: "host", port: 6379, password: "pass" }],
  ["redis://user@host", { host: "host", username: "user" }],
  ["redis://user:@host", { host: "host", username: "user" }],
  ["redis://:@host", { host: "host" }],
  ["redis://@host", { host: "host" }],
  ["redis://us%40er:p%40ss%3Aw%2Ford@host:1", { host: "host", port: 1, username: "us@er", password: "p@ss:w/ord" }],
  ["redis://user:p@ss:w@rd@host/4", { host: "host", db: 4, username: "user", password: "p@ss:w@rd" }],
  ["redis://user:%2540%20x@host", { host: "host", username: "user", password: "%40 x" }],
  ["redis://user:a+b@host", { host: "host", username: "user", password: "a+b" }],
  ["redis://h%61st", { host: "hast" }],
  // db precedence: ?db= wins over the path
  ["redis://localhost:6379/0?db=5", { host: "localhost", port: 6379, db: 5 }],
  ["redis://localhost/7?db=0", { host: "localhost", db: 0 }],
  ["redis://localhost/%33", { host: "localhost", db: 3 }],
  // unix sockets
  ["unix:///tmp/redis.sock", { unixSocketPath: "/tmp/redis.sock" }],
  ["UNIX:///tmp/redis.sock?db=3&password=s%26cret", { unixSocketPath: "/tmp/redis.sock", db: 3, password: "s&cret" }],
  ["unix://user:pw@/var/run/redis%20x.sock", { unixSocketPath: "/var/run/redis x.sock", username: "user", password: "pw" }],
  ["unix://@/tmp/s.sock?username=u&client_name=me", { unixSocketPath: "/tmp/s.sock", username: "u", clientName: "me" }],
  // booleans, any case
  ["redis://h?decode_responses=false", { host: "h", decodeResponses: false }],
  ["redis://h?decode_responses=False", { host: "h", decodeResponses: false }],
  ["redis://h?decode_responses=True", { host: "h", decodeResponses: true }],
  [
    "redis://h?decode_responses=0&socket_keepalive=NO&retry_on_timeout=off&ssl_check_hostname=n&ssl=F",
    {
      host: "h",
      decodeResponses: false,
      socketKeepalive: false,
      retryOnTimeout: false,
      sslCheckHostname: false,
      ssl: false,
    },
  ],
  [
    "redis://h?decode_responses=1&socket_keepalive=Yes&retry_on_timeout=ON&ssl_check_hostname=y&ssl=t",
    {
      host: "h",
      decodeResponses: true,
      socketKeepalive: true,
      retryOnTimeout: true,
      sslCheckHostname: true,
      ssl: true,
    },
  ],
  // every typed option
  [
    "redis://h?db=1&socket_timeout=1.5&socket_connect_timeout=2&socket_keepalive=yes&socket_read_size=65536" +
      "&encoding=latin1&encoding_errors=replace&decode_responses=on&retry_on_timeout=1&health_check_interval=0.5" +
      "&max_connections=20&timeout=0&ssl=true&ssl_cert_reqs=optional&ssl_check_hostname=false&ssl_ca_certs=/ca.pem" +
      "&ssl_ca_path=/certs&ssl_certfile=/c.pem&ssl_keyfile=/k.pem&ssl_min_version=TLSv1.2&ssl_ciphers=HIGH:!aNULL" +
      "&client_name=worker-1&protocol=2&username=bob&password=pw&ssl_password=kp",
    {
      host: "h",
      db: 1,
      socketTimeout: 1.5,
      socketConnectTimeout: 2,
      socketKeepalive: true,
      socketReadSize: 65536,
      encoding: "latin1",
      encodingErrors: "replace",
      decodeResponses: true,
      retryOnTimeout: true,
      healthCheckInterval: 0.5,
      maxConnections: 20,
      timeout: 0,
      ssl: true,
      sslCertReqs: "optional",
      sslCheckHostname: false,
      sslCaCerts: "/ca.pem",
      sslCaPath: "/certs",
      sslCertfile: "/c.pem",
      sslKeyfile: "/k.pem",
      sslMinVersion: "TLSv1.2",
      sslCiphers: "HIGH:!aNULL",
      clientName: "worker-1",
      protocol: 2,
      username: "bob",
      password: "pw",
      sslPassword: "kp",
    },
  ],
  [
    "redis://h?protocol=3&health_check_interval=30&socket_timeout=.25&timeout=1e1",
    {
      host: "h",
      protocol: 3,
      healthCheckInterval: 30,
      socketTimeout: 0.25,
      timeout: 10,
    },
  ],
  // "none" / empty timeouts are null
  [
    "redis://h?socket_timeout=none&socket_connect_timeout=&timeout=None",
    {
      host: "h",
      socketTimeout: null,
      socketConnectTimeout: null,
      timeout: null,
    },
  ],
  // enumerations, with the spellings Python users carry over
  [
    "redis://h?encoding=utf-8&encoding_errors=STRICT&ssl_cert_reqs=NONE&ssl_min_version=tlsv1_3",
    {
      host: "h",
      encoding: "utf-8",
      encodingErrors: "strict",
      sslCertReqs: "none",
      sslMinVersion: "TLSv1.3",
    },
  ],
  [
    "redis://h?encoding=UTF8&ssl_cert_reqs=CERT_REQUIRED&ssl_min_version=771",
    {
      host: "h",
      encoding: "utf8",
      sslCertReqs: "required",
      sslMinVersion: "TLSv1.2",
    },
  ],
  ["redis://h?encoding=latin-1&ssl_min_version=TLSv1", { host: "h", encoding: "latin1", sslMinVersion: "TLSv1" }],
  // query values are decoded once, '+' is a space, '@' and ':' are fine in the query
  ["redis://h?ssl_ca_certs=/my+dir/%2Bca%2525.pem", { host: "h", sslCaCerts: "/my dir/+ca%25.pem" }],
  ["redis://h:1?client_name=a@b&password=x:y@z", { host: "h", port: 1, clientName: "a@b", password: "x:y@z" }],
  ["redis://h?&db=2&", { host: "h", db: 2 }],
];

describe("parseUrl: good URLs", () => {
  it.each(GOOD)("%s", (url, parsed) => {
    expect(parseUrl(url)).toStrictEqual(parsed);
  });
});

const BAD: Array<[string, string]> = [
  ["", "Missing scheme"],
  ["localhost:6379", "Missing scheme"],
  ["redis:/localhost", "Missing scheme"],
  ["redis:localhost", "Missing scheme"],
  ["http://localhost", "Unsupported scheme 'http'"],
  ["https://user:pw@localhost", "expected redis://, rediss:// or unix://"],
  ["redis://", "Missing host"],
  ["redis://:6379", "Missing host"],
  ["redis://user:pw@", "Missing host"],
  ["redis:///0", "Missing host"],
  ["redis://host:0", "Invalid port"],
  ["redis://host:65536", "Invalid port"],
  ["redis://host:abc", "Invalid port"],
  ["redis://host:", "Invalid port"],
  ["redis://host:-1", "Invalid port"],
  ["redis://host:1.5", "Invalid port"],
  ["redis://::1:6379", "IPv6 addresses go in brackets"],
  ["redis://[::1", "Unterminated IPv6 address"],
  ["redis://[zz]:1", "Invalid IPv6 address"],
  ["redis://[::1]x", "Invalid host"],
  ["redis://[::1]:0", "Invalid port"],
  ["redis://ho st", "Invalid host"],
  ["redis://ho%2Fst", "Invalid host"],
  ["redis://host/abc", "Invalid database number in the path"],
  ["redis://host/1/2", "Invalid database number in the path"],
  ["redis://host/-1", "Invalid database number in the path"],
  ["redis://host/%zz", "Invalid database number in the path"],
  ["redis://user:%zz@host", "Invalid percent-encoding in the password"],
  ["redis://%zz@host", "Invalid percent-encoding in the user name"],
  ["redis://h%zz", "Invalid percent-encoding in the host"],
  ["redis://host#frag", "Unexpected '#'"],
  ["redis://host\u0000x", "control character"],
  ["unix://", "Missing socket path"],
  ["unix:///", "Missing socket path"],
  ["unix://localhost/tmp/redis.sock", "Unexpected host or port"],
  ["unix://tmp/redis.sock", "Unexpected host or port"],
  ["unix:///tmp/%zz", "Invalid percent-encoding in the socket path"],
  ["redis://host?foo=1", "Unknown option 'foo' in connection URL"],
  ["redis://host?decodeResponses=true", "did you mean 'decode_responses'?"],
  ["redis://host?DB=1", "did you mean 'db'?"],
  ["redis://host?%zz=1", "Unknown or malformed option"],
  ["redis://host?__proto__=1", "Unknown option '__proto__'"],
  ["redis://host?db=1&db=1", "Option 'db' is given more than once"],
  ["redis://host?db", "Invalid value for 'db' in connection URL: expected db=value"],
  ["redis://host?db=-1", "Invalid value for 'db' in connection URL: expected a non-negative integer"],
  ["redis://host?db=1.5", "Invalid value for 'db' in connection URL: expected a non-negative integer"],
  ["redis://host?db=", "Invalid value for 'db'"],
  ["redis://host?socket_timeout=abc", "Invalid value for 'socket_timeout' in connection URL: expected a number"],
  ["redis://host?socket_timeout=0", "Invalid value for 'socket_timeout' in connection URL: expected a number"],
  ["redis://host?socket_timeout=-1", "Invalid value for 'socket_timeout'"],
  ["redis://host?socket_timeout=inf", "Invalid value for 'socket_timeout'"],
  ["redis://host?socket_timeout=0x10", "Invalid value for 'socket_timeout'"],
  ["redis://host?socket_connect_timeout=1e999", "Invalid value for 'socket_connect_timeout'"],
  ["redis://host?timeout=soon", "Invalid value for 'timeout' in connection URL: expected a number"],
  ["redis://host?health_check_interval=x", "Invalid value for 'health_check_interval' in connection URL: expected a number"],
  ["redis://host?health_check_interval=", "Invalid value for 'health_check_interval'"],
  ["redis://host?protocol=4", "Invalid value for 'protocol' in connection URL: expected 2 or 3"],
  ["redis://host?protocol=resp3", "expected 2 or 3"],
  ["redis://host?decode_responses=maybe", "Invalid value for 'decode_responses' in connection URL: expected a boolean"],
  ["redis://host?decode_responses=", "Invalid value for 'decode_responses'"],
  ["redis://host?ssl=2", "Invalid value for 'ssl'"],
  ["redis://host?max_connections=0", "Invalid value for 'max_connections' in connection URL: expected a positive integer"],
  ["redis://host?socket_read_size=big", "Invalid value for 'socket_read_size'"],
  ["redis://host?encoding=klingon", "Invalid value for 'encoding' in connection URL: expected a Node.js Buffer encoding"],
  ["redis://host?encoding_errors=loud", "Invalid value for 'encoding_errors'"],
  ["redis://host?ssl_cert_reqs=sometimes", "Invalid value for 'ssl_cert_reqs'"],
  ["redis://host?ssl_min_version=TLSv2", "Invalid value for 'ssl_min_version'"],
  ["redis://host?client_name=my%20client", "Invalid value for 'client_name'"],
  ["redis://host?client_name=", "Invalid value for 'client_name'"],
  ["redis://host?password=", "Invalid value for 'password' in connection URL: expected a non-empty string"],
  ["redis://host?ssl_ca_certs=", "Invalid value for 'ssl_ca_certs'"],
  ["redis://host?ssl_ca_certs=%zz", "Invalid percent-encoding in the value of 'ssl_ca_certs'"],
  ["rediss://host?ssl=false", "contradicts the rediss:// scheme"],
  ["redis://user:pw@host?password=x", "The password is given both before '@' and as '?password='"],
  ["redis://user@host?username=x", "The user name is given both"],
];

describe("parseUrl: bad URLs", () => {
  it.each(BAD)("%j", (url, message) => {
    let caught: unknown;
    try {
      parseUrl(url);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect(caught).toBeInstanceOf(RedisError);
    expect((caught as Error).message).toContain(message);
  });

  it("shows the redacted URL in structural errors", () => {
    expect(() => parseUrl("redis://user:pw@host:99999/0")).toThrow(
      "Invalid port in connection URL 'redis://user:***@host:99999/0': expected an integer from 1 to 65535",
    );
  });

  it("hints at percent-encoding when a password seems to hold '/', '?' or '#'", () => {
    expect(() => parseUrl("redis://user:pa/ss@host")).toThrow(/percent-encode/);
  });

  it("rejects a URL that is not a string", () => {
    expect(() => parseUrl(undefined as unknown as string)).toThrow(DataError);
    expect(() => parseUrl(42 as unknown as string)).toThrow("must be a string, got number");
  });
});

describe("no error message reveals the password", () => {
  const SECRET_URLS = [
    "redis://user:s3cr3t-P@ss@host:0",
    "redis://user:s3cr3t-P%40ss@host:99999",
    "redis://:s3cr3t-P@ss@host/abc",
    "REDIS://:s3cr3t-P@ss@host/1/2",
    "http://user:s3cr3t-P@ss@host",
    "user:s3cr3t-P@ss@host",
    "s3cr3t-P@ss@host",
    "redis://user:s3cr3t-P@ss@",
    "redis://user:s3cr3t-P@ss@ho st",
    "redis://user:s3cr3t-P@ss@[zz]",
    "redis://user:s3cr3t-P@ss@host?foo=1",
    "redis://user:s3cr3t-P@ss@host?socket_timeout=x",
    "redis://user:s3cr3t-P@ss@host?password=other",
    "redis://user:s3cr3t-P@ss@host#frag",
    "redis://:s3cr3t-P%zz@host",
    "redis://host?password=s3cr3t-P@ss&foo=1",
    "redis://host?password=s3cr3t-P%40ss&password=s3cr3t-P%40ss",
    "redis://host?password=s3cr3t-P%40ss&db=x",
    "redis://host?password=x&s3cr3t-P@ss",
    "redis://host?password=x&s3cr3t-P%40ss=1",
    "redis://host?password=s3cr3t&P@ss=1",
    "redis://host?ssl_password=s3cr3t-P@ss&ssl_password=s3cr3t-P@ss",
    "redis://u:s3cr3t/P@ss@host",
    "redis://u:s3cr3t/P@ss@host:6379/0",
    "redis://:s3cr3t?P@ss@host",
    "redis://:s3cr3t#P@ss@host",
    "redis://u:s3cr3t/P@ss@host?foo=1",
    "unix://:s3cr3t-P@ss@/tmp/x?db=x",
    "unix://:s3cr3t-P@ss@localhost/tmp/x",
    "unix://:s3cr3t-P@ss@",
    "rediss://:s3cr3t-P@ss@host?ssl=false",
    "rediss://:s3cr3t-P@ss@host\u0001",
  ];

  it.each(SECRET_URLS)("%j", (url) => {
    let caught: unknown;
    try {
      parseUrl(url);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    const err = caught as Error;
    expect(err.message).not.toMatch(/s3cr3t/i);
    expect(String(err.stack)).not.toMatch(/s3cr3t/i);
    expect(redactUrl(url)).not.toMatch(/s3cr3t/i);
  });

  it("a good URL with that password parses, and redacts", () => {
    const url = "redis://user:s3cr3t-P@ss@host:6379/0";
    expect(parseUrl(url)).toStrictEqual({ host: "host", port: 6379, db: 0, username: "user", password: "s3cr3t-P@ss" });
    expect(redactUrl(url)).toBe("redis://user:***@host:6379/0");
  });
});

describe("redactUrl", () => {
  it.each([
    ["redis://user:pass@host:6379/0", "redis://user:***@host:6379/0"],
    ["redis://:pass@host", "redis://:***@host"],
    ["redis://user@host", "redis://user@host"],
    ["redis://user:@host", "redis://user:***@host"],
    ["redis://host:6379", "redis://host:6379"],
    ["unix://u:p@/tmp/redis.sock?db=1", "unix://u:***@/tmp/redis.sock?db=1"],
    ["rediss://u:p%40ss@h?db=1&password=x&ssl_password=y&client_name=c", "rediss://u:***@h?db=1&password=***&ssl_password=***&client_name=c"],
    ["redis://host?password=a&b&c=d&db=1", "redis://host?password=***&db=1"],
    ["redis://host?auth_token=abc&db=1", "redis://host?auth_token=***&db=1"],
    ["redis://u:pa/ss@host/0", "redis://***@host/0"],
    ["user:pw@host", "user:***@host"],
    ["pw@host", "***@host"],
    ["localhost:6379", "localhost:6379"],
    // Ambiguous: an '@' in the query could end a password holding '?'. Hide too much, not too little.
    ["redis://host?client_name=a@b", "redis://***@b"],
  ])("%s", (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe("mergeUrlOptions", () => {
  it("lets what the URL states win over the options", () => {
    const merged = mergeUrlOptions("redis://h:1/2?decode_responses=false", {
      db: 5,
      port: 3,
      decodeResponses: true,
      socketTimeout: 9,
    });
    expect(merged).toStrictEqual({ host: "h", port: 1, db: 2, decodeResponses: false, socketTimeout: 9 });
  });

  it("keeps options the URL does not mention, and works without options", () => {
    expect(mergeUrlOptions("rediss://h", { clientName: "x" })).toStrictEqual({ host: "h", ssl: true, clientName: "x" });
    expect(mergeUrlOptions("redis://h")).toStrictEqual({ host: "h" });
    expect(mergeUrlOptions("redis://h", null)).toStrictEqual({ host: "h" });
  });

  it("does not modify the options object", () => {
    const options = { db: 1 };
    mergeUrlOptions("redis://h/2", options);
    expect(options).toStrictEqual({ db: 1 });
  });

  it("a TCP URL clears unixSocketPath; a unix URL sets it", () => {
    expect(mergeUrlOptions("redis://h", { unixSocketPath: "/tmp/x.sock" })).toStrictEqual({ host: "h", unixSocketPath: null });
    expect(mergeUrlOptions("unix:///tmp/y.sock", { unixSocketPath: "/tmp/x.sock", db: 1 })).toStrictEqual({
      unixSocketPath: "/tmp/y.sock",
      db: 1,
    });
  });

  it("throws the parser's errors", () => {
    expect(() => mergeUrlOptions("redis://h?bogus=1", {})).toThrow(DataError);
  });
});

/**
 * Test-time TLS material, generated with the `openssl` CLI once per process and cached.
 */
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeTmpDir } from "./util.js";

/** Absolute paths of PEM files. */
export interface TlsCerts {
  dir: string;
  /** The CA the test servers trust (tls-ca-cert-file) and that signed serverCert / clientCert. */
  caCert: string;
  caKey: string;
  /** Signed by caCert; subjectAltName IP:127.0.0.1, IP:::1, DNS:localhost; CN=localhost. */
  serverCert: string;
  serverKey: string;
  /** Signed by caCert; extendedKeyUsage clientAuth; CN=aioredis-test-client. */
  clientCert: string;
  clientKey: string;
  /** An unrelated CA: verifying the server against it must fail ("wrong CA" tests). */
  otherCaCert: string;
  otherCaKey: string;
  /** A client certificate signed by otherCaCert: the servers must reject it when they check client certs. */
  otherClientCert: string;
  otherClientKey: string;
}

const OPENSSL_BIN = process.env.OPENSSL_BIN ?? "openssl";

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,IP:::1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
`;

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile(OPENSSL_BIN, args, { cwd }, (err, _stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          reject(new Error("openssl not found (set OPENSSL_BIN or install it: apt-get install openssl)"));
          return;
        }
        reject(new Error(`openssl ${args.join(" ")} failed: ${String(stderr).trim() || err.message}`));
        return;
      }
      resolve();
    });
  });
}

const KEY_ARGS = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(
    [
      "req",
      "-x509",
      "-new",
      ...KEY_ARGS,
      "-config",
      "openssl.cnf",
      "-extensions",
      "v3_ca",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "30",
      "-subj",
      `/CN=${name}-aioredis-test`,
    ],
    dir,
  );
}

async function makeLeaf(dir: string, name: string, ca: string, cn: string, ext: "server" | "client"): Promise<void> {
  await openssl(["req", "-new", ...KEY_ARGS, "-config", "openssl.cnf", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`], dir);
  await openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-set_serial",
      `0x${crypto.randomBytes(8).toString("hex")}`,
      "-days",
      "30",
      "-extfile",
      "openssl.cnf",
      "-extensions",
      ext,
      "-out",
      `${name}.crt`,
    ],
    dir,
  );
}

async function generate(): Promise<TlsCerts> {
  const dir = makeTmpDir("certs");
  fs.writeFileSync(path.join(dir, "openssl.cnf"), CONFIG);
  await Promise.all([makeCa(dir, "ca"), makeCa(dir, "other-ca")]);
  await Promise.all([
    makeLeaf(dir, "server", "ca", "localhost", "server"),
    makeLeaf(dir, "client", "ca", "aioredis-test-client", "client"),
    makeLeaf(dir, "other-client", "other-ca", "aioredis-test-other-client", "client"),
  ]);
  const p = (f: string): string => path.join(dir, f);
  return {
    dir,
    caCert: p("ca.crt"),
    caKey: p("ca.key"),
    serverCert: p("server.crt"),
    serverKey: p("server.key"),
    clientCert: p("client.crt"),
    clientKey: p("client.key"),
    otherCaCert: p("other-ca.crt"),
    otherCaKey: p("other-ca.key"),
    otherClientCert: p("other-client.crt"),
    otherClientKey: p("other-client.key"),
  };
}

let cached: Promise<TlsCerts> | undefined;

/** Generates (first call) or returns the cached per-process TLS material. */
export function getTlsCerts(): Promise<TlsCerts> {
  if (cached === undefined) {
    const p = generate();
    cached = p;
    p.catch(() => {
      if (cached === p) cached = undefined;
    });
  }
  return cached;
}

/** Reads the PEM files into Buffers, e.g. for `tls.connect({ ca, cert, key })`. */
export function readTlsMaterial(certs: TlsCerts): { ca: Buffer; cert: Buffer; key: Buffer; otherCa: Buffer } {
  return {
    ca: fs.readFileSync(certs.caCert),
    cert: fs.readFileSync(certs.clientCert),
    key: fs.readFileSync(certs.clientKey),
    otherCa: fs.readFileSync(certs.otherCaCert),
  };
}

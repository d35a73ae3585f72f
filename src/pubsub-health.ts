/**
 * PubSub's health check (redis-py's `health_check_interval` on a subscribed connection): when
 * nothing came for `healthCheckInterval` seconds, a PING goes out; no answer within the
 * socket timeout (else the interval) closes the connection, and PubSub reconnects.
 */
import type { Connection } from "./connection/connection.js";
import { ConnectionError, TimeoutError } from "./errors.js";
import { HEALTH_CHECK_MESSAGE } from "./pubsub-frames.js";

export interface HealthCheckHost {
  /** The connection holding the subscriptions, if any. */
  readonly current: () => Connection | null;
  /** Whether a PING is due at all: subscribed, and reading (a paused reader expects no answer). */
  readonly wantsPing: () => "yes" | "no" | "paused";
  readonly fail: (error: Error) => void;
}

export class HealthCheck {
  private lastTraffic = Date.now();
  /** A push came since the last tick: only the first one per tick reads the clock, not every message. */
  private trafficSinceTick = false;
  private timer: NodeJS.Timeout | null = null;
  private pingSentAt = 0;

  constructor(private readonly host: HealthCheckHost) {}

  /** Something came from the server (a push). */
  traffic(): void {
    if (!this.trafficSinceTick) {
      this.trafficSinceTick = true;
      this.lastTraffic = Date.now();
    }
  }

  /** A reply came now (a PING answered). */
  answered(): void {
    this.lastTraffic = Date.now();
  }

  start(connection: Connection): void {
    const interval = connection.options.healthCheckInterval;
    if (interval <= 0 || this.timer) return;
    const waitForPong = (connection.options.socketTimeout ?? interval) * 1000;
    this.timer = setInterval(
      () => {
        this.trafficSinceTick = false;
        const current = this.host.current();
        if (!current || !current.isConnected) return;
        const wants = this.host.wantsPing();
        if (wants === "no") return;
        if (wants === "paused") {
          // Not reading on purpose: no answer is expected.
          this.pingSentAt = 0;
          return;
        }
        const now = Date.now();
        if (this.pingSentAt > this.lastTraffic && now - this.pingSentAt > waitForPong) {
          this.pingSentAt = 0;
          current.disconnect(false, new TimeoutError(`No answer to the health check PING from ${current.description}`));
          return;
        }
        if (now - this.lastTraffic >= interval * 1000 && this.pingSentAt <= this.lastTraffic) {
          this.pingSentAt = now;
          void this.ping(current);
        }
      },
      Math.max(10, Math.min(interval * 1000, waitForPong) / 2),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async ping(connection: Connection): Promise<void> {
    try {
      if (connection.protocol === 2) {
        // RESP2's pong arrives as a message; health checks are not shown to the reader.
        await connection.send(["PING", HEALTH_CHECK_MESSAGE], { expectsReply: false });
      } else {
        await connection.send(["PING"]);
        this.answered();
      }
    } catch (err) {
      if (!(err instanceof ConnectionError || err instanceof TimeoutError)) this.host.fail(err as Error);
    }
  }
}

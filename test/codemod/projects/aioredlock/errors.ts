export class AioredlockError extends Error {}

/** Errors thrown by Aioredlock. */
export class LockError extends AioredlockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The lock could not be acquired: someone else holds it. */
export class LockAcquiringError extends LockError {}

/** Redis or the connection failed while taking the lock. */
export class LockRuntimeError extends LockError {}

export class Event {
  constructor(
    readonly channel: string,
    readonly message: unknown,
  ) {}
}

export interface BroadcastBackend {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  publish(channel: string, message: unknown): Promise<void>;
  nextPublished(): Promise<Event>;
}

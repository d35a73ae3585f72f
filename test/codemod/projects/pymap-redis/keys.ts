const enc = (s: string) => Buffer.from(s, "utf-8");

export class NamespaceKeys {
  readonly root: Buffer;
  readonly maxMod: Buffer;
  constructor(readonly name: string) {
    this.root = enc(`/${name}`);
    this.maxMod = enc(`/${name}/max-mod`);
  }
}

export class FilterKeys {
  readonly names: Buffer;
  readonly data: Buffer;
  constructor(ns: NamespaceKeys) {
    this.names = Buffer.concat([ns.root, enc("/filter-names")]);
    this.data = Buffer.concat([ns.root, enc("/filter-data")]);
  }
}

export class MailboxKeys {
  readonly maxUid: Buffer;
  readonly maxMod: Buffer;
  readonly abort: Buffer;
  readonly uids: Buffer;
  readonly modSeq: Buffer;
  readonly emailIds: Buffer;
  readonly unseen: Buffer;
  constructor(ns: NamespaceKeys, mailboxId: string) {
    const root = Buffer.concat([ns.root, enc(`/mbx/${mailboxId}`)]);
    const k = (s: string) => Buffer.concat([root, enc(s)]);
    this.maxUid = k("/max-uid");
    this.maxMod = k("/max-mod");
    this.abort = k("/abort");
    this.uids = k("/uids");
    this.modSeq = k("/mod-seq");
    this.emailIds = k("/email-ids");
    this.unseen = k("/unseen");
  }
}

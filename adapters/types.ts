/**
 * The storage contract. Two back ends implement it (adapters/sqlite, adapters/redis)
 * and one suite (test/contract) holds both to it. Interfaces stay narrow: each
 * method is one atomic operation on one aggregate, so that Redis Cluster needs
 * no redesign (every multi-key operation stays within one hash slot).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Cluster, Redis } from 'ioredis';

/** A stored account document. The store knows the fields named here (it indexes them); the rest is opaque to it. */
export interface StoredAccount {
  id: string;
  email: string;
  /** Optimistic-concurrency counter: save() only succeeds on the version it read. */
  version: number;
  /** Found by prefix from any of its words on (search). */
  name?: string;
  /** The provisioning system's identifier (SCIM externalId), found exactly. */
  externalId?: string;
  /** Listed as open (pending or expired) until accepted. */
  invitation?: { acceptedAt?: number };
  /** When the account-end job must look at the account next (epoch seconds); the application keeps it. */
  endCheckAt?: number;
  /** A removed account: kept so that its id is never used again, and in no listing, search or schedule. */
  deletedAt?: number;
  [field: string]: unknown;
}

/** One page of a listing. */
export interface AccountPage<A> {
  accounts: A[];
  /** Where the next page starts (pass as `after`); absent after the last one. */
  next?: string;
}

export class DuplicateEmailError extends Error {
  constructor(email: string) {
    super(`an account with e-mail ${email} already exists`);
  }
}
export class StaleAccountError extends Error {
  constructor(id: string) {
    super(`account ${id} was changed concurrently`);
  }
}

/**
 * The one error a store throws when it cannot do its work (Redis down or too slow,
 * a write no replica acknowledged, a SQLite failure). The original error is the
 * cause. DuplicateEmailError and StaleAccountError are answers, not failures, and
 * are never wrapped.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface AccountStore<A extends StoredAccount = StoredAccount> {
  /** Creates the account; e-mail is unique case-insensitively (DuplicateEmailError). */
  create(account: A): Promise<void>;
  findById(id: string): Promise<A | undefined>;
  /** Case-insensitive. */
  findByEmail(email: string): Promise<A | undefined>;
  /** Writes the account if its stored version is still account.version (else StaleAccountError); returns it with the version bumped. */
  save(account: A): Promise<A>;
  /*
   * The questions below are answered from indexes that the write of an account
   * keeps (on Redis, index entries are hints checked against the account they
   * name). None reads every account. Removed accounts (deletedAt) are in none.
   */
  /** Accounts with this externalId (case-exact), at most `limit`. */
  findByExternalId(externalId: string, limit: number): Promise<A[]>;
  /** How many accounts there are (not removed ones). */
  countListed(): Promise<number>;
  /**
   * Accounts in the order of their address (folded: case and accents ignored),
   * `limit` of them: from position `offset` (0-based), or after the page whose `next` is `after`.
   */
  listed(from: { offset: number } | { after: string }, limit: number): Promise<AccountPage<A>>;
  /**
   * Accounts whose address, or name from any of its words on, starts with `text`
   * (case and accents ignored), ordered by what matched, each once. At most `within`
   * matches are read: `total` counts the accounts among them, `more` says there were more.
   */
  search(text: string, page: { offset: number; limit: number; within: number }): Promise<{ accounts: A[]; total: number; more: boolean }>;
  /** Accounts with an open (pending or expired) invitation, by address: `limit` from `offset`, and how many there are. */
  openInvitations(offset: number, limit: number): Promise<{ accounts: A[]; total: number }>;
  /** Accounts whose endCheckAt is at or before `now` (epoch seconds), earliest first: `limit` from `offset`. */
  endChecksDue(now: number, offset: number, limit: number): Promise<A[]>;
  /**
   * Builds the indexes, in batches: of the accounts that a release without them
   * wrote, or (`all`) of every account, also removing index entries that no longer
   * match their account. `upgrade` gives the account as this release writes it when
   * that differs (it is then saved, if still at the version read). Idempotent;
   * `progress` hears the running count. Returns how many accounts it went through.
   */
  reindex(options: { all: boolean; progress?(indexed: number): void; upgrade?(account: A): A | undefined }): Promise<number>;
}

/**
 * Single-use secrets (reset links, WebAuthn challenges). Per (purpose, subject)
 * at most `keep` tokens are live (default 1): a new one voids the oldest beyond
 * that. Only a hash is stored.
 */
export interface SingleUseTokenStore {
  put(purpose: string, subject: string, hash: string, ttlSeconds: number, options?: { data?: unknown; keep?: number }): Promise<void>;
  /** True when this token is live; consumes nothing (mail scanners open links too). */
  peek(purpose: string, subject: string, hash: string): Promise<boolean>;
  /**
   * Consumes the token exactly once, atomically, voiding every other token of
   * (purpose, subject) with it; returns its data, or undefined when it is not live.
   */
  take(purpose: string, subject: string, hash: string): Promise<{ data: unknown } | undefined>;
  /** Voids every token of (purpose, subject). */
  drop(purpose: string, subject: string): Promise<void>;
}

/** Markers that may be set once (TOTP codes, recovery codes): claim() is true for the first caller only. */
export interface ReplayGuard {
  claim(subject: string, marker: string, ttlSeconds: number): Promise<boolean>;
}

/** What re-signing a back-channel logout token needs; the token itself is never stored. */
export interface LogoutNotice {
  clientId: string;
  sub: string;
  sid?: string;
}
/** A notice held by one caller: its `attempt`-th delivery attempt; `lease` names this hold on it. */
export interface HeldLogoutNotice extends LogoutNotice {
  lease: string;
  attempt: number;
}

/**
 * Back-channel logouts on their way to the applications, kept in the store so
 * that any running instance retries them and none is lost with the process
 * that queued it. A notice is held by one caller at a time, until a time the
 * caller names; a holder that dies leaves it due again at that time.
 */
export interface LogoutOutbox {
  /** Stores a notice, held by the caller (its first attempt) until `heldUntil` (epoch ms). */
  add(notice: LogoutNotice, heldUntil: number): Promise<HeldLogoutNotice>;
  /** Takes up to `limit` notices due at `now`, earliest first, each held until `heldUntil`; parallel callers never take the same one. */
  take(now: number, heldUntil: number, limit: number): Promise<HeldLogoutNotice[]>;
  /** Delivered or given up: removed, if the caller still holds it. */
  remove(lease: string): Promise<void>;
  /** Not delivered: due again at `dueAt`, if the caller still holds it. */
  postpone(lease: string, dueAt: number): Promise<void>;
}

/**
 * One event of an account's history, as the audit trail recorded it: when
 * (epoch seconds), what, and identifiers only — never a secret. The store keeps
 * the fields as given and looks at `at` only.
 */
export interface HistoryEntry {
  at: number;
  event: string;
  [field: string]: unknown;
}

/**
 * Each account's audit events (the console's history of an account), kept
 * within bounds the caller sets: at most `max` entries per account, and none
 * older than `seconds` before the newest. Entries come back in the order they
 * were added, newest first.
 */
export interface AccountHistory {
  /** Adds the entry; drops the account's oldest beyond `max` and those from `seconds` or more before this one; the rest expires `seconds` after it. */
  add(accountId: string, entry: HistoryEntry, keep: { max: number; seconds: number }): Promise<void>;
  /** The account's entries from after `after` (epoch seconds), newest first, at most `limit`. */
  read(accountId: string, limit: number, after: number): Promise<HistoryEntry[]>;
  /** Forgets every entry of the account. */
  erase(accountId: string): Promise<void>;
}

/**
 * An identity at an upstream OpenID provider (SURFconext, eduID), the pair
 * (issuer, subject), linked to one account (#26). What the store knows: the pair
 * and the account; the rest it keeps as given.
 */
export interface UpstreamLink {
  issuer: string;
  subject: string;
  accountId: string;
  /** The provider of UPSTREAM_PROVIDERS_FILE it came through (its id). */
  provider: string;
  /** How it was linked: on My account (password and second factor) or while completing an invitation. */
  via: 'account' | 'invitation';
  /** What the institution said of the identity when it was linked (e.g. schac_home_organization), each value exactly as given. */
  label: Record<string, string>;
  linkedAt: number;
  /** The last sign-in through it (epoch seconds). */
  lastUsedAt?: number;
}

/**
 * Upstream identities and the accounts they are linked to: found by the pair
 * (the sign-in's question) and by account (My account, the console). A pair is
 * linked to at most one account; every answer is read from an index, none reads
 * every link.
 */
export interface UpstreamLinkStore {
  /** Links the pair to link.accountId, unless it is linked already: to that account ('already') or another ('taken', nothing changes). */
  link(link: UpstreamLink): Promise<'linked' | 'already' | 'taken'>;
  find(issuer: string, subject: string): Promise<UpstreamLink | undefined>;
  /** The account's links, oldest first. */
  ofAccount(accountId: string): Promise<UpstreamLink[]>;
  /** Removes the pair's link if it is this account's; false when it was not (nothing changes). */
  unlink(accountId: string, issuer: string, subject: string): Promise<boolean>;
  /** Notes a sign-in through the link, if it is still this account's. */
  used(accountId: string, issuer: string, subject: string, at: number): Promise<void>;
}

export type OidcAdapterFactory = (model: string) => Adapter;
export type { Adapter, AdapterPayload };

export interface Store {
  kind: 'sqlite' | 'redis';
  accounts: AccountStore;
  tokens: SingleUseTokenStore;
  replay: ReplayGuard;
  logoutOutbox: LogoutOutbox;
  history: AccountHistory;
  /** Institution accounts linked to CBS accounts (#26). */
  upstreamLinks: UpstreamLinkStore;
  oidcAdapter: OidcAdapterFactory;
  /** Rejects (StoreUnavailableError) when the back end cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The Redis connection, for counters shared across instances (rate limits). */
  redis?: RedisClient;
}

/** A single server or Sentinel-managed master (Redis), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

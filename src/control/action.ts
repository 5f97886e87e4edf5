/**
 * What an action module declares: its documented name, its input schema (from schema/) and a
 * handler that takes the validated input and a context and returns the documented output.
 * The dispatcher does the rest (signature, common parameters, validation, rate limit,
 * transaction, envelope), so an action file reads like the document's page for it.
 */
import type { z } from "zod";
import type { Transaction } from "kysely";
import type { Config } from "../config.js";
import type { Database } from "../store/db.js";
import type { Account } from "../store/accounts.js";
import type { Scope } from "../store/resources.js";
import type { Events } from "../events.js";

export interface ActionContext {
  /** The action's transaction: everything it writes commits together or not at all. */
  db: Transaction<Database>;
  /** The caller's account and region: every resource is scoped by both. */
  scope: Scope;
  account: Account;
  requestId: string;
  now: Date;
  config: Config;
  events: Events;
  /** What the gateway has counted (quota used per usage plan and key), for InUseRequestNum. */
  usage: UsageReader;
  /** Runs after the transaction commits, e.g. to refresh the gateway's compiled view. */
  afterCommit(fn: () => void): void;
}

export interface UsageReader {
  /** Requests of `accessKeyId` counted against usage plan `usagePlanId`'s quota since start. */
  quotaUsed(scope: Scope, usagePlanId: string, accessKeyId: string): number;
}

/** For a dispatcher without a gateway (nothing is counted). */
export const noUsage: UsageReader = { quotaUsed: () => 0 };

export type ActionOutput = Record<string, unknown>;

export interface ActionDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  input: S;
  handler(input: z.infer<S>, ctx: ActionContext): Promise<ActionOutput>;
}

export function defineAction<S extends z.ZodType>(def: ActionDefinition<S>): ActionDefinition<S> {
  return def;
}
